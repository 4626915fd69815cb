"""A triage form whose request another marketer moved between its check and its write gets
an inline error and keeps nothing. Before, the transition's None was ignored and the modal
closed as if it worked; a delivery with a new asset committed the asset without the delivery."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.content_requests.views import forms as request_views
from storage import content_requests
from storage.models import Asset, ContentRequest
from tests.conftest import TEAM
from tests.handlers.asset_support import MARKETER, REP, grant, sel, txt
from tests.slack_signing import SlackHTTP, view_submission_payload


def test_a_delivery_that_loses_a_race_with_a_decline_is_reported_and_keeps_nothing(
    http: SlackHTTP, engine: Engine
) -> None:
    grant(engine, MARKETER)
    with Session(engine, expire_on_commit=False) as session:
        request, _ = content_requests.create(session, TEAM, "view:V0REQ", REP, what="A deck")
        content_requests.transition(session, TEAM, request.id or 0, "accepted", priority="P2")
    payload = view_submission_payload(
        request_views.DELIVER_CALLBACK,
        {
            request_views.B_NEW_TITLE: txt("Security one-pager"),
            request_views.B_NEW_URL: txt("https://example.com/sec"),
            request_views.B_NEW_KIND: sel("one-pager"),
        },
        user_id=MARKETER,
        private_metadata=str(request.id),
    )

    declined: list[bool] = []

    def another_marketer_declines(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        # after this submission's status check, before its write: another marketer declines
        if not declined and statement.startswith("INSERT INTO asset "):
            declined.append(True)
            with Session(engine) as s:
                assert content_requests.transition(
                    s, TEAM, request.id or 0, "declined", decline_reason="not this quarter"
                )

    event.listen(engine, "before_cursor_execute", another_marketer_declines)
    try:
        status, body = http.submit(payload)
    finally:
        event.remove(engine, "before_cursor_execute", another_marketer_declines)
    with Session(engine) as s:
        req = s.get(ContentRequest, request.id)
        assets = list(s.exec(select(Asset)))

    assert req.status == "declined"
    assert body != "", "the delivery was not stored, yet the modal closed as if it was"
    assert assets == [], "an asset was committed for a delivery that did not happen"
