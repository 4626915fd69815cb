"""Permission matrix: every mutating command, button and form × admin, leader, marketer, rep,
a person with no role, and the object's owner — through the real HTTP app.

Each role acts on fresh objects owned by someone else (OWNER), so refused requests are also
forged ones: a button value naming a row the user does not own, a view_submission for a modal
the user never opened (the callback_id and private_metadata of OWNER's object). A refusal must
change no row of any table and tell the user (ephemeral text, inline modal error or a notice),
never fail with HTTP 500.
"""

from __future__ import annotations

import pytest
from slack_bolt import App
from sqlalchemy.engine import Engine

from tests.conftest import TEAM
from tests.fake_slack import FakeSlack
from tests.hardening_helpers import (
    CASES,
    NOT_MUTATING,
    USERS,
    Case,
    Settler,
    changed_tables,
    deliver,
    opened,
    registered,
    seed,
    setup_team,
    snapshot,
    target_of,
    told,
)
from tests.slack_signing import SlackHTTP, unique_trigger_id, unique_view_id

WENT_WRONG = "went wrong"


def test_the_matrix_lists_every_mutating_listener() -> None:
    """A new command, action_id or callback_id must be added to the matrix (or NOT_MUTATING)."""
    covered = {target_of(c) for c in CASES} | NOT_MUTATING
    assert registered() - covered == set()
    assert covered - registered() == set(), "the matrix names a listener that no longer exists"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_permission_matrix(
    case: Case, http: SlackHTTP, slack: FakeSlack, engine: Engine, app: App
) -> None:
    settle = Settler(app)
    setup_team(engine, TEAM)
    ids = None
    for role, user in USERS.items():
        if ids is None:  # fresh objects after a change; refusals change nothing, so reuse
            ids = seed(engine, TEAM, f"{role}x")
            before = snapshot(engine)
        req = case.make(ids)
        reply = deliver(http, slack, settle, req, user, TEAM, unique_trigger_id(), unique_view_id())
        after = snapshot(engine)
        where = f"{case.name} as {role}"
        assert reply.status == 200, where
        assert WENT_WRONG not in told(reply), where
        forms = opened(reply)
        if role in case.allowed:
            if case.opens:
                assert case.opens in forms, f"{where}: the form did not open ({forms})"
            else:
                assert changed_tables(before, after), f"{where}: allowed but nothing changed"
                ids = None
            continue
        assert changed_tables(before, after) == [], f"{where}: refused yet changed data"
        if case.opens:
            assert case.opens not in forms, f"{where}: opened the form"
        shown = told(reply)
        assert "text" in shown or "errors" in shown, f"{where}: refused without a word"
