"""Block Kit for `/lockstep` replies, help and the channel introduction."""
