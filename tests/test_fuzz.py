"""Fuzz every slash command's text and every modal's values (hypothesis).

Properties: no unhandled error, a clear reply, and no live mention or link in anything Lockstep
sends. The commands come from manifest.yml and the modals from what those commands open, so new
features are covered without touching this file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.standin.signing import view_submission_payload
from tests.blockkit import live_mentions
from tests.fake_slack import Call, FakeSlack
from tests.slack_signing import SlackHTTP

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = [
    c["command"]
    for c in yaml.safe_load((ROOT / "manifest.yml").read_text())["features"]["slash_commands"]
]
HOSTILE = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0FAKE0002>",  # nobody the fuzz picks in a users_select: typed only
    "<https://evil.example|bank>",
    "'; DROP TABLE question; --",
    '" OR 1=1 --',
    "%_\\",
    "\x00\x07\x1b[31m",
    "  \t\n ",
    "&amp;&lt;&gt;",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ 中文 العربية",
    'NEAR(a b) * "x',
    "-1e309",
    "NaN",
]
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.lists(
        st.sampled_from(HOSTILE + ["a", "b", "1", "+2", "#3", "list", "add", "help"]), max_size=8
    ).map(" ".join),
    st.just("x" * 50_000),
)
SUBCOMMANDS = [
    "",
    "help",
    "list",
    "add",
    "search",
    "edit",
    "withdraw",
    "update",
    "new",
    "config",
    "setup",
    "preview",
    "pause",
    "skip",
    "resume",
    "role",
    "remove",
]


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def errors() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


def sent_since(slack: FakeSlack, start: int) -> list[Call]:
    return [c for c in slack.calls[start:] if c.method not in ("auth.test",)]


def injected(payload: Any) -> list[str]:
    """Live mentions or links that can only have come from the fuzzed text.

    Lockstep may mention real people itself (an admin, an owner); the fuzz injects only
    broadcasts, U0EVIL0001 and links to evil.example, so those must never be live.
    """
    return [
        m
        for m in live_mentions(payload)
        if m.startswith("!") or m.startswith("@U0EVIL") or "evil.example" in m
    ]


def assert_clean(body: Any, calls: list[Call], errors: ErrorLog) -> None:
    assert not [r for r in errors.records if "Unhandled" in r.getMessage() or r.exc_info], [
        r.getMessage() for r in errors.records
    ]
    assert injected(body) == []
    for call in calls:
        payload = {k: call.json(k) for k in ("blocks", "view") if k in call.params}
        payload["text"] = call.params.get("text", "")  # plain text, not JSON
        assert injected(payload) == [], call


@pytest.mark.parametrize("command", COMMANDS)
def test_command_text_fuzz(
    command: str, http: SlackHTTP, slack: FakeSlack, errors: ErrorLog
) -> None:
    users = iter(range(10**6))

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(sub=st.sampled_from(SUBCOMMANDS), text=TEXT)
    def check(sub: str, text: str) -> None:
        start = len(slack.calls)
        status, body = http.command(
            command, f"{sub} {text}".strip(), user_id=f"U0FUZ{next(users):05d}"
        )
        assert status == 200
        assert body == "" or isinstance(body, dict)
        if isinstance(body, dict) and "response_action" not in body:
            assert body.get("text") or body.get("blocks"), body
        assert_clean(body, sent_since(slack, start), errors)

    check()


def inputs_of(view: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for block in view.get("blocks", []):
        if block.get("type") == "input" and block.get("element"):
            element = block["element"]
            found.append((block["block_id"], element["action_id"], element))
    return found


def value_for(element: dict[str, Any], text: str) -> dict[str, Any]:
    kind = element["type"]
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        return {"type": kind, "value": text}
    if kind == "static_select":
        options = element.get("options") or [
            o for g in element.get("option_groups", []) for o in g["options"]
        ]
        return {"type": kind, "selected_option": options[0] if options else None}
    if kind in ("multi_static_select", "checkboxes"):
        return {"type": kind, "selected_options": element.get("options", [])[:1]}
    if kind == "radio_buttons":
        return {"type": kind, "selected_option": element["options"][0]}
    if kind == "datepicker":
        return {"type": kind, "selected_date": "2026-13-45" if "<" in text else "2026-12-01"}
    if kind == "timepicker":
        return {"type": kind, "selected_time": "25:61" if "<" in text else "09:30"}
    if kind in ("users_select", "conversations_select", "channels_select"):
        key = {"users_select": "selected_user"}.get(kind, "selected_conversation")
        return {"type": kind, key: "U0FAKE0001" if kind == "users_select" else "C0FAKE0001"}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": ["U0FAKE0001"]}
    if kind == "external_select":
        return {"type": kind, "selected_option": None}
    return {"type": kind, "value": text}


@pytest.mark.parametrize("command", COMMANDS)
def test_modal_values_fuzz(
    command: str, http: SlackHTTP, slack: FakeSlack, errors: ErrorLog
) -> None:
    """Open each command's modal (no text, then 'new'/'add'/'setup'), then submit fuzzed values."""
    views: list[dict[str, Any]] = []
    for text in ("", "new", "add", "setup"):
        start = len(slack.calls)
        http.command(command, text, user_id="U0ADMIN001")
        for call in slack.calls[start:]:
            if call.method == "views.open":
                views.append(call.json("view"))
    if not views:
        pytest.skip(f"{command} opens no modal")

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(text=TEXT, which=st.integers(min_value=0, max_value=len(views) - 1))
    def check(text: str, which: int) -> None:
        view = views[which]
        values = {b: {a: value_for(e, text)} for b, a, e in inputs_of(view)}
        payload = view_submission_payload(
            view.get("callback_id", ""),
            values,
            user_id="U0ADMIN001",
            private_metadata=view.get("private_metadata", ""),
            blocks=view.get("blocks"),
        )
        start = len(slack.calls)
        status, body = http.submit(payload)
        assert status == 200
        if isinstance(body, dict) and body.get("response_action") == "errors":
            assert body["errors"] and all(isinstance(v, str) and v for v in body["errors"].values())
        assert_clean(body, sent_since(slack, start), errors)

    check()
