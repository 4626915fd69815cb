"""Cross-feature, time-windowed reads for the digest's "this week in the loop" and the agendas."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Float, case, cast, extract, func, literal
from sqlmodel import Session, col, select

from storage.assets import RATING_WINDOW
from storage.models import (
    Asset,
    AssetFeedback,
    ContentRequest,
    ContentRequestVote,
    GoalUpdate,
    Question,
    QuestionVote,
)
from storage.scoring import HALF_LIFE_DAYS

OPEN_REQUESTS = ("submitted", "accepted", "in_progress")
LIVE_QUESTIONS = ("open", "answered")  # withdrawn and merged (duplicate) questions are left out


@dataclass(frozen=True)
class WaitingRequest:
    id: int
    what: str
    demand: int  # the requester plus every +1
    created_at: datetime


def asset_ratings(
    session: Session, team_id: str, since: datetime, until: datetime
) -> list[tuple[str, float, int]]:
    """(title, mean rating, ratings) of catalog assets rated in [since, until), best first."""
    rows = session.exec(
        select(Asset.title, func.avg(AssetFeedback.rating), func.count(col(AssetFeedback.id)))
        .join(Asset, col(Asset.id) == col(AssetFeedback.asset_id))
        .where(
            AssetFeedback.team_id == team_id,
            col(AssetFeedback.created_at) >= since,
            col(AssetFeedback.created_at) < until,
        )
        .group_by(col(Asset.id), col(Asset.title))
    ).all()
    ranked = [(str(t), float(avg), int(n)) for t, avg, n in rows]
    return sorted(ranked, key=lambda r: (-r[1], -r[2], r[0]))


def requests_delivered(session: Session, team_id: str, since: datetime, until: datetime) -> int:
    return int(
        session.exec(
            select(func.count(col(ContentRequest.id))).where(
                ContentRequest.team_id == team_id,
                ContentRequest.status == "delivered",
                col(ContentRequest.delivered_at) >= since,
                col(ContentRequest.delivered_at) < until,
            )
        ).one()
    )


def requests_open(session: Session, team_id: str) -> int:
    return int(
        session.exec(
            select(func.count(col(ContentRequest.id))).where(
                ContentRequest.team_id == team_id, col(ContentRequest.status).in_(OPEN_REQUESTS)
            )
        ).one()
    )


def goal_activity(
    session: Session, team_id: str, since: datetime, until: datetime
) -> dict[int, tuple[int, float]]:
    """Per goal: (updates logged, net change) in [since, until).

    One aggregate over the (team, time) index: cost follows the window, not the history.
    """
    rows = session.exec(
        select(GoalUpdate.goal_id, func.count(col(GoalUpdate.id)), func.sum(GoalUpdate.delta))
        .where(
            GoalUpdate.team_id == team_id,
            col(GoalUpdate.created_at) >= since,
            col(GoalUpdate.created_at) < until,
        )
        .group_by(col(GoalUpdate.goal_id))
    )
    return {goal_id: (int(n), float(total or 0.0)) for goal_id, n, total in rows}


def requests_waiting(session: Session, team_id: str, limit: int = 50) -> list[WaitingRequest]:
    """Requests waiting for a decision (submitted), highest demand first, then the oldest."""
    votes = func.count(col(ContentRequestVote.id))
    rows = session.exec(
        select(ContentRequest.id, ContentRequest.what, ContentRequest.created_at, votes)
        .join(
            ContentRequestVote,
            col(ContentRequestVote.request_id) == col(ContentRequest.id),
            isouter=True,
        )
        .where(ContentRequest.team_id == team_id, ContentRequest.status == "submitted")
        .group_by(col(ContentRequest.id), col(ContentRequest.what), col(ContentRequest.created_at))
        .order_by(votes.desc(), col(ContentRequest.created_at), col(ContentRequest.id))
        .limit(limit)
    )
    return [WaitingRequest(int(i or 0), str(what), 1 + int(n), at) for i, what, at, n in rows]


def low_resonance_candidates(
    session: Session, team_id: str, now: datetime, limit: int
) -> list[tuple[int, str]]:
    """(id, title) of the `limit` active assets with the lowest resonance, only rated ones.

    Ranked in the database by the same recency-weighted mean as storage.scoring.resonance (a rating
    HALF_LIFE_DAYS old weighs half), over the (asset, time) index: the caller scores the few
    candidates exactly with storage.assets.stats.
    """
    at = col(AssetFeedback.created_at)
    bound = literal(now, type_=AssetFeedback.__table__.c.created_at.type)  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "sqlite":
        age = func.julianday(bound) - func.julianday(at)
    else:
        age = extract("epoch", bound - at) / 86400.0
    weight = func.power(0.5, cast(age, Float) / HALF_LIFE_DAYS)
    score = func.sum(AssetFeedback.rating * weight) / func.sum(weight)
    rows = session.exec(
        select(Asset.id, Asset.title)
        .join(AssetFeedback, col(AssetFeedback.asset_id) == col(Asset.id))
        .where(
            Asset.team_id == team_id,
            col(Asset.retired_at).is_(None),
            at >= now - RATING_WINDOW,
            at < now,
        )
        .group_by(col(Asset.id), col(Asset.title))
        .order_by(score, col(Asset.id))
        .limit(limit)
    )
    return [(int(asset_id or 0), str(title)) for asset_id, title in rows]


def top_voted_questions(
    session: Session, team_id: str, since: datetime, until: datetime, limit: int = 3
) -> list[tuple[str, int]]:
    """(text, +1s in [since, until)) of the live questions most +1'd in the window."""
    votes = func.count(col(QuestionVote.id))
    rows = session.exec(
        select(Question.text, votes)
        .join(Question, col(Question.id) == col(QuestionVote.question_id))
        .where(
            QuestionVote.team_id == team_id,
            col(QuestionVote.created_at) >= since,
            col(QuestionVote.created_at) < until,
            Question.team_id == team_id,
            col(Question.status).in_(LIVE_QUESTIONS),
        )
        .group_by(col(Question.id), col(Question.text), col(Question.created_at))
        .order_by(votes.desc(), col(Question.created_at).desc(), col(Question.id).desc())
        .limit(limit)
    )
    return [(str(text), int(n)) for text, n in rows]


