"""Whose Home tab is refreshed is known to every process: the open is recorded in the
database, so an action handled by another app instance (another web worker, the background
process, a replica, a restarted process) refreshes it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from slack_bolt import App
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.platform.config import Settings
from bot.platform.runtime import build_runtime
from bot.system.app import create_app
from storage import home as home_viewers
from storage.db import make_engine
from storage.models import HomeViewer
from tests.conftest import ADMIN, SIGNING_SECRET, TEAM, serve_on_loopback
from tests.fake_slack import FakeSlack
from tests.handlers.test_home import opened, published_for
from tests.mention_scan import MentionGuard, RecordingSlackHTTP
from tests.slack_signing import SlackHTTP


@contextmanager
def served(app: App, slack: FakeSlack, guard: MentionGuard) -> Iterator[SlackHTTP]:
    """`app` over real HTTP on loopback, as the `http` fixture serves the test's own app (what
    is typed and answered goes to the test's mention scan too)."""
    with serve_on_loopback(app) as url:
        yield RecordingSlackHTTP(url, SIGNING_SECRET, guard, slack)


def another_process(settings: Settings, engine: Engine) -> App:
    """A second Lockstep app on the same database: its own engine, refresher and client."""
    return create_app(
        settings, runtime=build_runtime(settings, engine=make_engine(str(engine.url)))
    )


def test_a_home_opened_through_one_app_is_refreshed_by_an_action_through_another(
    http: SlackHTTP,
    slack: FakeSlack,
    settings: Settings,
    engine: Engine,
    mention_guard: MentionGuard,
) -> None:
    http.event(opened(ADMIN))
    published_for(slack, ADMIN, 1)
    # Built after the open: a web worker that never saw it, or the process after a restart.
    with served(another_process(settings, engine), slack, mention_guard) as other:
        other.command("/lockstep", "roles", user_id=ADMIN)
        published_for(slack, ADMIN, 2)
        other.command("/lockstep", "roles", user_id="U0QUIET001")  # never opened a Home
        other.command("/lockstep", "roles", user_id=ADMIN)
        published_for(slack, ADMIN, 3)  # one refresh thread per app: U0QUIET001's came first
    assert all(c.params.get("user_id") != "U0QUIET001" for c in slack.calls_to("views.publish"))


def test_the_open_is_recorded_in_the_ack_even_if_the_first_publish_fails(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    slack.fail("views.publish", status=200, error="internal_error", times=1)
    assert http.event(opened(ADMIN))[0] == 200
    slack.wait_for("views.publish", 1)
    with Session(engine) as session:
        assert home_viewers.get(session, TEAM, ADMIN) is not None
    http.command("/lockstep", "roles", user_id=ADMIN)
    published_for(slack, ADMIN, 2)


def test_a_redelivered_open_keeps_one_row_and_the_messages_tab_none(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    http.event(opened(ADMIN), event_id="Ev0HOME0001")
    http.event(opened(ADMIN), event_id="Ev0HOME0001", retry_num=1)
    http.event({**opened("U0OTHER001"), "tab": "messages"})
    with Session(engine) as session:
        rows = list(session.exec(select(HomeViewer)))
    assert [(row.team_id, row.user_id) for row in rows] == [(TEAM, ADMIN)]


def test_record_open_keeps_the_latest_time(any_engine: Engine) -> None:
    first = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with Session(any_engine) as session:
        home_viewers.record_open(session, TEAM, ADMIN, first)
        home_viewers.record_open(session, TEAM, ADMIN, first + timedelta(hours=2))
        home_viewers.record_open(session, "T0FAKE0002", ADMIN, first)
    with Session(any_engine) as session:
        mine = home_viewers.get(session, TEAM, ADMIN)
        assert mine is not None and mine.opened_at == first + timedelta(hours=2)
        assert home_viewers.get(session, TEAM, "U0NEVER001") is None
        assert len(list(session.exec(select(HomeViewer)))) == 2
