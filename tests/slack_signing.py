"""Slack-exact request signing and payload builders live in the package (bot.standin)."""

from bot.standin.signing import *  # noqa: F403
