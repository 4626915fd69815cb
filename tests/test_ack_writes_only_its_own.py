"""Nothing that can wait on a lock for seconds runs before the ack: a search answers from what
is indexed and writes nothing (indexing is the capture follow-up's work)."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import questions as store
from storage import questions_search as search
from tests.conftest import TEAM
from tests.handlers.question_helpers import MARKETER, ask, setup_team
from tests.slack_signing import SlackHTTP

WRITES = ("insert", "update", "delete", "replace")


def test_the_search_subcommand_writes_nothing_in_the_ack(http: SlackHTTP, engine: Engine) -> None:
    """Before, `/prospect-question search` indexed every pending question first, in the ack:
    a write that waited up to 2 s for SQLite's lock while another process wrote."""
    setup_team(engine)
    with engine.begin() as conn:
        first, _ = store.insert_question(conn, TEAM, "k:1", "U1", "Do you support Okta SSO?")
    with Session(engine) as session:
        store.answer(session, TEAM, first, MARKETER, "Yes, SAML and OIDC.", "", "view:a1")
    search.index_pending(engine)
    with engine.begin() as conn:  # captured, not yet indexed: the next search used to index it
        store.insert_question(conn, TEAM, "k:2", "U1", "Is Okta SCIM provisioning supported?")
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if threading.current_thread().name != "lockstep-worker":  # its indexing is after acks
            statements.append(" ".join(statement.split()).lower())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        reply = ask(http, "search okta")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert "Okta" in str(reply)
    assert [s for s in statements if s.startswith(WRITES)] == []  # nor a follow-up's record
