"""The digest's "this week in the loop" reads, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.goals.digest import loop_lines
from bot.goals.digest_data import collect_loop_stats
from storage import assets, content_requests, loop
from tests.conftest import OTHER_TEAM, TEAM

MONDAY = datetime(2026, 11, 16, 8, tzinfo=UTC)
WEEK = (MONDAY, MONDAY + timedelta(days=7))


def rate(
    session: Session, team: str, asset_id: int | None, rating: int, when: datetime, n: int
) -> None:
    assets.add_feedback(
        session,
        team,
        f"fb{team}{asset_id}{n}",
        asset_id=asset_id,
        user_id="U1",
        with_prospect=True,
        rating=rating,
        deal_stage="proposal",
        created_at=when,
    )


def seed(session: Session) -> None:
    titles = ["Deck <!channel>", "Case study", "ROI sheet", "Old video", "Blog post"]
    ids = []
    for title in titles:
        a = assets.add(
            session,
            TEAM,
            "U0MKT00001",
            title=title,
            url="https://x.example",
            kind="other",
            stage="awareness",
            owner_id="U0MKT00001",
        )
        ids.append(a.id)
    inside = MONDAY + timedelta(days=2)
    for n, (asset_id, rating) in enumerate(zip(ids, [5, 4, 4, 1, 2], strict=True)):
        rate(session, TEAM, asset_id, rating, inside, n)
    rate(session, TEAM, ids[0], 1, MONDAY - timedelta(days=1), 99)  # last week: not counted
    rate(session, OTHER_TEAM, ids[3], 5, inside, 98)  # another workspace: not counted
    done, _ = content_requests.create(session, TEAM, "r1", "U1", what="one-pager")
    content_requests.create(session, TEAM, "r2", "U1", what="battlecard")
    done.status, done.delivered_at = "delivered", inside
    session.add(done)
    session.commit()


def test_loop_reads(any_engine: Engine) -> None:
    with Session(any_engine) as session:
        seed(session)
        ratings = loop.asset_ratings(session, TEAM, *WEEK)
        assert [r[0] for r in ratings] == [
            "Deck <!channel>",
            "Case study",
            "ROI sheet",
            "Blog post",
            "Old video",
        ]
        assert loop.requests_delivered(session, TEAM, *WEEK) == 1
        assert loop.requests_open(session, TEAM) == 1
        assert loop.requests_open(session, OTHER_TEAM) == 0
        stats = collect_loop_stats(session, TEAM, *WEEK)
    assert [t for t, _ in stats.best_assets] == ["Deck <!channel>", "Case study", "ROI sheet"]
    assert [t for t, _ in stats.worst_assets] == ["Old video", "Blog post"]
    text = "\n".join(loop_lines(stats))
    assert "Deck &lt;!channel&gt;" in text and "<!channel>" not in text
    assert "Content requests delivered: 1" in text and "still open: 1" in text


def test_no_data_no_lines(any_engine: Engine) -> None:
    with Session(any_engine) as session:
        assert loop_lines(collect_loop_stats(session, TEAM, *WEEK)) == []
