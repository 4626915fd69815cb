"""`lockstep run` in Socket Mode, the README's usual start, driven end to end: the real process
against the fake Web API and a local Socket Mode endpoint (tests/socket_mode.py)."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from sqlmodel import Session, func, select

from bot.home.views import START_PREFIX
from bot.questions.views import replies
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Question
from tests.bot.cli.test_commands import LOCKSTEP, clean_env
from tests.conftest import BOT_TOKEN
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import REP, TRIAGE, setup_team
from tests.slack_signing import block_action_payload, event_body, slash_command_body
from tests.socket_mode import APP_TOKEN, FakeSocketMode


@pytest.fixture
def socket_mode(slack: FakeSlack) -> Iterator[FakeSocketMode]:
    endpoint = FakeSocketMode(slack).start()
    yield endpoint
    endpoint.stop()


def start(tmp_path: Path, slack: FakeSlack, **env: str) -> subprocess.Popen[str]:
    values = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN, **env}
    return subprocess.Popen(
        [*LOCKSTEP, "run"],
        cwd=tmp_path,
        env=clean_env(tmp_path, SLACK_API_BASE_URL=slack.base_url, **values),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def command(text: str, user: str = REP) -> dict[str, str]:
    return dict(parse_qsl(slash_command_body(replies.COMMAND, text, user_id=user)))


def stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    return err


def test_commands_buttons_and_events_over_socket_mode_survive_reconnects(
    tmp_path: Path, slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    upgrade(engine)
    setup_team(engine)
    proc = start(tmp_path, slack)
    try:
        socket_mode.wait_connections(1)
        # A slash command: acked over the socket with its reply, well within Slack's 3 s.
        took, answer = socket_mode.ack(
            socket_mode.send("slash_commands", command("What is your uptime SLA?"), response=True)
        )
        assert took < 3 and "#1" in json.dumps(answer["payload"])
        (post,) = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == TRIAGE)
        assert "uptime SLA" in json.dumps(post.json("blocks"))
        # The Home tab: an event, acked, published in the background.
        opened = {"type": "app_home_opened", "user": REP, "channel": "D0REP", "tab": "home"}
        took, _ = socket_mode.ack(socket_mode.send("events_api", json.loads(event_body(opened))))
        assert took < 3
        slack.wait_for("views.publish", where=lambda c: c.params.get("user_id") == REP)
        # An interaction: the Home's button opens the form.
        press = block_action_payload(START_PREFIX + "question", user_id=REP)
        took, _ = socket_mode.ack(socket_mode.send("interactive", press))
        assert took < 3
        (form,) = slack.wait_for("views.open")
        assert form.json("view")["callback_id"]

        socket_mode.refresh()  # Slack's notice before it rotates servers: a new connection
        socket_mode.wait_connections(2)
        # slack_sdk's client closes the old connection once its receive (3 s timeout) returns,
        # and reads the new one only then: an envelope in that window waits (docs/delivery.md).
        socket_mode.wait_closed(1)
        took, answer = socket_mode.ack(
            socket_mode.send("slash_commands", command("Do you support SSO?"), response=True)
        )
        assert took < 3 and "#2" in json.dumps(answer["payload"])

        socket_mode.drop()  # the network fails, without a notice: it reconnects on its own
        socket_mode.wait_connections(3)
        socket_mode.wait_closed(2)
        took, answer = socket_mode.ack(
            socket_mode.send("slash_commands", command("Is there an EU region?"), response=True)
        )
        assert took < 3 and "#3" in json.dumps(answer["payload"])

        slack.wait_for("chat.postMessage", 3, where=lambda c: c.params["channel"] == TRIAGE)
        time.sleep(1.5)  # the background worker looks again: still one triage post a question
        posts = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == TRIAGE]
        assert sorted(c.params["text"][:21] for c in posts) == [
            f"Prospect question #{n}:" for n in (1, 2, 3)
        ]
        with Session(engine) as session:
            assert session.exec(select(func.count()).select_from(Question)).one() == 3
    finally:
        err = stop(proc) if proc.poll() is None else proc.communicate()[1]
    assert "Traceback" not in err and BOT_TOKEN not in err and APP_TOKEN not in err


@pytest.mark.parametrize("refused", ["app", "bot"])
def test_a_refused_token_stops_it_within_30_s_with_one_line(
    tmp_path: Path, slack: FakeSlack, socket_mode: FakeSocketMode, refused: str
) -> None:
    slack.refused_tokens.add(APP_TOKEN if refused == "app" else BOT_TOKEN)
    began = time.monotonic()
    proc = start(tmp_path, slack)
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - began < 30 and proc.returncode == 1
    assert "Traceback" not in err and not socket_mode.connections
    (line,) = [x for x in err.splitlines() if x.startswith("lockstep:")]
    assert "invalid_auth" in line
    assert ("SLACK_APP_TOKEN" if refused == "app" else "SLACK_BOT_TOKEN") in line
    assert BOT_TOKEN not in err and APP_TOKEN not in err


def test_http_mode_with_oauth_serves_add_to_slack_without_a_bot_token(
    tmp_path: Path, slack: FakeSlack
) -> None:
    import urllib.request

    from tests.bot.cli.test_commands import start_http, wait_healthy
    from tests.conftest import CLIENT_SECRET

    oauth = {"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": CLIENT_SECRET}
    proc, port = start_http(tmp_path, slack, 1, SLACK_BOT_TOKEN="", **oauth)
    try:
        wait_healthy(port, proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/slack/install", timeout=5) as page:
            html = page.read().decode()
            assert "slack-app-oauth-state=" in page.headers["Set-Cookie"]
        assert "client_id=1111.2222" in html and "scope=" in html and "state=" in html
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert "Traceback" not in err and CLIENT_SECRET not in err


def test_socket_mode_with_oauth_settings_is_one_line(tmp_path: Path, slack: FakeSlack) -> None:
    from tests.conftest import CLIENT_SECRET

    proc = start(tmp_path, slack, SLACK_CLIENT_ID="1111.2222", SLACK_CLIENT_SECRET=CLIENT_SECRET)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    (line,) = err.strip().splitlines()
    assert "--http" in line and CLIENT_SECRET not in line
