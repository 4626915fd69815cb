"""The agenda sections other features feed: shared goals, content, and prospect questions.

Each collector reads the team's data for one meeting window through a few indexed, aggregated
queries (storage/loop.py, storage/goals_digests.py, storage/assets.py) and returns the
builder's items.

Digest signals: readers pick a goal under *I can help with…* or *I see a risk in…* on the
digest (storage.goals_digests.add_signal); each goal shows only the signals about it, from the
latest digests of the window. A reaction on the whole digest means "seen" and flags no goal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.gaps.report import gaps_of
from bot.gaps.views.report import gap_lines
from bot.goals.pace import Pace, Standing, standing
from bot.meetings.lines import ContentItem, GoalItem, QuestionItem
from storage import assets, goals, loop
from storage import gaps as gap_store
from storage import goals_digests as digests
from storage.clock import to_local
from storage.models.gaps import WINDOWS

QUARTER = timedelta(days=91)  # a quarterly series shows goal trends over at least this span
LOW_RESONANCE = 3.0  # assets rated below the middle of the 1–5 scale are worth discussing
LOW_SHOWN = 3  # lowest-resonance assets offered to the builder
UNUSED_SHOWN = 3  # unused assets offered to the builder
WAITING_SHOWN = 50  # requests waiting for a decision (the builder shows 5 and "+N more")
QUESTIONS_SHOWN = 50  # questions of the window offered to the builder, best first
STATUS = {Pace.BEHIND: "behind", Pace.AT_RISK: "at_risk", Pace.ON_TRACK: "on_track"}


@dataclass(frozen=True)
class GoalsSince:
    items: list[GoalItem]
    updates: int  # progress updates logged since the last meeting
    moved: int  # goals whose value changed since the last meeting


@dataclass(frozen=True)
class QuestionsSince:
    items: list[QuestionItem] = field(default_factory=list)  # the best QUESTIONS_SHOWN
    asked: int = 0  # captured in the window, withdrawn ones left out (merged ones were asked)
    answered: int = 0  # first answered in the window
    live: int = 0  # open or answered questions of the window, all of them (for "+N more")


def status_of(s: Standing) -> str:
    """The builder's status from the digest's verdict (bot.goals.pace)."""
    return "done" if s.complete else STATUS[s.pace]


def goal_items(
    session: Session, team_id: str, kind: str, zone: ZoneInfo, since: datetime, until: datetime
) -> GoalsSince:
    """Every active shared goal with its pace on the meeting day, owners, change and flags."""
    team_goals = goals.active(session, team_id)
    if not team_goals:
        return GoalsSince([], 0, 0)
    window = loop.goal_activity(session, team_id, since, until)
    trend = window
    if kind == "quarterly" and until - since < QUARTER:
        trend = loop.goal_activity(session, team_id, until - QUARTER, until)
    signals = signals_by_goal(session, team_id, since, until)
    day = to_local(until, zone).date()
    items = []
    for g in team_goals:
        s = standing(g.current_value, g.target, g.start_date, g.end_date, day)
        updates, delta = trend.get(g.id or 0, (0, 0.0))
        items.append(
            GoalItem(
                name=g.name,
                status=status_of(s),
                owners=(g.sales_owner, g.marketing_owner),
                delta=delta,
                risks=signals.get(g.id or 0, {}).get("risk", 0),
                helps=signals.get(g.id or 0, {}).get("help", 0),
                progress=s.progress,
                updates=updates,
            )
        )
    moved = sum(1 for _, change in window.values() if change)
    return GoalsSince(items, sum(n for n, _ in window.values()), moved)


def signals_by_goal(
    session: Session, team_id: str, since: datetime, until: datetime
) -> dict[int, dict[str, int]]:
    """“I can help” / “I see a risk” picked per goal on the team's latest digests in the
    window: {goal id: {"help": n, "risk": n}}."""
    latest = [d for d in digests.previous(session, team_id, until) if d.occurrence >= since]
    return digests.signals(session, [d.id for d in latest if d.id is not None])


def content_items(session: Session, team_id: str, now: datetime) -> list[ContentItem]:
    """Requests waiting for a decision, the lowest-resonance assets and unused assets."""
    items = [
        ContentItem(r.id, r.what, "request", waiting=True, demand=r.demand)
        for r in loop.requests_waiting(session, team_id, WAITING_SHOWN)
    ]
    unused = {a.id: a.title for a in assets.unused_assets(session, team_id, now, UNUSED_SHOWN)}
    candidates = dict(loop.low_resonance_candidates(session, team_id, now, 2 * LOW_SHOWN))
    stats = assets.stats(session, [i for i in {*candidates, *unused} if i is not None], now)
    low = sorted(
        (i for i in candidates if (stats[i].resonance.score or 0.0) < LOW_RESONANCE),
        key=lambda i: (stats[i].resonance.score or 0.0, i),
    )[:LOW_SHOWN]
    for asset_id in low:
        rated = stats[asset_id]
        items.append(
            ContentItem(
                asset_id,
                candidates[asset_id],
                "asset",
                resonance=rated.resonance.score,
                uses=rated.uses,
                confidence=rated.resonance.confidence,
                unused=unused.pop(asset_id, None) is not None,
            )
        )
    for stale, title in unused.items():
        if stale is not None:
            items.append(ContentItem(stale, title, "asset", uses=stats[stale].uses, unused=True))
    return items


def questions_since(
    session: Session, team_id: str, since: datetime, until: datetime
) -> QuestionsSince:
    """The live questions asked in the window (the builder ranks them: unanswered first, then
    +1s, then the newest; it shows CAP and "+N more"), and how many were asked and answered."""
    items = [
        QuestionItem(q.id or 0, q.text, plus_ones, q.status == "answered", q.created_at)
        for q, plus_ones in loop.questions_in_window(
            session, team_id, since, until, QUESTIONS_SHOWN
        )
    ]
    counts = loop.question_counts(session, team_id, since, until)
    return QuestionsSince(
        items,
        asked=sum(counts.values()) - counts.get("withdrawn", 0),
        answered=loop.questions_answered(session, team_id, since, until),
        live=sum(counts.get(status, 0) for status in loop.LIVE_QUESTIONS),
    )


def gap_lines_of(session: Session, team_id: str, kind: str) -> list[str]:
    """The brainstorm agenda's knowledge gaps: the kept 90-day report (the agenda job makes it
    fresh before it builds the agenda; a preview shows it as kept). Other kinds show none."""
    if kind != "brainstorm":
        return []
    return gap_lines(gaps_of(gap_store.snapshot(session, team_id, WINDOWS[-1])))
