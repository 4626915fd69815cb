"""`lockstep demo`: the real app, a local Slack stand-in, and a realistic week, in a minute."""
