"""A fake Slack Web API for tests (stdlib only).

Start it, point ``slack_sdk.WebClient(base_url=fake.base_url, token="xoxb-...")`` (or a Bolt
``App(client=...)``) at it, then assert on ``fake.calls``::

    with FakeSlack() as fake:
        client = WebClient(base_url=fake.base_url, token="xoxb-test")
        client.chat_postMessage(channel="C0FAKE0001", text="hi")
        (call,) = fake.wait_for("chat.postMessage")
        assert call.params["text"] == "hi"

Paths served on ``fake.url``:

- ``/api/<method>`` (GET or POST; form, JSON or query-string parameters): canned, realistic
  successes (see ``_success``), ``{"ok": true}`` for any other method.
- ``/upload/<file_id>``: the ``upload_url`` handed out by ``files.getUploadURLExternal``;
  recorded as method ``"upload"`` (raw bytes in ``Call.body``), answered ``OK - <n bytes>``.
- ``/response/<n>``: URLs from ``new_response_url()``; recorded as method ``"response_url"``.

Every request is recorded *before* it is answered (so ``wait_for`` sees a call that is still
being slowed down), including the ones answered with an injected fault.  Tokens are recorded
in ``Call.headers`` but redacted from every ``repr`` and every assertion message.
"""

from __future__ import annotations

import copy
import itertools
import json
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

TEAM_ID = "T0FAKE0001"
TEAM_NAME = "Fake Workspace"
TEAM_DOMAIN = "fake-workspace"
BOT_USER_ID = "U0FAKEBOT1"
BOT_ID = "B0FAKE0001"
APP_ID = "A0FAKE0001"
DEFAULT_SCOPES: tuple[str, ...] = ("chat:write", "commands", "reactions:read", "users:read")
DEFAULT_MEMBERS: tuple[str, ...] = ("U0FAKE0001", "U0FAKE0002", BOT_USER_ID)

SERVER_ERROR_HTML = (
    "<!DOCTYPE html><html><head><title>Server Error | Slack</title></head><body>...</body></html>"
)
_JSON_TYPE = "application/json; charset=utf-8"
DROPPED = 0  # Call.status of a call whose connection drop() closed without an answer
_UNAUTHENTICATED_METHODS = frozenset({"api.test", "oauth.access", "oauth.v2.access"})
_SENSITIVE_PARAMS = frozenset({"token", "client_secret"})


class Headers(dict[str, str]):
    """A ``dict`` whose keys are stored lower-case and looked up case-insensitively."""

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        super().__init__()
        for key, value in (items or {}).items():
            self[key] = value

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key.lower(), value)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


def _redacted_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        k: ("<redacted>" if k.lower() in ("authorization", "cookie") else v)
        for k, v in headers.items()
    }


def _redacted_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: ("<redacted>" if k in _SENSITIVE_PARAMS else v) for k, v in params.items()}


@dataclass(repr=False)
class Call:
    """One request received by the fake.

    ``params`` holds the decoded parameters: form fields (``str``; a ``list[str]`` for a repeated
    key), or the JSON body's top-level object (values keep their JSON types), plus the query
    string.  Form fields that carry JSON (``blocks``, ``view``, ``files``...) stay strings: use
    ``call.json("blocks")``.  ``headers`` has lower-case keys and case-insensitive lookups.
    """

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    path: str
    time: float
    body: bytes = b""
    http_method: str = "POST"
    status: int = 200
    path_id: str | None = None
    response: dict[str, Any] = field(
        default_factory=dict
    )  # what the fake answered (JSON)  # the <id> of /upload/<id> and /response/<id>

    def json(self, key: str) -> Any:
        """``params[key]`` parsed from JSON if it is a string, else as-is (KeyError if absent)."""
        value = self.params[key]
        if isinstance(value, str | bytes):
            return json.loads(value)
        return value

    @property
    def token(self) -> str | None:
        """The bearer token (or ``token`` parameter) the caller sent, if any."""
        auth = self.headers.get("authorization") or ""
        if auth.lower().startswith("bearer "):
            return str(auth[7:].strip())
        token = self.params.get("token")
        return token if isinstance(token, str) else None

    def __repr__(self) -> str:
        return (
            f"Call(method={self.method!r}, status={self.status}, path={self.path!r}, "
            f"params={_redacted_params(self.params)!r}, "
            f"headers={_redacted_headers(self.headers)!r})"
        )


