"""A +1 clicked while another marketer declines the request is not counted: the clicker is
told the request is not open any more, and the request keeps no vote and no new version.
Before, the status was checked in Python and the vote inserted after it: a vote landed on the
declined request and the clicker was told it counted (found by review)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.content_requests.views import posts
from storage import content_requests
from storage.models import ContentRequest
from tests.conftest import TEAM
from tests.fake_slack import FakeSlack
from tests.handlers.asset_support import OTHER_REP, REP
from tests.handlers.test_content_requests import click, reply_to, set_triage
from tests.slack_signing import SlackHTTP


def test_a_plus_one_racing_a_decline_is_not_counted(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    set_triage(engine)
    with Session(engine, expire_on_commit=False) as session:
        request, _ = content_requests.create(session, TEAM, "view:V0REQ", REP, what="A deck")
    rid = request.id or 0
    declined: list[bool] = []

    def another_marketer_declines(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        # after the +1's status read, before its first write: the request is declined
        writes = statement.startswith(
            ("UPDATE content_request ", "INSERT INTO content_request_vote")
        )
        if declined or not writes:
            return
        declined.append(True)
        with Session(engine) as other:
            assert content_requests.transition(
                other, TEAM, rid, "declined", decline_reason="not this quarter"
            )

    event.listen(engine, "before_cursor_execute", another_marketer_declines)
    try:
        url = click(http, slack, posts.PLUS_ONE_BUTTON, rid, OTHER_REP)
        answer = reply_to(slack, url)
    finally:
        event.remove(engine, "before_cursor_execute", another_marketer_declines)
    assert declined
    assert "Declined now" in answer and "Counted" not in answer, answer
    with Session(engine) as session:
        final = session.get(ContentRequest, rid)
        assert final is not None and final.status == "declined"
        assert content_requests.voters(session, rid) == []
        assert final.version == 1  # the decline's; no +1 on top of it