def question_counts(
    session: Session, team_id: str, since: datetime, until: datetime
) -> dict[str, int]:
    """How many of the questions captured in [since, until) are in each status."""
    rows = session.exec(
        select(Question.status, func.count(col(Question.id)))
        .where(
            Question.team_id == team_id,
            col(Question.created_at) >= since,
            col(Question.created_at) < until,
        )
        .group_by(col(Question.status))
    )
    return {str(status): int(n) for status, n in rows}


def questions_answered(session: Session, team_id: str, since: datetime, until: datetime) -> int:
    """Questions whose first answer came in [since, until)."""
    return int(
        session.exec(
            select(func.count(col(Question.id))).where(
                Question.team_id == team_id,
                col(Question.answered_at) >= since,
                col(Question.answered_at) < until,
            )
        ).one()
    )


def questions_in_window(
    session: Session, team_id: str, since: datetime, until: datetime, limit: int = 50
) -> list[tuple[Question, int]]:
    """(question, +1s) of the live questions asked in [since, until): unanswered first, then
    the most +1s, then the newest. Ranked in the database over the window's ids only (the cost
    follows the window with an index on (team_id, created_at)); only `limit` rows are loaded."""
    votes = func.count(col(QuestionVote.id))
    answered = case((col(Question.status) == "answered", 1), else_=0)
    ranked = list(
        session.exec(
            select(Question.id, votes)
            .join(QuestionVote, col(QuestionVote.question_id) == col(Question.id), isouter=True)
            .where(
                Question.team_id == team_id,
                col(Question.created_at) >= since,
                col(Question.created_at) < until,
                col(Question.status).in_(LIVE_QUESTIONS),
            )
            .group_by(col(Question.id), col(Question.status), col(Question.created_at))
            .order_by(answered, votes.desc(), col(Question.created_at).desc(), col(Question.id))
            .limit(limit)
        )
    )
    rows = {
        q.id: q
        for q in session.exec(select(Question).where(col(Question.id).in_([i for i, _ in ranked])))
    }
    return [(rows[i], int(n)) for i, n in ranked if i in rows]


@dataclass(frozen=True)
class AnswerTimes:
    """How long questions waited for their first answer: count, median and 90th percentile."""

    count: int
    median: timedelta
    p90: timedelta


def answer_times(
    session: Session, team_id: str, since: datetime, until: datetime
) -> AnswerTimes | None:
    """Time to first answer of the questions first answered in [since, until) (read through
    the partial index on answered questions); None when there were none. The p90 is the
    nearest-rank percentile (a value that occurred)."""
    rows = session.exec(
        select(Question.created_at, Question.answered_at).where(
            Question.team_id == team_id,
            col(Question.answered_at) >= since,
            col(Question.answered_at) < until,
        )
    ).all()
    waits = sorted(
        max((answered - created).total_seconds(), 0.0) for created, answered in rows if answered
    )
    if not waits:
        return None
    p90 = waits[max(math.ceil(0.9 * len(waits)) - 1, 0)]
    return AnswerTimes(
        len(waits), timedelta(seconds=statistics.median(waits)), timedelta(seconds=p90)
    )
