"""The DM that reminds a goal owner to log progress before the digest."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.goals.digest import bar, number
from bot.goals.pace import standing
from bot.goals.views.digest import LOG_PROGRESS
from bot.kernel.text import safe
from storage.models import Goal

MAX_GOALS = 10  # an owner of more goals sees the first ten (the button logs any of them)


def goal_figure(goal: Goal, today: date) -> str:
    """`*Signed contracts*  ███░░ 12/40 deals (30%), at risk`, escaped."""
    s = standing(goal.current_value, goal.target, goal.start_date, goal.end_date, today)
    unit = f" {safe(goal.unit, 30)}" if goal.unit else ""
    return (
        f"*{safe(goal.name, 100)}*  `{bar(s.progress)}` {number(goal.current_value)}/"
        f"{number(goal.target)}{unit} ({round(s.progress * 100)}%), {s.pace.value}"
    )


def owner_nudge(goals: list[Goal], digest_at: datetime, today: date) -> dict[str, Any]:
    """One DM listing the owner's goals with no progress logged since the last digest.

    `digest_at` is already in the owner's zone (dates in DMs are shown in theirs)."""
    when = f"{digest_at:%A} {digest_at:%H:%M}"
    lines = "\n".join(goal_figure(g, today) for g in goals[:MAX_GOALS])
    intro = (
        f"The shared-goal digest posts {when} your time, and nothing was logged on "
        f"{'this goal' if len(goals) == 1 else 'these goals'} since the last one:"
    )
    button = {
        "type": "button",
        "action_id": LOG_PROGRESS,
        "text": {"type": "plain_text", "text": "Log progress"},
        "value": "log",
        "style": "primary",
    }
    return {
        "text": f"Log progress before the digest ({when})",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"{intro}\n{lines}"[:3000]}},
            {"type": "actions", "elements": [button]},
        ],
    }
