"""Meeting scenes: Leo sets up the weekly check-in; its agenda builds itself and is used."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.cast import ANA, DIGEST, LEO, MIA, RAJ, TIMEZONE, in_days, next_monday_at
from bot.demo.runner import Stage
from bot.meetings.jobs import post_due_agendas
from bot.meetings.views import agenda as views

SERIES = "Weekly check-in"
TOPIC = "Bundle the SSO one-pager into the proposal template?"


def set_up_series(stage: Stage) -> None:
    stage.scene("Monday 09:30 — Leo sets up the weekly check-in (Tuesdays 10:00)")
    stage.command(LEO, "/agenda", "setup")
    stage.fill(
        LEO,
        {
            "name": SERIES,
            "kind": "weekly",
            "pattern": "weekly",
            "weekday": "1",  # Tuesday
            "time": "10:00",
            "timezone": TIMEZONE,
            "channel": DIGEST,
            "lead": "24",
            "sales": f"{ANA.id},{RAJ.id}",
            "marketing": MIA.id,
        },
        what="weekly, Tuesday 10:00, agenda 24 h before",
    )


def add_topic(stage: Stage) -> None:
    stage.scene("Friday 16:00 — Raj puts a topic on the next check-in")
    stage.command(RAJ, "/agenda", f"add {SERIES} {TOPIC}")


def agenda(stage: Stage) -> None:
    """The job posts the agenda 24 h before the meeting; people vote and use it."""
    due = next_monday_at(10) + timedelta(minutes=1)
    stage.scene("Monday 10:00 — the check-in agenda posts, 24 h before the meeting")
    stage.note(f"the scheduler's job runs as if it were {due:%a %d %b %H:%M} {TIMEZONE}")
    post_due_agendas(stage.runtime, due)
    posted = [c for c in stage.show_new() if c.method == "chat.postMessage"]
    message = next(c for c in posted if c.params.get("channel") == DIGEST)
    stage.keep_link("Check-in agenda", message.json("blocks") or [])

    stage.scene("Monday 11:00 — Ana votes for Raj's topic")
    stage.press(ANA, views.VOTE, where=DIGEST, after="SSO one-pager into")

    stage.scene("Tuesday 10:25 — in the meeting, Mia marks the topic discussed and takes an action")
    stage.press(MIA, views.DISCUSSED, where=DIGEST, after="SSO one-pager into")
    stage.press(MIA, views.ADD_ACTION, where=DIGEST)
    stage.fill(
        MIA,
        {
            "text": "Add the SSO one-pager to the proposal template",
            "owner": MIA.id,
            "due": in_days(9),
        },
    )
