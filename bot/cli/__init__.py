"""The `lockstep` command: the entry point above everything else (it runs the app, the demo,
the jobs and the database tools)."""

from bot.cli.commands import main

__all__ = ["main"]
