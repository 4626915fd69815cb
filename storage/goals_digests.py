"""Digests posted (which message belongs to which team and week), the reactions to them and
the per-goal signals (I can help / I see a risk) chosen on them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.clock import utcnow
from storage.models import Digest, DigestReaction, Goal, GoalSignal, Workspace
from storage.once import insert_once

CHART_ATTEMPTS = 3
SIGNALS = GoalSignal.__table__  # type: ignore[attr-defined]


def record(session: Session, team_id: str, channel: str, occurrence: datetime, key: str) -> Digest:
    """The digest row for this channel and occurrence, created once (before anything is posted)."""
    existing = _find(session, team_id, channel, occurrence)
    if existing is not None:
        return existing
    row = Digest(team_id=team_id, channel=channel, occurrence=occurrence, outbox_key=key[:255])
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # another process recorded it first
        session.rollback()
        again = _find(session, team_id, channel, occurrence)
        assert again is not None
        return again
    return row


def _find(session: Session, team_id: str, channel: str, occurrence: datetime) -> Digest | None:
    return session.exec(
        select(Digest).where(
            Digest.team_id == team_id, Digest.channel == channel, Digest.occurrence == occurrence
        )
    ).first()


def recorded_for(session: Session, team_id: str, occurrence: datetime) -> bool:
    """True when any digest of the team was recorded for this occurrence."""
    found = session.exec(
        select(Digest.id).where(Digest.team_id == team_id, Digest.occurrence == occurrence)
    ).first()
    return found is not None


def mark_posted(session: Session, digest_id: int, ts: str) -> None:
    session.exec(update(Digest).where(col(Digest.id) == digest_id).values(ts=ts))
    session.commit()


def unfinished(session: Session, since: datetime) -> list[Digest]:
    """Digests due since `since` still waiting for their message ts or their chart (by their
    occurrence, the job's own clock, not by when the row was written)."""
    stmt = select(Digest).where(
        col(Digest.occurrence) >= since,
        or_(col(Digest.ts).is_(None), col(Digest.chart_status).in_(("pending", "uploading"))),
    )
    return list(session.exec(stmt.order_by(col(Digest.id))))


def claim_chart(session: Session, digest_id: int, lease: timedelta) -> int | None:
    """Take the chart upload of a posted digest: this claim's attempt number (the fence of its
    later marks); None when done, failed, being shared (`completing`) or held by another."""
    now = utcnow()
    result = session.exec(
        update(Digest)
        .where(
            col(Digest.id) == digest_id,
            col(Digest.ts).is_not(None),
            or_(
                col(Digest.chart_status) == "pending",
                and_(
                    col(Digest.chart_status) == "uploading",
                    col(Digest.chart_claimed_at) < now - lease,
                ),
            ),
        )
        .values(
            chart_status="uploading",
            chart_claimed_at=now,
            chart_attempts=Digest.chart_attempts + 1,
        )
    )
    session.commit()
    if result.rowcount != 1:
        return None
    row = session.get(Digest, digest_id, populate_existing=True)
    return row.chart_attempts if row is not None else None


def mark_completing(session: Session, digest_id: int, attempt: int) -> bool:
    """Commit `completing` just before the call that shares the chart: from then on no claim
    takes it again (a chart lost is better than two). False when this claim was lost."""
    return _move(session, digest_id, attempt, ("uploading",), "completing")


def finish_chart(session: Session, digest_id: int, attempt: int, ok: bool) -> str:
    """Mark this claim's upload done, or pending again (failed after CHART_ATTEMPTS) when
    Slack answered that it did not share it; the new status."""
    status = "done" if ok else ("failed" if attempt >= CHART_ATTEMPTS else "pending")
    _move(session, digest_id, attempt, ("uploading", "completing"), status)
    return status


def _move(session: Session, digest_id: int, attempt: int, before: tuple[str, ...], to: str) -> bool:
    """Set the chart status, fenced on this claim (its attempt number, a status it may leave)."""
    result = session.exec(
        update(Digest)
        .where(
            col(Digest.id) == digest_id,
            col(Digest.chart_attempts) == attempt,
            col(Digest.chart_status).in_(before),
        )
        .values(chart_status=to)
    )
    session.commit()
    return bool(result.rowcount == 1)


def by_message(session: Session, team_id: str, channel: str, ts: str) -> Digest | None:
    return session.exec(
        select(Digest).where(Digest.team_id == team_id, Digest.channel == channel, Digest.ts == ts)
    ).first()


def previous(session: Session, team_id: str, before: datetime) -> list[Digest]:
    """The team's digests of the latest occurrence before `before` (one per channel)."""
    latest = session.exec(
        select(Digest.occurrence)
        .where(Digest.team_id == team_id, col(Digest.occurrence) < before)
        .order_by(col(Digest.occurrence).desc())
        .limit(1)
    ).first()
    if latest is None:
        return []
    stmt = select(Digest).where(Digest.team_id == team_id, Digest.occurrence == latest)
    return list(session.exec(stmt))


def add_reaction(session: Session, digest: Digest, user_id: str, reaction: str) -> bool:
    """Record a reaction once; False when it was already recorded (a redelivered event)."""
    assert digest.id is not None
    session.add(
        DigestReaction(
            team_id=digest.team_id, digest_id=digest.id, user_id=user_id, reaction=reaction[:100]
        )
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def remove_reaction(session: Session, digest: Digest, user_id: str, reaction: str) -> bool:
    result = session.exec(
        delete(DigestReaction).where(
            col(DigestReaction.digest_id) == digest.id,
            col(DigestReaction.user_id) == user_id,
            col(DigestReaction.reaction) == reaction,
        )
    )
    session.commit()
    return bool(result.rowcount)


def reactions(session: Session, digest_ids: list[int]) -> list[DigestReaction]:
    """Every recorded reaction on these digests (the agenda reads them too)."""
    if not digest_ids:
        return []
    stmt = select(DigestReaction).where(col(DigestReaction.digest_id).in_(digest_ids))
    return list(session.exec(stmt.order_by(col(DigestReaction.id))))


def add_signal(session: Session, digest: Digest, goal_id: int, user_id: str, kind: str) -> bool:
    """Record “I can help” / “I see a risk” on one goal of a digest, once; False when it was
    already there (a double click, a retried delivery). In the caller's transaction."""
    values = {
        "team_id": digest.team_id, "digest_id": digest.id, "goal_id": goal_id,
        "user_id": user_id, "kind": kind, "created_at": utcnow(),
    }  # fmt: skip
    unique = ("digest_id", "goal_id", "user_id", "kind")
    return insert_once(session.connection(), SIGNALS, unique, values)[1]


def signals(session: Session, digest_ids: list[int]) -> dict[int, dict[str, int]]:
    """{goal id: {"help": n, "risk": n}} over these digests."""
    if not digest_ids:
        return {}
    rows = session.exec(
        select(GoalSignal.goal_id, GoalSignal.kind, func.count())
        .where(col(GoalSignal.digest_id).in_(digest_ids))
        .group_by(col(GoalSignal.goal_id), col(GoalSignal.kind))
    )
    found: dict[int, dict[str, int]] = {}
    for goal_id, kind, n in rows:
        found.setdefault(int(goal_id), {})[str(kind)] = int(n)
    return found


def digest_teams(session: Session) -> list[str]:
    """Teams that may need a digest: a digest channel is set, or a goal names its channel."""
    configured = select(Workspace.team_id).where(col(Workspace.digest_channel).is_not(None))
    with_goals = select(Goal.team_id).where(
        col(Goal.channel).is_not(None), col(Goal.archived).is_(False)
    )
    return sorted(set(session.exec(configured)) | set(session.exec(with_goals)))
