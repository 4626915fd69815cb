"""Block Kit for content requests: modals, the triage post, DMs."""