@dataclass
class _Fault:
    remaining: int  # -1 = forever
    status: int = 200
    body: str = ""
    content_type: str = _JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    gate: threading.Event | None = None

    def take(self) -> bool:
        """Consume one use; returns False when this fault is used up."""
        if self.remaining == 0:
            return False
        if self.remaining > 0:
            self.remaining -= 1
        return True


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    gate: threading.Event | None = None


def _check_times(times: int) -> None:
    if times == 0 or times < -1:
        raise ValueError("times must be positive or -1 (forever)")


def _make_fault(
    times: int, status: int, retry_after: int | None, error: str | None, body: str | None
) -> _Fault:
    if status == 200 and error is None and body is None:
        raise ValueError("fail(status=200) needs error=..., e.g. 'channel_not_found'")
    headers: dict[str, str] = {}
    content_type = _JSON_TYPE
    if status == 429:
        text = json.dumps({"ok": False, "error": error or "ratelimited"})
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
    elif status >= 500:
        text = SERVER_ERROR_HTML
        content_type = "text/html"
    else:
        text = json.dumps({"ok": False, "error": error or f"http_{status}"})
    if body is not None:
        text = body
        content_type = _JSON_TYPE if body.lstrip().startswith("{") else "text/html"
    return _Fault(times, status, text, content_type, headers)


