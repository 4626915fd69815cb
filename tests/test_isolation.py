"""Workspace isolation: two teams with data in every feature. Requests from team B that name
team A's ids (question numbers, asset, request, goal, agenda item ids in button values and
private_metadata, goal and series names, the digest's ts in reaction events) never change
team A's rows and never show team A's text in any reply or post."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy.engine import Engine

from bot.assets.views.catalog import ASSET_SELECT
from tests.conftest import OTHER_TEAM, TEAM
from tests.fake_slack import FakeSlack
from tests.hardening_cases import (
    CASES,
)
from tests.hardening_helpers import (
    CHANNEL,
    OWNER,
    SECRET,
    USERS,
    Ids,
    Request,
    Settler,
    both_engines,  # noqa: F401  (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)
    changed_tables,
    deliver,
    everything_sent,
    seed,
    settings,  # noqa: F401  (no command budget in these tests)
    setup_team,
    snapshot,
)
from tests.slack_signing import (
    SlackHTTP,
    block_suggestion_payload,
    reaction_event,
    unique_event_id,
    unique_trigger_id,
    unique_view_id,
)

B_SECRET = "BEEMARKER"
SHOWS_B = [  # commands that show team B's own data (proof the reads are not just empty)
    ("/prospect-question", "search SSO"),
    ("/asset", "deck"),
    ("/asset", "list"),
    ("/content-request", "list"),
]
READS = SHOWS_B + [  # commands that show data: team B must see only its own
    ("/asset", "unused"),
    ("/asset-feedback", "deck"),
    ("/content-request", "mine"),
    ("/goal", "list"),
    ("/agenda", "list"),
    ("/agenda", "preview Sync A"),
    ("/lockstep", "roles"),
    ("/lockstep", "config show"),
    ("/lockstep", "preview digest"),
]


@pytest.fixture
def two_teams(engine: Engine, app: App) -> Iterator[tuple[Ids, Settler]]:
    for team in (TEAM, OTHER_TEAM):
        setup_team(engine, team)
    a = seed(engine, TEAM, "A")
    seed(engine, OTHER_TEAM, "B", secret=B_SECRET)
    yield a, Settler(app)


def test_team_b_cannot_change_or_see_team_a(
    two_teams: tuple[Ids, Settler], http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    a, settle = two_teams
    before = snapshot(engine, TEAM)
    requests = [(c.name, c.make(a), "owner" if "owner" in c.allowed else "admin") for c in CASES]
    requests += [(f"{cmd} {text}", Request("cmd", cmd, text), "admin") for cmd, text in READS]
    for name, req, role in requests:
        for user in {USERS[role], OWNER}:
            reply = deliver(
                http, slack, settle, req, user, OTHER_TEAM, unique_trigger_id(), unique_view_id()
            )
            assert reply.status == 200, name
            assert SECRET not in everything_sent(reply), f"{name}: team A's text shown to team B"
            assert changed_tables(before, snapshot(engine, TEAM)) == [], f"{name} changed team A"
            if (req.target, req.text) in SHOWS_B and user != OWNER:
                assert B_SECRET in everything_sent(reply), f"{name}: team B sees nothing"


def test_type_ahead_and_reactions_stay_in_their_team(
    two_teams: tuple[Ids, Settler], http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    a, settle = two_teams
    before = snapshot(engine, TEAM)
    payload = block_suggestion_payload(ASSET_SELECT, "deck", user_id=OWNER, team_id=OTHER_TEAM)
    status, body = http.action(payload)
    assert status == 200 and SECRET not in str(body) and B_SECRET in str(body)
    for added in (True, False, True):
        event: dict[str, Any] = reaction_event(
            "warning", user=OWNER, item_channel=CHANNEL, item_ts=a.digest_ts, added=added
        )
        status, _ = http.event(event, team_id=OTHER_TEAM, event_id=unique_event_id())
        assert status == 200
    http.event({"type": "app_home_opened", "user": OWNER, "tab": "home"}, team_id=OTHER_TEAM)
    settle()
    slack.wait_for("views.publish")
    assert changed_tables(before, snapshot(engine, TEAM)) == []
    assert SECRET not in str([c.params for c in slack.calls])
