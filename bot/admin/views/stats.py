"""`/lockstep stats`: the question loop's figures and how quickly marketing answers prospect
questions (private reply)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.kernel.messages import ephemeral
from bot.kernel.text import duration

# (days, answered, median, p90); answered 0: none in that window
Window = tuple[int, int, timedelta, timedelta]


def stats_reply(loop: list[str], windows: list[Window]) -> dict[str, Any]:
    """The loop's lines (bot.questions.views.stats), then one line per window of the time to
    first answer (last 7 days, last 30 days)."""
    lines = [*loop, "*Time to first answer of prospect questions*"]
    for days, count, median, p90 in windows:
        if not count:
            lines.append(f"• Last {days} days: no question got its first answer")
        else:
            lines.append(
                f"• Last {days} days: median {duration(median)}, p90 {duration(p90)} "
                f"({count} answered)"
            )
    return ephemeral("\n".join(lines))
