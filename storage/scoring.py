"""Pure scoring: asset resonance, usage, unused assets and the content-request queue order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

HALF_LIFE_DAYS = 90.0
UNUSED_AFTER = timedelta(days=60)
# Work in flight first, then what waits for triage, then what is finished.
STATUS_ORDER = ("in_progress", "accepted", "submitted", "delivered", "declined")
PRIORITY_ORDER = ("P1", "P2", "P3")


@dataclass(frozen=True)
class Rating:
    value: int  # 1..5
    at: datetime


@dataclass(frozen=True)
class Resonance:
    score: float | None  # recency-weighted mean rating; None without ratings
    count: int
    confidence: str  # "none", "low" (< 3 ratings), "medium" (< 10), "high"


def confidence(count: int) -> str:
    if count == 0:
        return "none"
    if count < 3:
        return "low"
    return "medium" if count < 10 else "high"


def resonance(
    ratings: Iterable[Rating], now: datetime, half_life_days: float = HALF_LIFE_DAYS
) -> Resonance:
    """Mean rating where a rating `half_life_days` old weighs half as much as one from today."""
    total = weights = 0.0
    count = 0
    for rating in ratings:
        age_days = max((now - rating.at).total_seconds(), 0.0) / 86400
        weight = 0.5 ** (age_days / half_life_days)
        total += weight * rating.value
        weights += weight
        count += 1
    score = round(total / weights, 2) if count and weights > 0 else None
    return Resonance(score, count, confidence(count))


@dataclass(frozen=True)
class Usage:
    asset_id: int
    created_at: datetime
    uses: int
    last_used: datetime | None


def is_unused(usage: Usage, now: datetime, after: timedelta = UNUSED_AFTER) -> bool:
    """No use in `after` (an asset younger than that is not unused yet)."""
    last = usage.last_used or usage.created_at
    return now - last >= after


def unused(usages: Iterable[Usage], now: datetime, after: timedelta = UNUSED_AFTER) -> list[int]:
    """Ids of assets with no use in `after`, the longest-forgotten first."""
    stale = [u for u in usages if is_unused(u, now, after)]
    stale.sort(key=lambda u: (u.last_used or u.created_at, u.asset_id))
    return [u.asset_id for u in stale]


@dataclass(frozen=True)
class QueueItem:
    request_id: int
    status: str
    priority: str | None
    demand: int  # the requester plus every +1
    created_at: datetime


Q = TypeVar("Q", bound=QueueItem)


def _rank(order: Sequence[str], value: str | None) -> int:
    return order.index(value) if value in order else len(order)


def queue_order(items: Iterable[Q]) -> list[Q]:
    """By status (in progress, accepted, submitted, delivered, declined), priority (P1 first,
    none last), demand (most first), then age (oldest first)."""
    return sorted(
        items,
        key=lambda i: (
            _rank(STATUS_ORDER, i.status),
            _rank(PRIORITY_ORDER, i.priority),
            -i.demand,
            i.created_at,
            i.request_id,
        ),
    )


@dataclass(frozen=True)
class AssetStats:
    resonance: Resonance
    uses: int
    last_used: datetime | None
