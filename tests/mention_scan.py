"""The suite-wide check that no message Lockstep sends carries a live mention or link a user typed.

Every test that uses the `slack` fixture ends with `MentionGuard.check`: it scans the top-level
`text` (the notification fallback Slack parses for mentions) and every mrkdwn object inside
`blocks`/`attachments` of each outbound message (chat.postMessage, chat.update,
chat.postEphemeral, chat.scheduleMessage, response_url posts, and the messages the app sends
back in its HTTP answers to commands and actions), and every mrkdwn object of the views it
publishes, opens, updates or pushes (the Home tab, modals, and a view_submission's
`response_action` update/push): a view notifies nobody, but its mrkdwn still renders a typed
`<@U…>` as a mention and `<https://evil.example|bank>` as a disguised link. plain_text (titles,
buttons, input values) is never parsed and never scanned.

The rule, kept simple so it catches the real case without flagging what Lockstep means to say:
- `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>`: always a failure. Lockstep never
  broadcasts, so any of them came from something a person typed.
- `<@U…>`, `<@W…>`, `<http…>`, `<mailto:…>`: a failure when that exact token occurs in text a
  user typed in this test (as the app receives it, decoded once). Lockstep's own mentions of
  people it picked from the database (`<@owner>`) and its asset links (`<url|escaped title>`)
  never appear verbatim in typed text, so they pass; a typed `ask <@U0FAKE0002>` echoed raw fails.
  For a command with `should_escape: true`, Slack itself writes a person or link the user picked
  as `<@U…|name>` (arguments, like `/lockstep role @dana marketer`), and typed angle brackets
  arrive as `&lt;…&gt;`: only the latter count as typed.
- `&amp;amp;`, `&amp;lt;`, `&amp;gt;`: a failure (text escaped twice) unless someone typed the
  entity itself.
What counts as typed: slash command text, text inputs in view and message state, the message a
shortcut was used on, event text, a type-ahead query; a test that puts text in storage itself can
add it with `typed_elsewhere`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.kernel.text import unescape
from bot.standin.fake_slack import Call, FakeSlack
from bot.standin.signing import SlackHTTP

MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yml"
MESSAGE_METHODS = frozenset(
    ("chat.postMessage", "chat.update", "chat.postEphemeral", "chat.scheduleMessage")
    + ("response_url",)
)
BROADCASTS = ("!channel", "!here", "!everyone", "!subteam^")
DOUBLE_ESCAPED = ("&amp;amp;", "&amp;lt;", "&amp;gt;")
POINTERS = ("@U", "@W", "http://", "https://", "mailto:")
VIEW_METHODS = frozenset(("views.open", "views.publish", "views.update", "views.push"))


@functools.cache
def escaping_commands() -> frozenset[str]:
    """The slash commands whose text Slack sends with people, channels and links encoded."""
    manifest = yaml.safe_load(MANIFEST.read_text())
    commands = manifest.get("features", {}).get("slash_commands", [])
    return frozenset(c["command"] for c in commands if c.get("should_escape"))


def tokens(text: str) -> Iterator[str]:
    """Every `<…>` control sequence in a piece of mrkdwn, brackets included."""
    start = text.find("<")
    while start != -1:
        end = text.find(">", start + 1)
        if end == -1:
            return
        inner = text[start + 1 : end]
        if "<" in inner:  # `<<!here>`: the inner `<` starts the real token
            start = text.find("<", start + 1)
            continue
        yield text[start : end + 1]
        start = text.find("<", end + 1)


def is_broadcast(token: str) -> bool:
    return token[1:].startswith(BROADCASTS)


def is_pointer(token: str) -> bool:
    return token[1:].startswith(POINTERS)


def mrkdwn_texts(message: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, text) for the fallback `text` and every mrkdwn object in blocks/attachments."""
    text = message.get("text")
    if isinstance(text, str):
        yield "text", text
    for key in ("blocks", "attachments"):
        value = message.get(key)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                continue
        yield from _walk(value, key)


def view_texts(view: Any) -> Iterator[tuple[str, str]]:
    """(where, text) for every mrkdwn object of a view (Home tab or modal), sent as JSON or not."""
    if isinstance(view, str | bytes):
        try:
            view = json.loads(view)
        except ValueError:
            return
    if isinstance(view, dict):
        yield from _walk(view.get("blocks"), "view.blocks")


