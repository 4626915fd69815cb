"""Cross-feature, time-windowed reads for the digest's "this week in the loop" and the agendas."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Asset, AssetFeedback, ContentRequest

OPEN_REQUESTS = ("submitted", "accepted", "in_progress")


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
