"""The app factory: quiet start-up when the configuration is right; its error handler."""

from __future__ import annotations

import logging

import pytest

from bot.goals.views.digest import LOG_PROGRESS
from bot.system.app import create_app
from tests.conftest import ADMIN, BOT_TOKEN, make_settings
from tests.fake_slack import FakeSlack
from tests.slack_signing import SlackHTTP, block_action_payload


def test_a_token_given_in_the_environment_starts_without_a_warning(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Bolt reads SLACK_BOT_TOKEN itself and warned at every start that it "will be unused"
    beside the client Lockstep builds from that same token."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    with caplog.at_level(logging.DEBUG, logger="lockstep.bolt"):
        create_app(make_settings(slack.base_url))
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_failed_listener_answers_500_without_waiting_for_its_apology(
    http: SlackHTTP, slack: FakeSlack
) -> None:
    """The apology goes to the response_url from Bolt's listener executor, not before the 500:
    here the response_url holds its answer for longer than the test client waits (10 s), so an
    ack that waited on it would never come back."""
    slack.fail("views.open", status=200, error="internal_error")  # the listener raises
    slack.slow("response_url", seconds=60)  # cut short when the fake stops
    slack.fail("response_url", status=500)
    url = slack.new_response_url()
    click = block_action_payload(LOG_PROGRESS, "log", user_id=ADMIN, response_url=url)
    status, _ = http.action(click)
    assert status == 500
    (apology,) = slack.wait_for("response_url")
    assert "went wrong" in apology.params["text"]
