"""Goals, digest reactions, content requests and assets for the agenda's goals/content tests.

Seeded around `now` (goal updates and votes are stamped with the real clock): call it after the
series exists and read the agenda with a window that contains `now`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from storage import assets, content_requests, goals, workspaces
from storage import goals_digests as digests
from tests.conftest import TEAM
from tests.goal_fixtures import MKT, SALES, make_goal

DIGEST_CHANNEL = "C0DIGEST01"
OTHER_CHANNEL = "C0OTHER001"
BEHIND = "Pipeline <!channel>"
WAITING = "Battlecard <!channel>"
LOW = "Deck <!channel>"
UNUSED = "Dusty whitepaper <!here>"
OWNERS = (SALES, MKT)


def seed_goals(session: Session, now: datetime) -> None:
    """A behind goal and an on-track one in the flagged digest's channel, an on-track goal in
    another channel, an archived goal; reactions and per-goal signals on this week's and an
    older digest."""
    workspaces.update(session, TEAM, digest_channel=DIGEST_CHANNEL)
    year = (now.date() - timedelta(days=300), now.date() + timedelta(days=65))  # ~82 % elapsed
    behind = make_goal(session, TEAM, BEHIND, 100, *year)
    flagged = make_goal(session, TEAM, "Webinars", 100, *year)
    other = make_goal(session, TEAM, "Signed contracts", 100, *year, channel=OTHER_CHANNEL)
    gone = make_goal(session, TEAM, "Old goal", 100, *year)
    goals.archive(session, gone)
    progress = [(behind, 1.0), (behind, 3.0), (flagged, 99.0), (other, 99.0)]
    for goal, amount in progress:
        assert goal.id is not None
        goals.log_progress(session, TEAM, goal.id, SALES, amount, is_delta=True)
    latest = digests.record(session, TEAM, DIGEST_CHANNEL, now - timedelta(hours=1), "d:latest")
    beside = digests.record(session, TEAM, OTHER_CHANNEL, now - timedelta(hours=1), "d:other")
    older = digests.record(session, TEAM, DIGEST_CHANNEL, now - timedelta(days=8), "d:older")
    # Reactions on the whole digest say "seen": they flag no goal.
    digests.add_reaction(session, latest, "U0READER01", "warning")
    digests.add_reaction(session, latest, "U0READER02", "raised_hands::skin-tone-2")
    digests.add_reaction(session, latest, "U0READER03", "eyes")
    digests.add_reaction(session, beside, "U0READER03", "warning")
    # Signals name their goal: two risks and a help on the behind goal, a risk on Webinars.
    assert behind.id is not None and flagged.id is not None
    digests.add_signal(session, latest, behind.id, "U0READER01", "risk")
    digests.add_signal(session, latest, behind.id, "U0READER02", "risk")
    digests.add_signal(session, latest, behind.id, "U0READER03", "help")
    digests.add_signal(session, latest, flagged.id, "U0READER01", "risk")
    for n in range(5):  # an older digest, before the window: not counted
        digests.add_reaction(session, older, f"U0READER1{n}", "warning")
        digests.add_signal(session, older, behind.id, f"U0READER1{n}", "risk")
    session.commit()


def seed_content(session: Session, now: datetime) -> None:
    """A request waiting with two +1s, an older one alone, an accepted and a delivered one; a
    low-rated asset, a well-rated one and one nobody used."""
    waiting, _ = content_requests.create(session, TEAM, "rq-1", "U0REP00001", what=WAITING)
    alone, _ = content_requests.create(session, TEAM, "rq-2", "U0REP00002", what="Pricing FAQ")
    alone.created_at = now - timedelta(days=30)
    accepted, _ = content_requests.create(session, TEAM, "rq-3", "U0REP00001", what="Accepted")
    accepted.status = "accepted"
    done, _ = content_requests.create(session, TEAM, "rq-4", "U0REP00001", what="Delivered")
    done.status, done.delivered_at = "delivered", now - timedelta(hours=2)
    session.add_all([alone, accepted, done])
    session.commit()
    for user in ("U0REP00003", "U0REP00004"):
        assert waiting.id is not None
        content_requests.vote(session, TEAM, waiting.id, user)
    low = _asset(session, LOW, now - timedelta(days=200))
    good = _asset(session, "Great case study", now - timedelta(days=200))
    _asset(session, UNUSED, now - timedelta(days=90))
    for n, (asset_id, rating) in enumerate([(low, 1), (low, 2), (good, 5), (good, 4)]):
        assets.add_feedback(
            session,
            TEAM,
            f"fb-{n}",
            asset_id=asset_id,
            user_id="U0REP00001",
            with_prospect=True,
            rating=rating,
            deal_stage="proposal",
            created_at=now - timedelta(days=n + 1),
        )


def _asset(session: Session, title: str, created: datetime) -> int:
    row = assets.add(
        session,
        TEAM,
        MKT,
        title=title,
        url="https://example.com/a",
        kind="deck",
        stage="decision",
        owner_id=MKT,
        created_at=created,
    )
    assert row.id is not None
    return row.id
