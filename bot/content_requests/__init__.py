"""Content requests: triage posts, status DMs, the 14-day follow-up."""
