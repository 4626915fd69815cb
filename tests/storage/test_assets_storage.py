"""Asset and content-request repositories on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import assets, content_requests, workspaces
from storage.models import Asset, ContentRequest
from tests.conftest import OTHER_TEAM, TEAM

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def add_asset(session: Session, title: str, team: str = TEAM, **extra: object) -> Asset:
    fields: dict[str, object] = {
        "url": "https://example.com/a",
        "kind": "deck",
        "stage": "decision",
        "owner_id": "U0OWNER001",
    }
    fields.update(extra)
    return assets.add(session, team, "U0MKT00001", title=title, **fields)


def rate(session: Session, asset: Asset, key: str, rating: int, days_ago: float) -> None:
    with freeze_time(NOW - timedelta(days=days_ago)):
        _, created = assets.add_feedback(
            session,
            asset.team_id,
            key,
            asset_id=asset.id,
            user_id="U0REP00001",
            with_prospect=True,
            rating=rating,
            deal_stage="demo",
        )
    assert created


def test_scores_and_unused_assets(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        with freeze_time(NOW - timedelta(days=400)):
            deck = add_asset(session, "Pricing deck")
            paper = add_asset(session, "Security 100% whitepaper")
            add_asset(session, "Old retired", retired_at=NOW)
        rate(session, deck, "a", 5, 0)
        rate(session, deck, "b", 2, 90)
        rate(session, deck, "c", 4, 1000)  # outside the rating window, still a use
        rate(session, paper, "d", 3, 61)
        assert deck.id is not None and paper.id is not None
        stats = assets.stats(session, [deck.id, paper.id], NOW)
        assert stats[deck.id].resonance.score == 4.0 and stats[deck.id].resonance.count == 2
        assert stats[deck.id].uses == 3 and stats[deck.id].last_used == NOW
        assert stats[paper.id].resonance.confidence == "low"
        assert [a.title for a in assets.unused_assets(session, TEAM, NOW)] == [paper.title]
        again, created = assets.add_feedback(
            session,
            TEAM,
            "a",
            asset_id=deck.id,
            user_id="U0X",
            with_prospect=False,
            rating=1,
            deal_stage="demo",
        )
        assert not created and again.rating == 5


def test_search_is_per_team_case_insensitive_and_literal(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        add_asset(session, "Security 100% whitepaper")
        add_asset(session, "Security deck")
        add_asset(session, "Security deck", team=OTHER_TEAM)
        assert [a.title for a in assets.search(session, TEAM, "SECURITY")] == [
            "Security 100% whitepaper",
            "Security deck",
        ]
        assert [a.title for a in assets.search(session, TEAM, "100%")] == [
            "Security 100% whitepaper"
        ]
        assert assets.search(session, TEAM, "_ecurity") == []


def test_transitions_are_atomic_and_votes_count_once(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        req, created = content_requests.create(session, TEAM, "view:V1", "U0REP00001", what="x")
        same, again = content_requests.create(session, TEAM, "view:V1", "U0REP00001", what="x")
        assert created and not again and same.id == req.id
        rid = req.id or 0
        assert content_requests.transition(session, TEAM, rid, "in_progress") is None
        assert content_requests.transition(session, OTHER_TEAM, rid, "accepted") is None
        accepted = content_requests.transition(session, TEAM, rid, "accepted", priority="P1")
        assert accepted is not None and accepted.priority == "P1" and accepted.version == 1
        assert content_requests.transition(session, TEAM, rid, "accepted") is None
        assert content_requests.vote(session, TEAM, rid, "U0REP00002") is True
        assert content_requests.vote(session, TEAM, rid, "U0REP00002") is False
        assert content_requests.vote(session, OTHER_TEAM, rid, "U0REP00003") is None
        assert content_requests.voters(session, rid) == ["U0REP00002"]
        session.commit()
        assert session.get(ContentRequest, rid, populate_existing=True).version == 2  # type: ignore[union-attr]
        with freeze_time(NOW):
            done = content_requests.transition(session, TEAM, rid, "delivered")
        assert done is not None and done.delivered_at == NOW
        assert content_requests.vote(session, TEAM, rid, "U0REP00004") is None  # closed
        assert content_requests.voters(session, rid) == ["U0REP00002"]
        after = timedelta(days=14)
        assert content_requests.due_followups(session, NOW + timedelta(days=13), after) == []
        (due,) = content_requests.due_followups(session, NOW + timedelta(days=14), after)
        content_requests.mark_followup(session, due, NOW + timedelta(days=14))
        assert content_requests.due_followups(session, NOW + timedelta(days=15), after) == []


def test_queue_order_and_own_requests(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        ids = []
        for n in range(4):
            req, _ = content_requests.create(session, TEAM, f"k{n}", f"U0REP0000{n}", what=f"r{n}")
            ids.append(req.id or 0)
        content_requests.transition(session, TEAM, ids[0], "accepted", priority="P3")
        content_requests.transition(session, TEAM, ids[1], "accepted", priority="P1")
        content_requests.vote(session, TEAM, ids[3], "U0REP00009")
        content_requests.transition(session, TEAM, ids[2], "declined", decline_reason="no")
        order = [r.id for r, _ in content_requests.queue(session, TEAM, NOW + timedelta(days=30))]
        assert order == [ids[1], ids[0], ids[3]]  # the declined one is long closed
        assert [r.what for r in content_requests.mine(session, TEAM, "U0REP00001")] == ["r1"]


def test_search_ignores_nul_bytes(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        add_asset(session, "Pricing deck")
        assert [a.title for a in assets.search(session, TEAM, "pri\x00cing")] == ["Pricing deck"]


def test_unposted_requests_wait_for_a_triage_channel(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        req, _ = content_requests.create(session, TEAM, "k", "U0REP00001", what="x")
        content_requests.create(session, OTHER_TEAM, "k", "U0REP00001", what="y")
        now = req.created_at
        assert content_requests.unposted(session, now) == []
        workspaces.update(session, TEAM, triage_channel="C0TRIAGE01")
        assert [r.id for r in content_requests.unposted(session, now)] == [req.id]
        content_requests.mark_posted(session, req.id or 0, now)
        assert content_requests.unposted(session, now) == []


def test_a_requests_linked_questions_are_kept_once_each(any_engine: Engine) -> None:
    from storage import questions

    with Session(any_engine, expire_on_commit=False) as s:
        ids = [questions.capture(s, TEAM, f"k{n}", "U1", f"SSO {n}?")[0].id or 0 for n in range(3)]
        r, _ = content_requests.create(s, TEAM, "gap:30:tag:sso:1:U1", "U1", what="SSO guide")
        content_requests.link_questions(s, TEAM, r.id or 0, [ids[0], ids[1], ids[0]])
        s.commit()
        content_requests.link_questions(s, TEAM, r.id or 0, ids)  # a retried follow-up: no error
        s.commit()
        assert content_requests.linked_questions(s, r.id or 0) == sorted(ids)
