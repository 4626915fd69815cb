"""manifest.yml is a valid Slack manifest and declares exactly what the code registers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml

import handlers
from bot.platform.scopes import SCOPES

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
