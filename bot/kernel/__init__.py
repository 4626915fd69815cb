"""Pure helpers for the layers above: escaping, parsing, shared inputs and replies, schedules."""