def _deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _maybe_json(value: Any) -> Any:
    """Parse JSON strings (as form params carry them); return anything else unchanged."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if "chunked" in (handler.headers.get("Transfer-Encoding") or "").lower():
        chunks: list[bytes] = []
        while True:
            size_line = handler.rfile.readline()
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()
                break
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
        return b"".join(chunks)
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length > 0 else b""


def _decode_params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    params: dict[str, Any] = {}

    def add_form(text: str) -> None:
        for key, values in parse_qs(text, keep_blank_values=True).items():
            params[key] = values[0] if len(values) == 1 else values

    if query:
        add_form(query)
    if not body:
        return params
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type or (not content_type and text.lstrip().startswith("{")):
        try:
            decoded = json.loads(text)
        except ValueError:
            return params
        if isinstance(decoded, dict):
            params.update(decoded)
        else:
            params["_json"] = decoded
    elif "x-www-form-urlencoded" in content_type or not content_type:
        add_form(text)
    return params


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: a burst of posts from the outbox, lazy
    # listeners and the scheduler overflowed it (a reset connection, seen once in CI).
    request_queue_size = 128

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Stay quiet (clients that time out on slow() answers close the socket) but keep a
        # trace of real bugs for debugging.
        import traceback

        self.fake.errors.append(traceback.format_exc(limit=5))


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "FakeSlack/1.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, http_method: str) -> None:
        body = _read_body(self) if http_method == "POST" else b""
        headers = Headers(dict(self.headers.items()))
        reply = self.server.fake._dispatch(http_method, self.path, headers, body)
        if reply.delay > 0:
            self.server.fake._stopping.wait(reply.delay)
        stopping = self.server.fake._stopping
        while reply.gate is not None and not reply.gate.wait(0.02) and not stopping.is_set():
            pass  # held: answered once the test releases it (or the fake stops)
        if reply.status == DROPPED:
            self.close_connection = True  # no answer at all: the client sees RemoteDisconnected
            return
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


class FakeSlack:
    """A fake Slack Web API on ``127.0.0.1:<random port>``; see the module docstring."""

    def __init__(self) -> None:
        self.scopes: list[str] = list(DEFAULT_SCOPES)
        self.members: list[str] = list(DEFAULT_MEMBERS)  # conversations.members
        self.users: dict[str, dict[str, Any]] = {}  # users.info overrides per user id
        self.require_auth: bool = True  # answer not_authed/invalid_auth like Slack
        self.refused_tokens: set[str] = set()  # answered invalid_auth (a revoked or bad token)
        self.errors: list[str] = []  # tracebacks of exceptions inside the fake itself
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._flaky: dict[str, tuple[float, tuple[int, ...], int, random.Random]] = {}
        self._slow: dict[str, list[_Fault]] = {}
        self._held: dict[str, list[_Fault]] = {}
        self._overrides: dict[str, dict[str, Any]] = {}
        self._files: dict[str, dict[str, Any]] = {}
        self._ts_counter = itertools.count(601)
        self._id_counter = itertools.count(1)
        self._response_counter = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"FakeSlack:{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()  # wake handlers sleeping in slow()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started: call start() first")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The ``base_url`` for ``WebClient``: ends in ``/api/`` as slack_sdk's urljoin needs."""
        return f"{self.url}/api/"

    # ----------------------------------------------------------------- inspection
    @property
    def calls(self) -> list[Call]:
        """A snapshot of every recorded call, in arrival order."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def responses(self, url: str | None = None) -> list[Call]:
        """POSTs to ``new_response_url()`` URLs (all of them, or those to ``url``)."""
        calls = self.calls_to("response_url")
        if url is None:
            return calls
        wanted = urlsplit(url).path
        return [c for c in calls if c.path == wanted]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Poll until at least ``count`` calls to ``method`` (matching ``where``) are recorded.

        Returns all the matching calls.  Raises AssertionError listing what was recorded.
        """
        deadline = time.monotonic() + timeout
        while True:
            matching = [c for c in self.calls_to(method) if where is None or where(c)]
            if len(matching) >= count:
                return matching
            if time.monotonic() >= deadline:
                raise AssertionError(self._describe_timeout(method, count, timeout, matching))
            time.sleep(0.005)

    def _describe_timeout(
        self, method: str, count: int, timeout: float, matching: list[Call]
    ) -> str:
        calls = self.calls
        lines = [
            f"FakeSlack: expected at least {count} call(s) to {method!r}"
            f" within {timeout:g}s, got {len(matching)} matching"
            f" ({len(self.calls_to(method))} to {method!r} in all)."
            f" {len(calls)} call(s) recorded:"
        ]
        for index, call in enumerate(calls):
            params = json.dumps(_redacted_params(call.params), default=str, ensure_ascii=False)
            if len(params) > 300:
                params = params[:300] + "..."
            lines.append(f"  {index:3d}. {call.method} -> {call.status} {params}")
        if self.errors:
            lines.append(f"  (the fake itself raised {len(self.errors)} error(s))")
        return "\n".join(lines)

    # ----------------------------------------------------------------- configuration
    def reset(self) -> None:
        """Forget calls, faults, slowness, response overrides and per-user overrides; restore
        default ``scopes``/``members``.  Ids and ts values keep increasing (never reused)."""
        with self._lock:
            self._calls.clear()
            self._faults.clear()
            self._flaky.clear()
            self._slow.clear()
            self._held.clear()
            self._overrides.clear()
            self._files.clear()
            self.users.clear()
            self.errors.clear()
            self.scopes = list(DEFAULT_SCOPES)
            self.members = list(DEFAULT_MEMBERS)
            self.require_auth = True

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        error: str | None = None,
        body: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls to ``method`` (-1: all of them) with a failure.

        - ``status=429``: ``Retry-After: <retry_after>`` (omitted if None) and
          ``{"ok": false, "error": "ratelimited"}``.
        - ``status>=500``: Slack's HTML error page (``text/html``), as a real 500/503 does.
        - ``status=200``: ``{"ok": false, "error": error}`` (``error`` is required).
        - other statuses: ``{"ok": false, "error": error or "http_<status>"}``.

        ``body`` replaces the body text in every case.  Faults queue up per method (FIFO).
        ``method`` may also be ``"upload"`` or ``"response_url"``.
        """
        _check_times(times)
        fault = _make_fault(times, status, retry_after, error, body)
        with self._lock:
            self._faults.setdefault(method, []).append(fault)

    def flaky(
        self,
        method: str,
        rate: float,
        statuses: tuple[int, ...] = (429, 503),
        *,
        retry_after: int = 1,
        seed: int = 7,
    ) -> None:
        """From now on, answer a random `rate` share of calls to `method` with one of `statuses`
        (reproducible with `seed`); rate 0 turns it off."""
        rng = random.Random(seed)
        with self._lock:
            if rate <= 0:
                self._flaky.pop(method, None)
            else:
                self._flaky[method] = (rate, statuses, retry_after, rng)

    def drop(self, method: str, times: int = 1) -> None:
        """Close the next ``times`` connections calling ``method`` (-1: all) without an answer,
        as a dropped connection does: the client gets ``RemoteDisconnected`` and may retry.

        The call is recorded with ``status`` 0."""
        _check_times(times)
        with self._lock:
            self._faults.setdefault(method, []).append(_Fault(times, status=DROPPED))

    def slow(self, method: str, seconds: float, times: int = 1) -> None:
        """Delay the answer to the next ``times`` calls to ``method`` (-1: all) by ``seconds``.

        The call is recorded on arrival; ``stop()`` cuts pending delays short."""
        _check_times(times)
        with self._lock:
            self._slow.setdefault(method, []).append(_Fault(times, delay=seconds))

    def hold(self, method: str, times: int = 1) -> threading.Event:
        """Answer the next ``times`` calls to ``method`` (-1: all) only once the returned event
        is set (or the fake stops): a test runs something while Slack has such a call in hand.

        The call is recorded on arrival, so ``wait_for`` sees it while it is held."""
        _check_times(times)
        gate = threading.Event()
        with self._lock:
            self._held.setdefault(method, []).append(_Fault(times, gate=gate))
        return gate

    def set_response(self, method: str, body: Mapping[str, Any]) -> None:
        """Deep-merge ``body`` over the canned success body of ``method`` from now on."""
        with self._lock:
            self._overrides[method] = _deep_merge(self._overrides.get(method, {}), body)

    def new_response_url(self) -> str:
        """A fresh ``response_url`` served by this fake: ``{url}/response/<n>``."""
        return f"{self.url}/response/{next(self._response_counter)}"

    # ----------------------------------------------------------------- request handling
    def _next_ts(self) -> str:
        n = 1_700_000_100_000_000 + next(self._ts_counter)
        return f"{n // 1_000_000}.{n % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}0FAKE{next(self._id_counter):05d}"

    def _take(self, table: dict[str, list[_Fault]], method: str) -> _Fault | None:
        queue = table.get(method)
        while queue:
            fault = queue[0]
            if fault.take():
                if fault.remaining == 0:
                    queue.pop(0)
                return fault
            queue.pop(0)
        return None

    def _dispatch(self, http_method: str, raw_path: str, headers: Headers, body: bytes) -> _Reply:
        parts = urlsplit(raw_path)
        path = parts.path
        content_type = (headers.get("content-type") or "").lower()
        path_id: str | None = None
        if path.startswith("/api/"):
            method = path[len("/api/") :]
            params = _decode_params(parts.query, body, content_type)
        elif m := re.fullmatch(r"/upload/([^/]+)", path):
            method, path_id = "upload", m.group(1)
            params = {"file_id": path_id, "length": len(body)}
        elif m := re.fullmatch(r"/response/([^/]+)", path):
            method, path_id = "response_url", m.group(1)
            params = _decode_params(parts.query, body, content_type or "application/json")
        else:
            method, params = path, {}

        call = Call(
            method=method,
            params=params,
            headers=headers,
            path=path,
            time=time.time(),
            body=body,
            http_method=http_method,
            path_id=path_id,
        )
        with self._lock:
            slow = self._take(self._slow, method)
            held = self._take(self._held, method)
            fault = self._take(self._faults, method) or self._roll_flaky(method)
            if fault is not None and fault.status == DROPPED:
                reply = _Reply(DROPPED, b"", "")
            elif fault is not None:
                reply = _Reply(
                    fault.status, fault.body.encode(), fault.content_type, dict(fault.headers)
                )
            else:
                reply = self._answer(call)
            reply.delay = slow.delay if slow is not None else 0.0
            reply.gate = held.gate if held is not None else None
            call.status = reply.status
            if reply.content_type.startswith("application/json"):
                call.response = json.loads(reply.body or b"{}")
            self._calls.append(call)
        return reply

    def _roll_flaky(self, method: str) -> _Fault | None:
        """A random failure for a flaky method (called with the lock held)."""
        setting = self._flaky.get(method)
        if setting is None:
            return None
        rate, statuses, retry_after, rng = setting
        if rng.random() >= rate:
            return None
        return _make_fault(1, rng.choice(statuses), retry_after, None, None)

    def _answer(self, call: Call) -> _Reply:
        """The non-fault answer (called with the lock held)."""
        if call.method == "upload":
            return _Reply(200, f"OK - {len(call.body)}".encode(), "text/plain; charset=utf-8")
        if call.method == "response_url":
            return _Reply(200, b'{"ok":true}', _JSON_TYPE)
        if not call.path.startswith("/api/"):
            body = json.dumps({"ok": False, "error": "unknown_path"}).encode()
            return _Reply(404, body, _JSON_TYPE)

        headers: dict[str, str] = {}
        auth_error = self._auth_error(call)
        if auth_error is not None:
            data: dict[str, Any] = {"ok": False, "error": auth_error}
        else:
            data = self._success(call.method, call.params)
            if call.method in self._overrides:
                data = _deep_merge(data, self._overrides[call.method])
            # Slack sends the token's scopes on every authenticated answer; Bolt reads them
            # from auth.test (lower-case name: SlackResponse.headers is a plain dict).
            headers["x-oauth-scopes"] = ",".join(self.scopes)
        return _Reply(200, json.dumps(data).encode(), _JSON_TYPE, headers)

    def _auth_error(self, call: Call) -> str | None:
        if not self.require_auth or call.method in _UNAUTHENTICATED_METHODS:
            return None
        token = call.token
        if not token:
            return "not_authed"
        if token in self.refused_tokens:
            return "invalid_auth"
        # apps.connections.open takes the app-level token (xapp-), every other method a bot
        # or user token (xox.-).
        expected = "xapp-" if call.method == "apps.connections.open" else "xox"
        if not token.startswith(expected):
            return "invalid_auth"
        return None

    def _message(self, channel: str, ts: str, params: Mapping[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "bot_id": BOT_ID,
            "type": "message",
            "text": params.get("text", ""),
            "user": BOT_USER_ID,
            "ts": ts,
            "app_id": APP_ID,
            "team": TEAM_ID,
        }
        for key in ("blocks", "attachments", "metadata"):
            if key in params:
                message[key] = _maybe_json(params[key])
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        return message

    @staticmethod
    def _channel_for(channel: str) -> str:
        # Posting to a user id goes to the DM with that user: Slack answers with the D... id.
        if channel[:1] in ("U", "W"):
            return "D" + channel[1:]
        return channel

    def _view(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        view = _maybe_json(params.get("view", {}))
        if not isinstance(view, dict):
            view = {}
        view_id = params.get("view_id") or self._next_id("V")
        default_type = "home" if method == "views.publish" else "modal"
        result: dict[str, Any] = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": view.get("type", default_type),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{view_id}",
            "title": view.get("title"),
            "clear_on_close": view.get("clear_on_close", False),
            "notify_on_close": view.get("notify_on_close", False),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "external_id": params.get("external_id") or view.get("external_id", ""),
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        return result

    def _success(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """The canned success body of ``method`` for these request ``params``."""
        channel = str(params.get("channel") or params.get("channel_id") or "C0FAKE0001")
        if method == "auth.test":
            return {
                "ok": True,
                "url": f"https://{TEAM_DOMAIN}.slack.com/",
                "team": TEAM_NAME,
                "user": "fakebot",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            ts = self._next_ts()
            channel = self._channel_for(channel)
            return {
                "ok": True,
                "channel": channel,
                "ts": ts,
                "message": self._message(channel, ts, params),
            }
        if method == "chat.update":
            ts = str(params.get("ts", ""))
            message = self._message(channel, ts, params)
            message.pop("ts")
            return {
                "ok": True,
                "channel": channel,
                "ts": ts,
                "text": params.get("text", ""),
                "message": message,
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "chat.delete":
            return {"ok": True, "channel": channel, "ts": params.get("ts", "")}
        if method == "chat.getPermalink":
            ts = str(params.get("message_ts", ""))
            return {
                "ok": True,
                "channel": channel,
                "permalink": (
                    f"https://{TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
                ),
            }
        if method == "chat.scheduleMessage":
            ts = self._next_ts()
            return {
                "ok": True,
                "channel": channel,
                "scheduled_message_id": self._next_id("Q"),
                "post_at": int(params.get("post_at") or 0),
                "message": self._message(channel, ts, params),
            }
        if method in ("views.open", "views.publish", "views.update", "views.push"):
            return {"ok": True, "view": self._view(method, params)}
        if method == "users.info":
            user_id = str(params.get("user", "U0FAKE0001"))
            name = f"user.{user_id.lower()}"
            user: dict[str, Any] = {
                "id": user_id,
                "team_id": TEAM_ID,
                "name": name,
                "deleted": False,
                "real_name": f"User {user_id}",
                "tz": "America/New_York",
                "tz_label": "Eastern Standard Time",
                "tz_offset": -18000,
                "is_admin": False,
                "is_owner": False,
                "is_bot": user_id == BOT_USER_ID,
                "is_app_user": False,
                "updated": 1700000000,
                "profile": {
                    "real_name": f"User {user_id}",
                    "display_name": name,
                    "email": f"{name}@example.com",
                    "team": TEAM_ID,
                },
            }
            if user_id in self.users:
                user = _deep_merge(user, self.users[user_id])
            return {"ok": True, "user": user}
        if method == "conversations.open":
            users = str(params.get("users") or params.get("channel") or "U0FAKE0001")
            first = users.split(",")[0].strip()
            return {
                "ok": True,
                "no_op": False,
                "already_open": False,
                "channel": {"id": "D" + first[1:]},
            }
        if method == "conversations.info":
            return {
                "ok": True,
                "channel": {
                    "id": channel,
                    "name": "general" if channel == "C0FAKE0001" else channel.lower(),
                    "is_channel": channel.startswith("C"),
                    "is_group": False,
                    "is_im": channel.startswith("D"),
                    "is_private": channel.startswith("G"),
                    "is_archived": False,
                    "is_member": True,
                    "created": 1700000000,
                    "context_team_id": TEAM_ID,
                },
            }
        if method == "conversations.members":
            return {
                "ok": True,
                "members": list(self.members),
                "response_metadata": {"next_cursor": ""},
            }
        if method == "files.getUploadURLExternal":
            file_id = self._next_id("F")
            self._files[file_id] = {"name": params.get("filename", "")}
            return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = _maybe_json(params.get("files", "[]"))
            described = []
            for item in files if isinstance(files, list) else []:
                file_id = str(item.get("id", ""))
                name = self._files.get(file_id, {}).get("name", "")
                described.append(
                    {
                        "id": file_id,
                        "title": item.get("title") or name,
                        "name": name,
                        "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/{BOT_USER_ID}/"
                        f"{file_id}/{name}",
                    }
                )
            return {"ok": True, "files": described}
        return {"ok": True}
