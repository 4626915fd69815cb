"""Build and sign inbound Slack requests exactly as Slack sends them (stdlib only).

- Slash commands are form bodies with the fields (and order) of ``slash_command.json``
  (beside this module).
- Interactivity is one ``payload=`` form field holding URL-encoded compact JSON in which ``/``
  is escaped as ``\\/`` (Slack's encoder does that; ``interactive_body`` reproduces the sample
  ``.txt`` bodies byte for byte).
- Events API bodies are compact JSON sent as ``application/json``.
- ``X-Slack-Signature`` = ``v0=`` + hex HMAC-SHA256(secret, ``v0:{timestamp}:{raw body}``).

``SlackHTTP`` posts such requests over real loopback HTTP to a running app.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlencode, urlsplit

DATA_DIR = Path(__file__).parent
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"

TEAM_ID = "T0FAKE0001"
TEAM_DOMAIN = "fake-workspace"
USER_ID = "U0FAKE0001"
OTHER_USER_ID = "U0FAKE0002"
CHANNEL_ID = "C0FAKE0001"
BOT_USER_ID = "U0FAKEBOT1"
BOT_ID = "B0FAKE0001"
APP_ID = "A0FAKE0001"
VERIFICATION_TOKEN = "fakeVerificationToken000"

_counter = itertools.count(1)


# --------------------------------------------------------------------------- signing
def _to_bytes(body: bytes | str) -> bytes:
    return body if isinstance(body, bytes) else body.encode("utf-8")


def sign(secret: str, body: bytes | str, timestamp: int | str) -> str:
    """``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}`` keyed with ``secret``."""
    base = b"v0:" + str(timestamp).encode("ascii") + b":" + _to_bytes(body)
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str,
    body: bytes | str,
    *,
    timestamp: int | str | None = None,
    content_type: str | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> dict[str, str]:
    """The headers Slack sends with ``body``.

    ``timestamp`` defaults to now; ``content_type`` defaults to JSON for a body starting with
    ``{`` and to form encoding otherwise.  ``retry_num`` adds ``X-Slack-Retry-Num``/``-Reason``
    as on an Events API redelivery.
    """
    ts = str(int(time.time()) if timestamp is None else timestamp)
    raw = _to_bytes(body)
    if content_type is None:
        content_type = JSON if raw.lstrip().startswith(b"{") else FORM
    headers = {
        "Content-Type": content_type,
        "User-Agent": USER_AGENT,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(secret, raw, ts),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    return headers


# --------------------------------------------------------------------------- ids
def unique_trigger_id() -> str:
    """A fresh trigger_id shaped like Slack's (``<13 digits>.<13 digits>.<32 hex>``)."""
    return f"{1111111111111 + next(_counter)}.2222222222222.{uuid.uuid4().hex}"


def unique_event_id() -> str:
    return f"Ev{uuid.uuid4().hex[:10].upper()}"


def unique_view_id() -> str:
    return f"V{uuid.uuid4().hex[:10].upper()}"


def _now_ts() -> str:
    return f"{time.time():.6f}"


def _compact_json(value: Any) -> str:
    """Compact JSON with ``/`` escaped as ``\\/``, as Slack encodes its payloads."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("/", "\\/")


def _user(user_id: str, team_id: str, user_name: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id}


def _team(team_id: str) -> dict[str, Any]:
    return {"id": team_id, "domain": TEAM_DOMAIN}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


# --------------------------------------------------------------------------- slash commands
def _slash_template() -> dict[str, str]:
    with (DATA_DIR / "slash_command.json").open(encoding="utf-8") as fh:
        template: dict[str, str] = json.load(fh)
    return template


def slash_command_body(
    command: str,
    text: str = "",
    *,
    user_id: str = USER_ID,
    team_id: str = TEAM_ID,
    channel_id: str = CHANNEL_ID,
    response_url: str = "",
    trigger_id: str | None = None,
    user_name: str = "rep",
    **fields: str,
) -> str:
    """A slash command form body, fields in the order of ``slash_command.json``.

    ``fields`` overrides any other template field (``channel_name``, ``api_app_id``...).
    """
    values = _slash_template()
    values.update(
        command=command,
        text=text,
        user_id=user_id,
        user_name=user_name,
        team_id=team_id,
        channel_id=channel_id,
        response_url=response_url,
        trigger_id=trigger_id if trigger_id is not None else unique_trigger_id(),
    )
    values.update(fields)
    return urlencode(values)


# --------------------------------------------------------------------------- interactivity
def interactive_body(payload: Mapping[str, Any]) -> str:
    """``payload=`` + the URL-encoded compact JSON of ``payload``."""
    return "payload=" + quote_plus(_compact_json(payload))


def block_action_payload(
    action_id: str,
    value: str = "",
    *,
    user_id: str = USER_ID,
    team_id: str = TEAM_ID,
    channel_id: str = CHANNEL_ID,
    message_ts: str = "1700000100.000600",
    block_id: str = "b",
    trigger_id: str | None = None,
    response_url: str = "",
    message: dict[str, Any] | None = None,
    action_type: str = "button",
    selected_option: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    state_values: dict[str, Any] | None = None,
    user_name: str = "rep",
) -> dict[str, Any]:
    """A ``block_actions`` payload shaped like ``block_actions_button.json``.

    By default the action comes from a bot message in ``channel_id`` at ``message_ts``; pass
    ``view`` (a view object, e.g. ``views.open``'s answer ``["view"]``) for an action inside a
    modal or the Home tab: the container becomes the view and there is no channel or message.
    For selects/overflow pass ``action_type`` and ``selected_option`` (``{"text": ..., "value":
    ...}``; a plain ``text`` string is fine).
    """
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id}
    if action_type == "button":
        action["text"] = _plain(value or action_id)
        action["value"] = value
    elif value:
        action["value"] = value
    if selected_option is not None:
        option = dict(selected_option)
        if isinstance(option.get("text"), str):
            option["text"] = _plain(option["text"])
        action["selected_option"] = option
    action["type"] = action_type
    action["action_ts"] = _now_ts()

    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, team_id, user_name),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
    }
    if view is not None:
        payload["container"] = {
            "type": "view",
            "view_id": view.get("id", unique_view_id()),
        }
    else:
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
    payload["trigger_id"] = trigger_id if trigger_id is not None else unique_trigger_id()
    payload["team"] = _team(team_id)
    payload["enterprise"] = None
    payload["is_enterprise_install"] = False
    if view is not None:
        payload["view"] = view
    else:
        payload["channel"] = {"id": channel_id, "name": "general"}
        if message is None:
            element = {k: v for k, v in action.items() if k not in ("block_id", "action_ts")}
            message = {
                "bot_id": BOT_ID,
                "type": "message",
                "text": "",
                "user": BOT_USER_ID,
                "ts": message_ts,
                "app_id": APP_ID,
                "team": team_id,
                "blocks": [{"type": "actions", "block_id": block_id, "elements": [element]}],
            }
        payload["message"] = message
    payload["state"] = {"values": state_values or {}}
    if view is None or response_url:
        payload["response_url"] = response_url
    payload["actions"] = [action]
    return payload


def _input_block(block_id: str, action_id: str, state: Mapping[str, Any]) -> dict[str, Any]:
    element_type = str(state.get("type", "plain_text_input"))
    element: dict[str, Any] = {"type": element_type, "action_id": action_id}
    if element_type == "plain_text_input":
        element["multiline"] = False
    option = state.get("selected_option")
    if isinstance(option, Mapping):
        element["options"] = [dict(option)]
    return {
        "type": "input",
        "block_id": block_id,
        "label": _plain(block_id),
        "optional": False,
        "dispatch_action": False,
        "element": element,
    }


def view_submission_payload(
    callback_id: str,
    values: Mapping[str, Mapping[str, Any]],
    *,
    user_id: str = USER_ID,
    team_id: str = TEAM_ID,
    private_metadata: str = "",
    view_id: str | None = None,
    trigger_id: str | None = None,
    blocks: list[dict[str, Any]] | None = None,
    title: str = "Lockstep",
    external_id: str = "",
    user_name: str = "rep",
) -> dict[str, Any]:
    """A ``view_submission`` payload shaped like ``view_submission.json``.

    ``values`` is ``view.state.values``: ``{block_id: {action_id: {"type": ..., "value": ...}}}``;
    a bare string is shorthand for ``{"type": "plain_text_input", "value": <string>}``.
    Unless ``blocks`` is given, one input block per (block_id, action_id) is generated.
    """
    state: dict[str, dict[str, Any]] = {}
    for block_id, actions in values.items():
        state[block_id] = {}
        for action_id, item in actions.items():
            if isinstance(item, str):
                item = {"type": "plain_text_input", "value": item}
            state[block_id][action_id] = dict(item)
    if blocks is None:
        blocks = [
            _input_block(block_id, action_id, item)
            for block_id, actions in state.items()
            for action_id, item in actions.items()
        ]
    vid = view_id if view_id is not None else unique_view_id()
    return {
        "type": "view_submission",
        "team": _team(team_id),
        "user": _user(user_id, team_id, user_name),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id if trigger_id is not None else unique_trigger_id(),
        "view": {
            "id": vid,
            "team_id": team_id,
            "type": "modal",
            "blocks": blocks,
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": state},
            "hash": f"{int(time.time())}.AbCdEfGh",
            "title": _plain(title),
            "clear_on_close": False,
            "notify_on_close": False,
            "close": _plain("Cancel"),
            "submit": _plain("Submit"),
            "previous_view_id": None,
            "root_view_id": vid,
            "app_id": APP_ID,
            "external_id": external_id,
            "app_installed_team_id": team_id,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def message_action_payload(
    callback_id: str,
    text: str,
    *,
    user_id: str = USER_ID,
    team_id: str = TEAM_ID,
    channel_id: str = CHANNEL_ID,
    message_ts: str = "1700000025.000200",
    trigger_id: str | None = None,
    response_url: str = "",
    message_user: str = OTHER_USER_ID,
    user_name: str = "rep",
) -> dict[str, Any]:
    """A ``message_action`` (message shortcut) payload shaped like ``message_action.json``;
    ``text`` is the (already entity-encoded) text of the message the shortcut was used on."""
    return {
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": _now_ts(),
        "team": _team(team_id),
        "user": _user(user_id, team_id, user_name),
        "channel": {"id": channel_id, "name": "general"},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id if trigger_id is not None else unique_trigger_id(),
        "response_url": response_url,
        "message_ts": message_ts,
        "message": {
            "client_msg_id": str(uuid.uuid4()),
            "type": "message",
            "text": text,
            "user": message_user,
            "ts": message_ts,
            "team": team_id,
            "blocks": [
                {
                    "type": "rich_text",
                    "block_id": "x1Yz",
                    "elements": [
                        {
                            "type": "rich_text_section",
                            "elements": [{"type": "text", "text": text}],
                        }
                    ],
                }
            ],
        },
    }


def block_suggestion_payload(
    action_id: str,
    value: str,
    *,
    block_id: str = "b",
    user_id: str = USER_ID,
    team_id: str = TEAM_ID,
    view: dict[str, Any] | None = None,
    user_name: str = "rep",
) -> dict[str, Any]:
    """A ``block_suggestion`` payload (an ``external_select`` asking for options);
    ``value`` is what the user typed so far."""
    if view is None:
        vid = unique_view_id()
        view = {
            "id": vid,
            "team_id": team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "state": {"values": {}},
            "hash": f"{int(time.time())}.AbCdEfGh",
            "title": _plain("Lockstep"),
            "previous_view_id": None,
            "root_view_id": vid,
            "app_id": APP_ID,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": BOT_ID,
        }
    return {
        "type": "block_suggestion",
        "user": _user(user_id, team_id, user_name),
        "container": {"type": "view", "view_id": view.get("id", "")},
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "team": _team(team_id),
        "enterprise": None,
        "is_enterprise_install": False,
        "view": view,
    }


# --------------------------------------------------------------------------- Events API
def event_body(
    event: Mapping[str, Any],
    *,
    team_id: str = TEAM_ID,
    event_id: str | None = None,
    event_time: int | None = None,
) -> str:
    """An ``event_callback`` envelope (as ``events_api_reaction_added.json``), compact JSON.

    ``event`` gets an ``event_ts`` if it has none.  Reuse ``event_id`` to simulate a redelivery.
    """
    event_time = int(time.time()) if event_time is None else event_time
    inner = dict(event)
    inner.setdefault("event_ts", f"{event_time}.000100")
    envelope = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": APP_ID,
        "event": inner,
        "type": "event_callback",
        "event_id": event_id if event_id is not None else unique_event_id(),
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + uuid.uuid4().hex,
    }
    return _compact_json(envelope)


def reaction_event(
    reaction: str,
    *,
    user: str,
    item_channel: str,
    item_ts: str,
    added: bool = True,
    item_user: str = OTHER_USER_ID,
) -> dict[str, Any]:
    """A ``reaction_added`` (or ``reaction_removed``) event on a message."""
    return {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user,
        "reaction": reaction,
        "item": {"type": "message", "channel": item_channel, "ts": item_ts},
        "item_user": item_user,
        "event_ts": _now_ts(),
    }


def url_verification_body(
    challenge: str = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
) -> str:
    return _compact_json(
        {"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": challenge, "type": "url_verification"}
    )


# --------------------------------------------------------------------------- HTTP client
class SlackHTTP:
    """Posts signed requests to a running app over loopback HTTP, like Slack does.

    ``base_url`` is the app's root (``http://127.0.0.1:3000``); ``path`` the Bolt endpoint.
    Response header names are returned lower-case.
    """

    def __init__(
        self, base_url: str, secret: str, *, path: str = "/slack/events", timeout: float = 10.0
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"SlackHTTP needs an http://host:port base URL, got {base_url!r}")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.secret = secret
        self.path = path
        self.timeout = timeout

    def post(
        self,
        path: str = "/slack/events",
        body: bytes | str = b"",
        content_type: str | None = None,
        *,
        timestamp: int | str | None = None,
        bad_signature: bool = False,
        retry_num: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """POST ``body`` byte for byte, signed; returns (status, headers, raw body).

        ``bad_signature`` signs with the wrong secret; ``timestamp`` (e.g. now - 301) makes a
        stale request; ``headers`` adds or replaces headers after signing.
        """
        raw = _to_bytes(body)
        secret = self.secret + "-wrong" if bad_signature else self.secret
        request_headers = signed_headers(
            secret, raw, timestamp=timestamp, content_type=content_type, retry_num=retry_num
        )
        request_headers.update(headers or {})
        request_headers["Content-Length"] = str(len(raw))
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request("POST", self.prefix + path, body=raw, headers=request_headers)
            response = conn.getresponse()
            data = response.read()
            response_headers = {k.lower(): v for k, v in response.getheaders()}
            return response.status, response_headers, data
        finally:
            conn.close()

    def _send(self, body: str, content_type: str, **kw: Any) -> tuple[int, Any]:
        status, headers, data = self.post(self.path, body, content_type, **kw)
        return status, _parse(data, headers.get("content-type", ""))

    def command(
        self,
        command: str,
        text: str = "",
        *,
        timestamp: int | str | None = None,
        bad_signature: bool = False,
        **fields: Any,
    ) -> tuple[int, Any]:
        """Send a slash command (``fields`` go to ``slash_command_body``)."""
        body = slash_command_body(command, text, **fields)
        return self._send(body, FORM, timestamp=timestamp, bad_signature=bad_signature)

    def action(
        self,
        payload: Mapping[str, Any],
        *,
        timestamp: int | str | None = None,
        bad_signature: bool = False,
    ) -> tuple[int, Any]:
        """Send any interactivity payload (block_actions, message_action, block_suggestion...)."""
        body = interactive_body(payload)
        return self._send(body, FORM, timestamp=timestamp, bad_signature=bad_signature)

    def submit(
        self,
        payload: Mapping[str, Any],
        *,
        timestamp: int | str | None = None,
        bad_signature: bool = False,
    ) -> tuple[int, Any]:
        """Send a view_submission (or view_closed) payload."""
        return self.action(payload, timestamp=timestamp, bad_signature=bad_signature)

    def event(
        self,
        event: Mapping[str, Any],
        *,
        retry_num: int | None = None,
        timestamp: int | str | None = None,
        bad_signature: bool = False,
        **envelope: Any,
    ) -> tuple[int, Any]:
        """Send an Events API event (``envelope`` goes to ``event_body``: team_id, event_id,
        event_time); ``retry_num`` marks it as Slack's n-th redelivery."""
        body = event_body(event, **envelope)
        return self._send(
            body, JSON, timestamp=timestamp, bad_signature=bad_signature, retry_num=retry_num
        )


def _parse(data: bytes, content_type: str) -> Any:
    """JSON if the body parses as JSON, else the decoded text (``""`` for an empty body)."""
    text = data.decode("utf-8", errors="replace")
    if text.strip() and ("json" in content_type or text.lstrip()[:1] in ("{", "[")):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text
