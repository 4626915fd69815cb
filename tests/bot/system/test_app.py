"""The app factory's start-up: quiet when the configuration is right."""

from __future__ import annotations

import logging

import pytest

from bot.system.app import create_app
from tests.conftest import BOT_TOKEN, make_settings
from tests.fake_slack import FakeSlack


def test_a_token_given_in_the_environment_starts_without_a_warning(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Bolt reads SLACK_BOT_TOKEN itself and warned at every start that it "will be unused"
    beside the client Lockstep builds from that same token."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    with caplog.at_level(logging.DEBUG, logger="lockstep.bolt"):
        create_app(make_settings(slack.base_url))
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
