"""What the knowledge-gap report reads, across questions, asset feedback and content requests,
and its cache (one snapshot per team and window).

Every read is windowed on an indexed creation time and capped, so a report's work follows the
window, not the history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.clock import utcnow
from storage.models import (
    AnswerRating,
    Asset,
    AssetFeedback,
    ContentRequest,
    GapSnapshot,
    Question,
    QuestionVote,
)

MAX_QUESTIONS = 200_000  # the newest this many of a window (a cap, far above real teams)
MAX_FEEDBACK = 5_000
MAX_REQUESTS = 2_000
REQUEST_STATES = ("submitted", "accepted", "in_progress", "declined")


def unanswered(
    session: Session, team_id: str, since: datetime, until: datetime
) -> list[tuple[int, str, str | None, int, int]]:
    """(id, text, tags, +1s, “Not quite”s) of the window's questions nobody has answered, or
    whose answer someone marked “Not quite” in the window; newest first."""
    votes = (
        select(QuestionVote.question_id, func.count().label("n"))
        .where(QuestionVote.team_id == team_id, col(QuestionVote.created_at) >= since)
        .group_by(col(QuestionVote.question_id))
        .subquery()
    )
    misses = (
        select(AnswerRating.question_id, func.count().label("n"))
        .where(
            AnswerRating.team_id == team_id,
            AnswerRating.verdict == "not_quite",
            col(AnswerRating.created_at) >= since,
        )
        .group_by(col(AnswerRating.question_id))
        .subquery()
    )
    rows = session.execute(
        sa_select(
            col(Question.id),
            col(Question.text),
            col(Question.tags),
            func.coalesce(votes.c.n, 0),
            func.coalesce(misses.c.n, 0),
        )
        .outerjoin(votes, votes.c.question_id == col(Question.id))
        .outerjoin(misses, misses.c.question_id == col(Question.id))
        .where(
            col(Question.team_id) == team_id,
            col(Question.created_at) >= since,
            col(Question.created_at) < until,
            # Open, or answered by an answer a rep said misses; never closed (resolved,
            # merged, withdrawn): another question or nobody needs it answered.
            or_(
                col(Question.status) == "open",
                and_(col(Question.status) == "answered", misses.c.n > 0),
            ),
        )
        .order_by(col(Question.created_at).desc())
        .limit(MAX_QUESTIONS)
    )
    return [(int(i or 0), str(t), tags, int(v), int(m)) for i, t, tags, v, m in rows]


def missing_feedback(
    session: Session, team_id: str, since: datetime, until: datetime
) -> list[tuple[str, str]]:
    """(what was missing, the asset's title or name) of the window's asset feedback."""
    rows = session.exec(
        select(AssetFeedback.missing, Asset.title, AssetFeedback.asset_name)
        .outerjoin(Asset, col(Asset.id) == col(AssetFeedback.asset_id))
        .where(
            AssetFeedback.team_id == team_id,
            col(AssetFeedback.created_at) >= since,
            col(AssetFeedback.created_at) < until,
            AssetFeedback.missing != "",
        )
        .order_by(col(AssetFeedback.created_at).desc())
        .limit(MAX_FEEDBACK)
    )
    return [(str(missing), str(title or name or "")) for missing, title, name in rows]


def requests(session: Session, team_id: str, since: datetime) -> list[ContentRequest]:
    """The open or declined content requests made since `since`."""
    return list(
        session.exec(
            select(ContentRequest)
            .where(
                ContentRequest.team_id == team_id,
                col(ContentRequest.created_at) >= since,
                col(ContentRequest.status).in_(REQUEST_STATES),
            )
            .order_by(col(ContentRequest.id).desc())
            .limit(MAX_REQUESTS)
        )
    )


def snapshot(session: Session, team_id: str, days: int) -> GapSnapshot | None:
    return session.get(GapSnapshot, (team_id, days))


def save(session: Session, team_id: str, days: int, gaps: list[dict[str, Any]]) -> GapSnapshot:
    """Keep the newest report of (team, window); commits."""
    row = snapshot(session, team_id, days) or GapSnapshot(team_id=team_id, days=days)
    row.gaps, row.computed_at = gaps, utcnow()
    session.add(row)
    session.commit()
    session.refresh(row)
    return row
