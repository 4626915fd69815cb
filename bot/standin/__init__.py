"""A local stand-in for Slack: a fake Web API server and requests signed exactly as Slack signs
them. Used by the tests, the benchmarks and `lockstep demo` (no Slack workspace needed)."""
