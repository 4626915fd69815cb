"""Resonance, unused assets and the request queue order: pure functions, explicit `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.scoring import (
    QueueItem,
    Rating,
    Usage,
    confidence,
    queue_order,
    resonance,
    unused,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


def test_no_ratings_has_no_score() -> None:
    r = resonance([], NOW)
    assert (r.score, r.count, r.confidence) == (None, 0, "none")


def test_same_age_ratings_give_the_plain_mean() -> None:
    r = resonance([Rating(5, NOW), Rating(3, NOW)], NOW)
    assert r.score == 4.0 and r.count == 2 and r.confidence == "low"


def test_a_rating_one_half_life_old_weighs_half() -> None:
    # (5*1 + 2*0.5) / 1.5 = 4.0
    r = resonance([Rating(5, NOW), Rating(2, days_ago(90))], NOW)
    assert r.score == pytest.approx(4.0)


def test_recent_ratings_dominate_old_ones() -> None:
    old_good = [Rating(5, days_ago(720)) for _ in range(5)]
    recent_bad = [Rating(1, days_ago(1))]
    r = resonance(old_good + recent_bad, NOW)
    assert r.score is not None and r.score < 1.5
    assert r.count == 6 and r.confidence == "medium"


def test_future_ratings_count_as_today() -> None:
    assert resonance([Rating(4, NOW + timedelta(hours=1))], NOW).score == 4.0


@pytest.mark.parametrize(
    ("count", "label"),
    [(0, "none"), (1, "low"), (2, "low"), (3, "medium"), (9, "medium"), (10, "high")],
)
def test_confidence_labels(count: int, label: str) -> None:
    assert confidence(count) == label


def test_unused_means_no_use_in_60_days_and_new_assets_are_not_unused() -> None:
    usages = [
        Usage(1, days_ago(400), uses=3, last_used=days_ago(61)),  # unused
        Usage(2, days_ago(400), uses=3, last_used=days_ago(59)),  # used recently
        Usage(3, days_ago(10), uses=0, last_used=None),  # new: not unused yet
        Usage(4, days_ago(90), uses=0, last_used=None),  # never used, old
        Usage(5, days_ago(400), uses=1, last_used=days_ago(60)),  # exactly 60 days: unused
    ]
    assert unused(usages, NOW) == [4, 1, 5]


def test_queue_order_status_then_priority_then_demand_then_age() -> None:
    items = [
        QueueItem(1, "submitted", None, 1, days_ago(5)),
        QueueItem(2, "accepted", "P2", 5, days_ago(4)),
        QueueItem(3, "accepted", "P1", 1, days_ago(3)),
        QueueItem(4, "in_progress", "P3", 1, days_ago(2)),
        QueueItem(5, "accepted", "P2", 9, days_ago(1)),
        QueueItem(6, "submitted", None, 4, days_ago(1)),
        QueueItem(7, "declined", None, 9, days_ago(9)),
        QueueItem(8, "delivered", "P1", 1, days_ago(9)),
        QueueItem(9, "submitted", None, 4, days_ago(3)),
    ]
    assert [i.request_id for i in queue_order(items)] == [4, 3, 5, 2, 9, 6, 1, 8, 7]
