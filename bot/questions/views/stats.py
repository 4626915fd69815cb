"""`/lockstep stats`: how the question loop did over the last days, in one ephemeral reply."""

from __future__ import annotations

from typing import Any

from bot.kernel.messages import ephemeral

STATS_DAYS = 30


def stats_reply(
    days: int, asked: dict[str, int], answered: int, missed: int, stale: int
) -> dict[str, Any]:
    """Questions asked and answered, the share resolved by an existing answer (deflection),
    answers marked “Not quite” and answers due for review."""
    total = sum(asked.values())
    resolved = asked.get("resolved", 0)
    share = round(100 * resolved / total) if total else 0
    lines = [
        f":bar_chart: *Prospect questions, last {days} days*",
        f"• Asked: {total} · answered: {answered} · still open: {asked.get('open', 0)}",
        f"• Resolved by an existing answer (deflection): {resolved} of {total} ({share}%)",
        f"• Answers marked “Not quite”: {missed}",
        f"• Answers not verified since their review date: {stale}",
    ]
    return ephemeral("\n".join(lines))
