"""manifest.yml is a valid Slack manifest and declares exactly what the code registers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

import handlers
from bot.cli import main
from bot.platform.scopes import SCOPES
from bot.system.manifest import manifest as build_manifest

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "tests" / "data" / "slack" / "manifest.schema.1.0.0.json"


class RecordingApp:
    """Stands in for a Bolt App and records what handlers register."""

    def __init__(self) -> None:
        self.registered: dict[str, set[str]] = {}

    def _record(self, kind: str, key: Any) -> Any:
        if isinstance(key, dict):  # e.g. app.shortcut({"callback_id": ..., "type": ...})
            key = key.get("callback_id") or key.get("action_id") or key.get("type")
        self.registered.setdefault(kind, set()).add(str(getattr(key, "pattern", key)))
        return lambda *args, **kwargs: args[0] if args else None

    def __getattr__(self, kind: str) -> Any:
        return lambda key=None, *a, **kw: self._record(kind, key)


def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def registered() -> dict[str, set[str]]:
    app = RecordingApp()
    handlers.register_all(app)
    return app.registered


def test_manifest_validates_against_slack_schema() -> None:
    jsonschema.validate(manifest(), json.loads(SCHEMA.read_text()))


def test_slash_commands_match() -> None:
    declared = {c["command"] for c in manifest()["features"].get("slash_commands", [])}
    assert declared == registered().get("command", set())


def test_shortcuts_match() -> None:
    declared = {s["callback_id"] for s in manifest()["features"].get("shortcuts", [])}
    code = registered().get("shortcut", set()) | registered().get("message_shortcut", set())
    assert declared == code


def test_events_match() -> None:
    events = manifest()["settings"].get("event_subscriptions", {}).get("bot_events", [])
    assert set(events) == registered().get("event", set())


def test_scopes_are_exactly_what_the_code_uses() -> None:
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == set(SCOPES)


def test_interactivity_home_and_socket_mode() -> None:
    m = manifest()
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert m["settings"]["socket_mode_enabled"] is True
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    assert m["features"]["bot_user"]["display_name"]


def test_manifest_yml_is_what_lockstep_manifest_prints() -> None:
    assert manifest() == build_manifest()


@pytest.mark.parametrize("oauth", [False, True])
def test_the_http_manifest_has_every_request_url_and_is_valid(oauth: bool) -> None:
    result = CliRunner().invoke(
        main,
        ["manifest", "--http", "https://lockstep.example.com/"],
        env={
            "SLACK_CLIENT_ID": "1.2" if oauth else "",
            "SLACK_CLIENT_SECRET": "s" if oauth else "",
        },
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    jsonschema.validate(printed, json.loads(SCHEMA.read_text()))
    events = "https://lockstep.example.com/slack/events"
    settings = printed["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["interactivity"]["request_url"] == events
    assert settings["event_subscriptions"]["request_url"] == events
    commands = printed["features"]["slash_commands"]
    assert {c["url"] for c in commands} == {events}
    assert {c["command"] for c in commands} == registered()["command"]
    assert set(settings["event_subscriptions"]["bot_events"]) == registered()["event"]
    assert set(printed["oauth_config"]["scopes"]["bot"]) == set(SCOPES)
    redirect = printed["oauth_config"].get("redirect_urls")
    assert redirect == (["https://lockstep.example.com/slack/oauth_redirect"] if oauth else None)


def test_socket_mode_manifest_from_the_command_is_valid() -> None:
    result = CliRunner().invoke(main, ["manifest"])
    assert result.exit_code == 0
    jsonschema.validate(json.loads(result.output), json.loads(SCHEMA.read_text()))
    assert CliRunner().invoke(main, ["manifest", "--http", "http://x"]).exit_code == 2
