"""`python -m bot.cli`: the `lockstep` command."""

from bot.cli import main

main()
