"""`/agenda` and its follow-up: `add` records the agenda's refresh with the topic, no other
subcommand records one, and `setup` opens its form in the ack. Before, every subcommand's
follow-up was recorded after the ack in a transaction of its own (a topic could be stored
without the refresh of its agenda), and the form was opened by the follow-up: under
`lockstep run --http` that runs in the background process, maybe after the trigger id's 3 s
(found by review)."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.meetings.views import forms
from bot.platform.runtime import Runtime
from storage import meetings
from storage import meetings_agendas as agendas
from tests.conftest import ADMIN
from tests.fake_slack import FakeSlack
from tests.handlers.test_meetings_actions import post_agenda
from tests.handlers.test_questions_edits import refuse_lazy_rows
from tests.http_mode import lazy_rows, run_queue
from tests.meeting_helpers import SALES, make_series
from tests.slack_signing import SlackHTTP


def topics(engine: Engine, agenda_id: int) -> list[str]:
    with Session(engine) as session:
        return [i.text for i in agendas.items_of(session, agenda_id) if i.kind == "topic"]


def test_setup_opens_its_form_in_the_ack(web: SlackHTTP, slack: FakeSlack, engine: Engine) -> None:
    """A web worker runs no follow-up: the form is open when the command is answered."""
    status, body = web.command("/agenda", "setup", user_id=ADMIN)
    assert status == 200 and "Opening" in body["text"]
    (call,) = slack.calls_to("views.open")
    assert call.json("view")["callback_id"] == forms.SETUP
    assert lazy_rows(engine) == []


def test_an_added_topic_and_its_agenda_refresh_commit_together(
    web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    agenda = post_agenda(background, engine)
    assert agenda.id is not None
    refuse_lazy_rows(engine)
    url = slack.new_response_url()
    status, _ = web.command(
        "/agenda", "add Weekly sync Renewals", user_id=SALES[0], response_url=url
    )
    assert status == 500  # the refresh could not be recorded: nothing of the add is kept
    # The apology is sent from Bolt's executor after the 500: waited for.
    (told,) = slack.wait_for("response_url", where=lambda c: c.path == urlsplit(url).path)
    assert "went wrong" in told.params["text"]
    assert "Renewals" not in topics(engine, agenda.id)
    with Session(engine) as session:
        assert [t.text for t in meetings.open_topics(session, agenda.series_id)] == [
            "Pricing",
            "Battlecards",
        ]


def test_an_added_topic_refreshes_the_posted_agenda(
    web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    agenda = post_agenda(background, engine)
    assert agenda.id is not None
    _, body = web.command("/agenda", "add Weekly sync Renewals", user_id=SALES[0])
    assert "Added to *Weekly sync*" in body["text"]
    assert "Renewals" in topics(engine, agenda.id)
    run_queue(background, engine)
    (row,) = lazy_rows(engine, "agenda_command_later")
    assert row.status == "sent"
    (update,) = slack.calls_to("chat.update")
    assert update.params["ts"] == agenda.ts and "Renewals" in str(update.params["blocks"])


def test_subcommands_that_change_no_agenda_record_no_follow_up(
    web: SlackHTTP, engine: Engine
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        make_series(session, name="Weekly sync", weekday=0)
    for text in (
        "",
        "help",
        "list",
        "preview Weekly sync",
        "pause Weekly sync",
        "resume Weekly sync",
        "skip Weekly sync 2099-12-28",
        "add Nope something",
        "add Weekly sync Budget",  # stored; no agenda is out yet, so nothing to refresh
    ):
        status, _ = web.command("/agenda", text, user_id=ADMIN)
        assert status == 200, text
    assert lazy_rows(engine) == []