def _walk(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield where, node["text"]
        for key, child in node.items():
            yield from _walk(child, f"{where}.{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _walk(child, f"{where}[{index}]")


class MentionGuard:
    """What users typed in one test, and the messages the app answered with over HTTP."""

    def __init__(self) -> None:
        self.typed: list[str] = []  # decoded once, as the app sees them
        self.picked: set[str] = set()  # tokens Slack itself encoded in escaping commands
        self.acks: list[tuple[str, dict[str, Any]]] = []
        self.view_acks: list[tuple[str, Any]] = []  # response_action update/push views
        self._escaping = escaping_commands()

    # ------------------------------------------------------------------ recording
    def command(self, command: str, raw_text: str) -> None:
        if command in self._escaping:
            self.picked.update(t for t in tokens(raw_text) if is_pointer(t))
        self.typed.append(unescape(raw_text))

    def typed_elsewhere(self, *texts: str) -> None:
        """Text a test put in storage itself, standing for what a user typed."""
        self.typed.extend(texts)

    def payload(self, payload: Mapping[str, Any]) -> None:
        """Typed strings of an interactivity payload or an event: input values, message text."""
        self.typed.extend(_typed_values(payload))

    def ack(self, what: str, body: Any) -> None:
        """Keep a message the app answered with over HTTP (not a view_submission's action)."""
        if not isinstance(body, dict):
            return
        if body.get("response_action") in ("update", "push") and "view" in body:
            self.view_acks.append((what, body["view"]))
        elif ("text" in body or "blocks" in body) and "response_action" not in body:
            self.acks.append((what, body))

    # ------------------------------------------------------------------ checking
    def tainted(self) -> set[str]:
        """Pointer tokens (people, links) that occur in something a user typed."""
        found = {t for text in self.typed for t in tokens(text) if is_pointer(t)}
        return found - self.picked

    def leaks(self, calls: list[Call]) -> list[str]:
        """One line per live broadcast, or typed mention/link, in an outbound message or in the
        mrkdwn of a view."""
        tainted = self.tainted()
        messages = [(c.method, c.params) for c in calls if c.method in MESSAGE_METHODS]
        messages += [(f"HTTP answer to {what}", body) for what, body in self.acks]
        texts = [(m, w, text) for m, message in messages for w, text in mrkdwn_texts(message)]
        texts += [
            (c.method, where, text)
            for c in calls
            if c.method in VIEW_METHODS
            for where, text in view_texts(c.params.get("view"))
        ]
        texts += [
            (f"HTTP answer to {what}", where, text)
            for what, view in self.view_acks
            for where, text in view_texts(view)
        ]
        # `&amp;lt;` is right only when someone typed `&lt;` itself; else it was escaped twice.
        typed_entities = {e for e in DOUBLE_ESCAPED if any("&" + e[5:] in t for t in self.typed)}
        found = []
        for method, where, text in texts:
            for token in tokens(text):
                if is_broadcast(token) or token in tainted:
                    found.append(f"{method} {where}: {token} in {text[:160]!r}")
            for entity in DOUBLE_ESCAPED:
                if entity in text and entity not in typed_entities:
                    found.append(f"{method} {where}: escaped twice ({entity}) {text[:160]!r}")
        return found

    def check(self, calls: list[Call]) -> None:
        leaks = self.leaks(calls)
        assert not leaks, (
            "user text reached Slack unescaped (a live mention or disguised link):\n  "
            + "\n  ".join(leaks[:10])
        )


def _typed_values(payload: Mapping[str, Any]) -> Iterator[str]:
    """Strings a person typed: text inputs in a view's or message's state, the text of the
    message a shortcut was used on or of a message event, a suggestion query.  (A block_actions
    payload's `message` is Lockstep's own post, so its text is not typed.)"""
    kind = payload.get("type")
    message = payload.get("message")
    if kind == "message_action" and isinstance(message, dict):
        yield unescape(str(message.get("text") or ""))
    if kind == "block_suggestion" and isinstance(payload.get("value"), str):
        yield payload["value"]
    event = payload.get("event")
    if isinstance(event, dict):
        yield unescape(str(event.get("text") or ""))
    for holder in (payload, payload.get("view")):
        if isinstance(holder, dict) and isinstance(holder.get("state"), dict):
            yield from _state_values(holder["state"].get("values") or {})


def _state_values(values: Mapping[str, Any]) -> Iterator[str]:
    for actions in values.values():
        if not isinstance(actions, dict):
            continue
        for item in actions.values():
            if isinstance(item, dict) and isinstance(item.get("value"), str):
                yield item["value"]
            if isinstance(item, dict) and isinstance(item.get("rich_text_value"), dict):
                yield json.dumps(item["rich_text_value"])


class RecordingSlackHTTP(SlackHTTP):
    """SlackHTTP that tells a MentionGuard what the user typed and what the app answered, and
    gives commands and message actions a response_url on the fake Slack (as Slack always does),
    so `respond()` posts are recorded and scanned too."""

    def __init__(self, base_url: str, secret: str, guard: MentionGuard, slack: FakeSlack) -> None:
        super().__init__(base_url, secret)
        self.guard = guard
        self.slack = slack

    def command(
        self,
        command: str,
        text: str = "",
        *,
        timestamp: int | str | None = None,
        bad_signature: bool = False,
        **fields: Any,
    ) -> tuple[int, Any]:
        if not fields.get("response_url"):
            fields["response_url"] = self.slack.new_response_url()
        self.guard.command(command, text)
        status, body = super().command(
            command, text, timestamp=timestamp, bad_signature=bad_signature, **fields
        )
        self.guard.ack(command, body)
        return status, body

    def action(
        self,
        payload: Mapping[str, Any],
        *,
        timestamp: int | str | None = None,
        bad_signature: bool = False,
    ) -> tuple[int, Any]:
        if payload.get("response_url") == "" and payload.get("type") in (
            "block_actions",
            "message_action",
        ):
            payload = {**payload, "response_url": self.slack.new_response_url()}
        self.guard.payload(payload)
        status, body = super().action(payload, timestamp=timestamp, bad_signature=bad_signature)
        self.guard.ack(str(payload.get("type")), body)
        return status, body

    def event(
        self,
        event: Mapping[str, Any],
        *,
        retry_num: int | None = None,
        timestamp: int | str | None = None,
        bad_signature: bool = False,
        **envelope: Any,
    ) -> tuple[int, Any]:
        self.guard.payload({"event": event})
        return super().event(
            event,
            retry_num=retry_num,
            timestamp=timestamp,
            bad_signature=bad_signature,
            **envelope,
        )
