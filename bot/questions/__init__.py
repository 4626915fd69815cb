"""Prospect questions: reading the forms, triage posts and answer DMs."""
