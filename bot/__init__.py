"""Lockstep: one feedback loop for sales and marketing, inside Slack."""
