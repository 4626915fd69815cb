"""The asset catalog and its feedback: repositories over Asset and AssetFeedback."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import update as sql_update
from sqlmodel import Session, col, select

from storage.clock import utcnow
from storage.models import Asset, AssetFeedback
from storage.once import add_once, add_row_once
from storage.scoring import AssetStats, Rating, Usage, resonance, unused

# Ratings older than this weigh under 0.4% (half-life 90 days): leave them out of the query.
RATING_WINDOW = timedelta(days=730)


def add(session: Session, team_id: str, created_by: str, **fields: Any) -> Asset:
    asset = Asset(team_id=team_id, created_by=created_by, **fields)
    session.add(asset)
    session.commit()
    return asset


def add_for_delivery(
    session: Session, team_id: str, created_by: str, source_key: str, **fields: Any
) -> tuple[Asset, bool]:
    """Add an asset once per Slack delivery, in the caller's transaction: (asset, created)."""
    row = Asset(team_id=team_id, created_by=created_by, source_key=source_key[:255], **fields)
    added = add_row_once(session, row, ("team_id", "source_key"))
    assert added is not None  # no other unique key
    return added


def get(session: Session, team_id: str, asset_id: int) -> Asset | None:
    asset = session.get(Asset, asset_id)
    return asset if asset is not None and asset.team_id == team_id else None


def update(session: Session, asset: Asset, **changes: Any) -> Asset:
    if all(getattr(asset, name) == value for name, value in changes.items()):
        return asset  # the same edit again (a redelivered submission): nothing to change
    for name, value in changes.items():
        setattr(asset, name, value)
    asset.updated_at = utcnow()
    session.add(asset)
    session.commit()
    return asset


def retire(session: Session, asset: Asset) -> Asset:
    return update(session, asset, retired_at=asset.retired_at or utcnow())


def search(session: Session, team_id: str, terms: str, limit: int = 20) -> list[Asset]:
    """Active assets whose title holds every word of `terms` (case-insensitive), by title."""
    stmt = select(Asset).where(Asset.team_id == team_id, col(Asset.retired_at).is_(None))
    for word in terms.replace("\x00", "").lower().split()[:8]:  # PostgreSQL refuses NUL
        stmt = stmt.where(func.lower(Asset.title).contains(word, autoescape=True))
    return list(session.exec(stmt.order_by(func.lower(Asset.title), col(Asset.id)).limit(limit)))


def add_feedback(
    session: Session, team_id: str, source_key: str, **fields: Any
) -> tuple[AssetFeedback, bool]:
    """Record feedback once per Slack delivery; returns (row, created)."""
    row = AssetFeedback(team_id=team_id, source_key=source_key, **fields)
    return add_once(session, row, lambda: feedback_by_key(session, team_id, source_key))


def feedback_by_key(session: Session, team_id: str, source_key: str) -> AssetFeedback | None:
    return session.exec(
        select(AssetFeedback).where(
            AssetFeedback.team_id == team_id, AssetFeedback.source_key == source_key
        )
    ).first()


def stats(session: Session, asset_ids: Sequence[int], now: datetime) -> dict[int, AssetStats]:
    """Resonance, use count and last use of each asset."""
    if not asset_ids:
        return {}
    ids = list(asset_ids)
    usage = {
        asset_id: (uses, last)
        for asset_id, uses, last in session.exec(
            select(
                AssetFeedback.asset_id,
                func.count(col(AssetFeedback.id)),
                func.max(AssetFeedback.created_at),
            )
            .where(col(AssetFeedback.asset_id).in_(ids))
            .group_by(col(AssetFeedback.asset_id))
        )
    }
    ratings: dict[int, list[Rating]] = {i: [] for i in ids}
    for asset_id, value, at in session.exec(
        select(AssetFeedback.asset_id, AssetFeedback.rating, AssetFeedback.created_at).where(
            col(AssetFeedback.asset_id).in_(ids),
            col(AssetFeedback.created_at) >= now - RATING_WINDOW,
        )
    ):
        if asset_id is not None:
            ratings[asset_id].append(Rating(value, at))
    out = {}
    for asset_id in ids:
        uses, last = usage.get(asset_id, (0, None))
        out[asset_id] = AssetStats(resonance(ratings[asset_id], now), uses, last)
    return out


def unused_assets(session: Session, team_id: str, now: datetime, limit: int = 50) -> list[Asset]:
    """Active assets nobody reported using in the last 60 days, the longest-forgotten first."""
    last_use = (
        select(AssetFeedback.asset_id, func.max(AssetFeedback.created_at).label("last"))
        .where(AssetFeedback.team_id == team_id)
        .group_by(col(AssetFeedback.asset_id))
        .subquery()
    )
    rows = session.exec(
        select(Asset, last_use.c.last)
        .join(last_use, last_use.c.asset_id == Asset.id, isouter=True)
        .where(Asset.team_id == team_id, col(Asset.retired_at).is_(None))
    ).all()
    by_id = {asset.id: asset for asset, _ in rows}
    usages = [Usage(a.id, a.created_at, 0, last) for a, last in rows if a.id is not None]
    return [by_id[i] for i in unused(usages, now)[:limit]]


def pending_notifications(
    session: Session, before: datetime, window: timedelta = timedelta(days=2)
) -> list[tuple[AssetFeedback, Asset]]:
    """Catalog feedback whose owner was not told yet, created in [before - window, before)."""
    return [
        (fb, asset)
        for fb, asset in session.exec(
            select(AssetFeedback, Asset)
            .join(Asset, col(Asset.id) == col(AssetFeedback.asset_id))
            .where(
                col(AssetFeedback.notified_at).is_(None),
                col(AssetFeedback.created_at) < before,
                col(AssetFeedback.created_at) >= before - window,
            )
            .order_by(col(AssetFeedback.id))
        )
    ]


def claim_notices(session: Session, feedback_ids: Sequence[int], when: datetime) -> list[int]:
    """Mark feedback told to its owner, in the caller's transaction, each row only while no
    one else did: the ids this caller claimed (the DM it records must hold only these)."""
    claimed = []
    for feedback_id in feedback_ids:
        result = session.exec(
            sql_update(AssetFeedback)
            .where(col(AssetFeedback.id) == feedback_id, col(AssetFeedback.notified_at).is_(None))
            .values(notified_at=when)
        )
        if result.rowcount == 1:
            claimed.append(feedback_id)
    return claimed
