"""`/lockstep stats`: how the question loop did over the last days (lines of its reply)."""

from __future__ import annotations

STATS_DAYS = 30


def loop_lines(
    days: int, asked: dict[str, int], answered: int, missed: int, stale: int
) -> list[str]:
    """Questions asked and answered, the share resolved by an existing answer (deflection),
    answers marked “Not quite” and answers due for review."""
    total = sum(asked.values())
    resolved = asked.get("resolved", 0)
    share = round(100 * resolved / total) if total else 0
    return [
        f":bar_chart: *Prospect questions, last {days} days*",
        f"• Asked: {total} · answered: {answered} · still open: {asked.get('open', 0)}",
        f"• Resolved by an existing answer (deflection): {resolved} of {total} ({share}%)",
        f"• Answers marked “Not quite”: {missed}",
        f"• Answers not verified since their review date: {stale}",
    ]
