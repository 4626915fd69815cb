"""Cross-feature, time-windowed reads for the digest's "this week in the loop" and the agendas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.scoring import Rating, Resonance, resonance
from storage.assets import RATING_WINDOW
from storage.models import Asset, AssetFeedback, ContentRequest, ContentRequestVote, GoalUpdate

OPEN_REQUESTS = ("submitted", "accepted", "in_progress")


@dataclass(frozen=True)
class WaitingRequest:
    id: int
    what: str
    demand: int  # the requester plus every +1
    created_at: datetime


@dataclass(frozen=True)
class RatedAsset:
    id: int
    title: str
    resonance: Resonance


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


def rated_assets(session: Session, team_id: str, now: datetime) -> list[RatedAsset]:
    """Active assets rated in the RATING_WINDOW before `now`, with their resonance (recency
    weighted, as `/asset list` shows it), the lowest first.

    One query from the team's assets to the feedback's (asset, time) index.
    """
    ratings: dict[int, tuple[str, list[Rating]]] = {}
    for asset_id, title, value, at in session.exec(
        select(Asset.id, Asset.title, AssetFeedback.rating, AssetFeedback.created_at)
        .join(AssetFeedback, col(AssetFeedback.asset_id) == col(Asset.id))
        .where(
            Asset.team_id == team_id,
            col(Asset.retired_at).is_(None),
            col(AssetFeedback.created_at) >= now - RATING_WINDOW,
            col(AssetFeedback.created_at) < now,
        )
    ):
        ratings.setdefault(int(asset_id or 0), (str(title), []))[1].append(Rating(value, at))
    rated = [RatedAsset(i, title, resonance(found, now)) for i, (title, found) in ratings.items()]
    return sorted(rated, key=lambda a: (a.resonance.score or 0.0, -a.resonance.count, a.id))


def asset_uses(session: Session, team_id: str, now: datetime) -> dict[int, int]:
    """Per active asset of the team, every use (feedback) reported before `now`."""
    rows = session.exec(
        select(AssetFeedback.asset_id, func.count(col(AssetFeedback.id)))
        .join(Asset, col(AssetFeedback.asset_id) == col(Asset.id))
        .where(
            Asset.team_id == team_id,
            col(Asset.retired_at).is_(None),
            col(AssetFeedback.created_at) < now,
        )
        .group_by(col(AssetFeedback.asset_id))
    )
    return {int(asset_id or 0): int(n) for asset_id, n in rows}
