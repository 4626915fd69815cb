"""Shared steps for the question end-to-end tests: capture, find posts, press buttons."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.questions.views import modals, posts
from bot.questions.views import replies as views
from storage import outbox, roles, workspaces
from storage import questions_posts as question_posts
from storage.models import OutboxMessage
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import Call, FakeSlack
from tests.slack_signing import SlackHTTP, block_action_payload, view_submission_payload

TRIAGE = "C0TRIAGE01"
REP = "U0REP00001"
REP2 = "U0REP00002"
REP3 = "U0REP00003"
MARKETER = "U0MKT00001"


def setup_team(engine: Engine, triage: str | None = TRIAGE) -> None:
    with Session(engine) as session:
        if triage:
            workspaces.update(session, TEAM, triage_channel=triage)
        roles.grant(session, TEAM, MARKETER, "marketer", ADMIN)


def ask(http: SlackHTTP, text: str, user: str = REP, **fields: Any) -> dict[str, Any]:
    status, body = http.command(views.COMMAND, text, user_id=user, **fields)
    assert status == 200, body
    return body  # type: ignore[no-any-return]


def to(channel: str) -> Any:
    return lambda call: call.params.get("channel") == channel


def triage_posts(slack: FakeSlack, count: int = 1) -> list[Call]:
    return slack.wait_for("chat.postMessage", count, where=to(TRIAGE))


def updates(slack: FakeSlack, count: int = 1, containing: str = "") -> list[Call]:
    return slack.wait_for(
        "chat.update", count, where=lambda c: containing in str(c.params.get("blocks"))
    )


def dms(slack: FakeSlack, user: str, count: int = 1) -> list[Call]:
    return slack.wait_for("chat.postMessage", count, where=to(user))


def sent_triage_row(engine: Engine, question_id: int) -> OutboxMessage:
    """The triage post's outbox row once it is marked sent and its address is kept for the
    thread (the lazy listener may lag: it keeps the address just after the row is sent)."""
    deadline = time.monotonic() + 5
    while True:
        with Session(engine) as session:
            row = outbox.get_by_key(session, TEAM, f"triage:{question_id}")
            kept = (
                row is not None
                and row.result_ts is not None
                and question_posts.question_at(
                    session, TEAM, row.result_channel or row.channel, row.result_ts
                )
                == question_id
            )
        if row is not None and row.status == "sent" and kept:
            return row
        assert time.monotonic() < deadline, f"triage:{question_id} not sent: {row}"
        time.sleep(0.01)


def press(http: SlackHTTP, action_id: str, question_id: int, user: str) -> tuple[int, Any]:
    payload = block_action_payload(action_id, str(question_id), user_id=user, channel_id=TRIAGE)
    return http.action(payload)


def answer(
    http: SlackHTTP,
    question_id: int,
    text: str,
    user: str = MARKETER,
    link: str = "",
    view_id: str | None = None,
) -> tuple[int, Any]:
    values = {"answer": {"answer": text}, "link": {"link": link}}
    payload = view_submission_payload(
        modals.ANSWER_MODAL,
        values,
        user_id=user,
        private_metadata=str(question_id),
        view_id=view_id,
    )
    return http.submit(payload)


def merge(http: SlackHTTP, duplicate_id: int, original: str, user: str = MARKETER) -> Any:
    payload = view_submission_payload(
        modals.DUPLICATE_MODAL,
        {"original": {"original": original}},
        user_id=user,
        private_metadata=str(duplicate_id),
    )
    return http.submit(payload)


__all__ = ["posts", "views"]
