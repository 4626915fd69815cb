"""Permission matrix: every mutating command, button and form × admin, leader, marketer, rep,
a person with no role, and the object's owner — through the real HTTP app.

Each role acts on fresh objects owned by someone else (OWNER), so refused requests are also
forged ones: a button value naming a row the user does not own, a view_submission for a modal
the user never opened (the callback_id and private_metadata of OWNER's object). A refusal must
change no row of any table and tell the user (ephemeral text, inline modal error or a notice),
never fail with HTTP 500.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from slack_bolt import App
from sqlalchemy.engine import Engine

from tests.conftest import TEAM
from tests.fake_slack import FakeSlack
from tests.hardening_cases import (
    CASES,
    FEATURES,
    NOT_MUTATING,
    Case,
    feature_of,
    registered,
    target_of,
)
from tests.hardening_helpers import (
    USERS,
    Ids,
    Request,
    Settler,
    both_engines,  # noqa: F401  (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)
    changed_tables,
    deliver,
    opened,
    seed,
    settings,  # noqa: F401  (no command budget in these tests)
    setup_team,
    snapshot,
    told,
)
from tests.slack_signing import SlackHTTP, unique_trigger_id, unique_view_id

WENT_WRONG = "went wrong"


def test_the_matrix_lists_every_mutating_listener() -> None:
    """A new command, action_id or callback_id must be added to the matrix (or NOT_MUTATING)."""
    covered = {target_of(c) for c in CASES} | NOT_MUTATING
    assert registered() - covered == set()
    assert covered - registered() == set(), "the matrix names a listener that no longer exists"
    assert {feature_of(c) for c in CASES} == set(FEATURES) - {"digest"}


def check_case(
    number: int, case: Case, http: SlackHTTP, slack: FakeSlack, engine: Engine, settle: Settler
) -> list[str]:
    """Every role uses the case on objects OWNER owns; the problems found (none is right)."""
    problems = []
    ids, before = None, snapshot(engine)
    for role, user in USERS.items():
        if ids is None:  # fresh objects after a change; refusals change nothing, so reuse
            ids = seed(engine, TEAM, f"t{number:03d}{role}")
            before = snapshot(engine)
        req = case.make(ids)
        reply = deliver(http, slack, settle, req, user, TEAM, unique_trigger_id(), unique_view_id())
        after = snapshot(engine)
        where = f"{case.name} ({req.kind}) as {role}"
        shown, forms, changed = told(reply), opened(reply), changed_tables(before, after)
        if reply.status != 200 or WENT_WRONG in shown:
            problems.append(f"{where}: failed ({reply.status})")
        if role in case.allowed:
            if case.opens and case.opens not in forms:
                problems.append(f"{where}: allowed, but the form did not open ({forms})")
            if not case.opens and not changed:
                problems.append(f"{where}: allowed, but nothing changed: {shown[:200]}")
            if changed:
                ids = None
            continue
        if changed:
            problems.append(f"{where}: refused, yet changed {changed}")
            ids = None
        if case.opens and case.opens in forms:
            problems.append(f"{where}: refused, yet the form opened")
        if "text" not in shown and "errors" not in shown:
            problems.append(f"{where}: refused without a word")
    return problems


@pytest.mark.parametrize("feature", sorted(set(FEATURES) - {"digest"}))
def test_permission_matrix(
    feature: str, http: SlackHTTP, slack: FakeSlack, engine: Engine, app: App
) -> None:
    settle = Settler(app)
    setup_team(engine, TEAM)
    problems = []
    for number, case in enumerate(CASES):
        if feature_of(case) == feature:
            problems += check_case(number, case, http, slack, engine, settle)
    assert problems == []


JUNK = ["", "0", "-1", "abc", "999999", "1e3", "²", "١٢", '{"g": "9e99"}', "9" * 40, "<!channel>"]


@pytest.mark.parametrize("feature", sorted(set(FEATURES) - {"digest"}))
def test_forged_values_change_nothing(
    feature: str, http: SlackHTTP, slack: FakeSlack, engine: Engine, app: App
) -> None:
    """Button values and private_metadata naming no row, or not a number at all, even from an
    admin: no change, no error, a clear answer."""
    settle = Settler(app)
    setup_team(engine, TEAM)
    seed(engine, TEAM, "junk")
    before = snapshot(engine)
    problems = []
    for case in [c for c in CASES if feature_of(c) == feature]:
        req = case.make(Ids("probe"))
        if req.kind == "cmd" or (req.kind == "view" and not req.meta):
            continue  # commands take typed text (the fuzz suite); forms that make a new row
        for junk in JUNK if req.kind == "btn" else JUNK[1:]:  # no metadata: a new row's form
            forged = replace(req, text=junk) if req.kind == "btn" else replace(req, meta=junk)
            user = USERS["admin"]
            reply = deliver(
                http, slack, settle, forged, user, TEAM, unique_trigger_id(), unique_view_id()
            )
            where = f"{case.name} ({req.kind}) with {junk!r}"
            if reply.status != 200 or WENT_WRONG in told(reply):
                problems.append(f"{where}: failed ({reply.status})")
            changed = changed_tables(before, snapshot(engine))
            if changed:
                problems.append(f"{where}: changed {changed}")
                before = snapshot(engine)
    assert problems == []


ID_COMMANDS = [
    # No "?": "edit abc Who changed it?" is logged as a question by design (a question may start
    # with "Edit"); number-like ids ("-1", "²") stay edits even with a "?" (test below).
    ("/prospect-question", "edit {} A new wording"),
    ("/prospect-question", "withdraw {}"),
    ("/asset", "edit {}"),
    ("/asset", "retire {}"),
    ("/goal", "update {} +3"),
    ("/goal", "archive {}"),
    ("/agenda", "pause {}"),
    ("/agenda", "skip {} 2030-01-07"),
]


def test_forged_ids_in_commands_change_nothing(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, app: App
) -> None:
    settle = Settler(app)
    setup_team(engine, TEAM)
    seed(engine, TEAM, "junk")
    before = snapshot(engine)
    problems = []
    for command, text in ID_COMMANDS:
        for junk in JUNK[1:]:
            req = Request("cmd", command, text.format(junk))
            for user in (USERS["admin"], USERS["owner"]):
                reply = deliver(
                    http, slack, settle, req, user, TEAM, unique_trigger_id(), unique_view_id()
                )
                shown = told(reply)
                if reply.status != 200 or WENT_WRONG in shown or "text" not in shown:
                    problems.append(f"{command} {req.text!r}: failed ({reply.status})")
                if changed := changed_tables(before, snapshot(engine)):
                    problems.append(f"{command} {req.text!r}: changed {changed}")
                    before = snapshot(engine)
    assert problems == []
