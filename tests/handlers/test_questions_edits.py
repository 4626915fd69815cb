"""`/prospect-question edit|withdraw`: the change and the refresh of its triage post commit
together, and a refused change records nothing. Before, the change committed first and its
follow-up was recorded in a second transaction: a failure between them left the triage post
stale (a withdrawn question kept its Answer button), and a refusal still recorded a follow-up
(found by review)."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.platform.runtime import Runtime
from bot.questions.views import replies as views
from storage import questions as store
from tests.conftest import TEAM
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import REP, REP2, ask, setup_team
from tests.http_mode import lazy_rows, run_queue
from tests.slack_signing import SlackHTTP

CHANGES = {"edit": "edit 1 Do you support SCIM too?", "withdraw": "withdraw 1"}


def refuse_lazy_rows(engine: Engine) -> None:
    """From now on the outbox refuses every follow-up's row (as a failing database would)."""
    with sqlite3.connect(str(engine.url.database)) as conn:
        conn.execute(
            "CREATE TRIGGER refuse_lazy BEFORE INSERT ON outbox_message "
            "WHEN new.method = 'bolt.lazy' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_whose_follow_up_cannot_be_recorded_is_not_stored(
    change: str, web: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(web, "Do you support SCIM?")
    refuse_lazy_rows(engine)
    url = slack.new_response_url()
    status, _ = web.command(views.COMMAND, CHANGES[change], user_id=REP, response_url=url)
    assert status == 500  # Bolt's answer to a failed ack listener
    # The user is told, and may try again (from Bolt's executor, after the 500).
    (told,) = slack.wait_for("response_url", where=lambda c: c.path == urlsplit(url).path)
    assert "went wrong" in told.params["text"]
    with Session(engine) as session:
        q = store.get(session, TEAM, 1)
    assert q is not None and q.text == "Do you support SCIM?" and q.status == "open"
    assert q.version == 0


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_refreshes_its_triage_post(
    change: str, web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(web, "Do you support SCIM?")
    run_queue(background, engine)  # the triage post
    ask(web, CHANGES[change])
    run_queue(background, engine)  # the change's follow-up: the post's update
    assert [r.status for r in lazy_rows(engine, "after_command")] == ["sent", "sent"]
    shown = "scim too" if change == "edit" else "withdrawn"
    (update,) = slack.wait_for("chat.update")
    assert shown in str(update.params.get("blocks")).lower()


@pytest.mark.parametrize("change", CHANGES)
def test_a_refused_change_records_no_follow_up(change: str, web: SlackHTTP, engine: Engine) -> None:
    setup_team(engine)
    ask(web, "Do you support SCIM?")
    assert "Only the rep who asked" in ask(web, CHANGES[change], user=REP2)["text"]
    ask(web, "withdraw 1")
    assert "can't change" in ask(web, CHANGES[change])["text"]  # closed now
    commands = [r.payload["body"]["text"] for r in lazy_rows(engine, "after_command")]
    assert commands == ["Do you support SCIM?", "withdraw 1"]
