"""Working out a team's knowledge gaps and keeping the result (storage.gaps snapshots).

The report is built in the background (a follow-up of `/lockstep gaps`, the agenda's job) and
kept: `/lockstep gaps`, the marketers' Home tab and the agenda read the kept one, which is
rebuilt once older than FRESH_FOR.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.gaps.compute import attach, group
from bot.gaps.model import Gap, RequestRef, Unanswered
from storage import gaps as store
from storage.models import GapSnapshot

FRESH_FOR = timedelta(hours=1)


def is_fresh(snapshot: GapSnapshot | None, now: datetime) -> bool:
    return snapshot is not None and now - snapshot.computed_at < FRESH_FOR


def gaps_of(snapshot: GapSnapshot | None) -> list[Gap]:
    return [Gap.from_dict(g) for g in snapshot.gaps] if snapshot is not None else []


SOURCE = "gap:"  # a gap's request form's private_metadata: "gap:30:tag:sso:20261204101500"


def source(days: int, key: str, computed_at: datetime) -> str:
    """The request form's mark: this gap of this report (a refreshed report is another)."""
    return f"{SOURCE}{days}:{key}:{computed_at:%Y%m%d%H%M%S}"


def parse_source(raw: str) -> tuple[int, str] | None:
    """(days, gap key) of a gap request form's mark; None for any other form."""
    if not raw.startswith(SOURCE):
        return None
    days, _, rest = raw.removeprefix(SOURCE).partition(":")
    key = rest.rpartition(":")[0]
    return (int(days), key) if days.isdigit() and key else None


def question_ids(snapshot: GapSnapshot | None, key: str) -> list[int]:
    """All of the questions of the report's gap `key` (none when the gap is gone)."""
    return next((g.question_ids for g in gaps_of(snapshot) if g.key == key), [])


def _refs(raw: str) -> tuple[int, ...]:
    return tuple(int(n) for n in raw.split(",") if n.strip().isdigit())


def compute(session: Session, team_id: str, days: int, now: datetime) -> list[Gap]:
    """Read the window and group it (reads only)."""
    since = now - timedelta(days=days)
    rows = store.unanswered(session, team_id, since, now)
    feedback = store.missing_feedback(session, team_id, since, now)
    requests = [
        RequestRef(r.id or 0, r.status, r.what, _refs(r.question_refs))
        for r in store.requests(session, team_id, since)
    ]
    questions = [Unanswered(*row) for row in rows]
    found = group(questions)
    return attach(found, {q.id: q.text for q in questions}, feedback, requests)


def build(engine: Engine, team_id: str, days: int, now: datetime) -> GapSnapshot:
    """Work the report out and keep it (one snapshot per team and window)."""
    with Session(engine, expire_on_commit=False) as session:
        found = compute(session, team_id, days, now)
    with Session(engine, expire_on_commit=False) as session:
        return store.save(session, team_id, days, [g.as_dict() for g in found])


def current(engine: Engine, team_id: str, days: int, now: datetime) -> GapSnapshot:
    """The kept report if fresh, else a new one."""
    with Session(engine, expire_on_commit=False) as session:
        kept = store.snapshot(session, team_id, days)
    return kept if kept is not None and is_fresh(kept, now) else build(engine, team_id, days, now)
