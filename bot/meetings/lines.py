"""The agenda's read-only items (goals, questions, content) and their lines as escaped mrkdwn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.kernel.text import safe, user_mention


@dataclass(frozen=True)
class QuestionItem:
    id: int
    text: str
    plus_ones: int
    answered: bool
    asked_at: datetime


@dataclass(frozen=True)
class GoalItem:
    name: str
    status: str  # behind | at_risk | on_track | done
    owners: tuple[str, ...] = ()
    delta: float | None = None  # change since the last meeting (quarterly: over the quarter)
    risks: int = 0  # “I see a risk” picked for this goal on the window's latest digests
    helps: int = 0  # “I can help” picked for it
    progress: float | None = None  # share of the target reached (1.0 = 100 %)
    updates: int = 0  # progress updates logged over the same span as `delta`


@dataclass(frozen=True)
class ContentItem:
    id: int
    title: str
    kind: str  # request | asset
    waiting: bool = False  # a request waiting for a decision
    resonance: float | None = None  # assets: average rating, lower is worse
    uses: int = 0
    demand: int = 0  # requests: the requester plus every +1
    confidence: str | None = None  # assets: of the resonance (storage.scoring.confidence)
    unused: bool = False  # assets: nobody reported using it lately (storage.assets.unused_assets)


def goal_line(goal: GoalItem, kind: str) -> str:
    status = {"behind": ":red_circle: behind", "at_risk": ":large_orange_circle: at risk"}.get(
        goal.status, ":large_green_circle: " + goal.status.replace("_", " ")
    )
    line = f"• *{safe(goal.name, 150)}* — {status}"
    trend = [f"{round(goal.progress * 100)}% of target"] if goal.progress is not None else []
    if goal.delta is not None:
        span = "this quarter" if kind == "quarterly" else "since last time"
        trend.append(f"{_signed(goal.delta)} {span}" if goal.delta else f"no change {span}")
    if trend:
        line += f" ({', '.join(trend)})"
    if goal.owners:
        line += " — " + ", ".join(user_mention(o) for o in goal.owners[:5])
    if goal.risks:
        line += f" — :warning: risk seen by {goal.risks}"
    if goal.helps:
        line += f" — :raised_hands: {goal.helps} can help"
    return line


def _signed(value: float) -> str:
    """+3, -1.5, +1,250: no trailing zeros, no exponent."""
    text = f"{abs(value):,.2f}".rstrip("0").rstrip(".")
    return ("-" if value < 0 else "+") + text


def question_line(q: QuestionItem) -> str:
    mark = ":white_check_mark:" if q.answered else ":grey_question:"
    plus = f" (+{q.plus_ones})" if q.plus_ones else ""
    return f"• {mark} {safe(q.text, 200)}{plus}"


def content_line(c: ContentItem) -> str:
    if c.kind == "request":
        asking = f" ({c.demand} asking)" if c.demand > 1 else ""
        return f"• :hourglass: Request waiting for a decision: {safe(c.title, 150)}{asking}"
    details = []
    if c.resonance is not None:
        confidence = f", {c.confidence} confidence" if c.confidence else ""
        details.append(f"rated {c.resonance:.1f}{confidence}")
    details.append("never used" if c.uses == 0 else f"used {c.uses}×")
    if c.unused and c.uses:
        details.append("none in the last 60 days")
    mark = ":chart_with_downwards_trend:" if c.resonance is not None else ":zzz:"
    return f"• {mark} {safe(c.title, 150)} ({', '.join(details)})"
