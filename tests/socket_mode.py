"""A local Socket Mode endpoint for tests: what Slack's WebSocket side does, on loopback.

`FakeSocketMode(slack)` serves `ws://127.0.0.1:<port>/link/` and makes the fake Web API answer
`apps.connections.open` with that URL (for an `xapp-` token; a token in
`slack.refused_tokens` gets `invalid_auth`). Each new connection gets `hello`
(as `socket_mode_hello.json`); `send()` pushes an envelope (slash command, interaction or event)
to the newest connection and `ack()` waits for the app's answer to it; `refresh()` sends
`disconnect` with `refresh_requested`, as Slack does before it rotates its servers, and
`drop()` closes the connection without a word, as a network failure does.

The server is the `websockets` library's (dev dependency): the handshake, framing, pings and
close codes are what a real WebSocket peer does, which a hand-written server would only
approximate; slack_sdk's built-in client (the one Bolt's SocketModeHandler uses) talks to it
unchanged, over plain ws:// on a port other than 443.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from bot.standin.fake_slack import APP_ID, FakeSlack

APP_TOKEN = "xapp-1-A0FAKE0001-0000-not-a-real-app-token"


class FakeSocketMode:
    """Slack's Socket Mode side on loopback; see the module docstring."""

    def __init__(self, slack: FakeSlack) -> None:
        self.slack = slack
        self.connections: list[ServerConnection] = []
        self.closed = 0  # connections closed (by either side)
        self.answers: dict[str, tuple[float, dict[str, Any]]] = {}  # envelope id: (when, body)
        self._sent: dict[str, float] = {}
        self._changed = threading.Condition()
        self._server: Server | None = None

    def start(self) -> FakeSocketMode:
        self._server = serve(self._session, "127.0.0.1", 0, ping_interval=None)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        port = self._server.socket.getsockname()[1]
        url = f"ws://127.0.0.1:{port}/link/?ticket={uuid.uuid4()}&app_id={APP_ID}"
        self.slack.set_response("apps.connections.open", {"url": url})
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()

    def _session(self, ws: ServerConnection) -> None:
        with self._changed:
            self.connections.append(ws)
            self._changed.notify_all()
        ws.send(json.dumps(_hello(len(self.connections))))
        try:
            for raw in ws:
                message = json.loads(raw)
                with self._changed:
                    self.answers[message["envelope_id"]] = (time.monotonic(), message)
                    self._changed.notify_all()
        except ConnectionClosed:
            pass
        with self._changed:
            self.closed += 1
            self._changed.notify_all()

    def wait_connections(self, count: int, timeout: float = 30) -> None:
        """Until `count` connections were opened (the first, then each reconnection)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.connections) >= count, timeout):
                raise AssertionError(f"{len(self.connections)} connection(s), wanted {count}")

    def wait_closed(self, count: int, timeout: float = 30) -> None:
        """Until `count` connections were closed."""
        with self._changed:
            if not self._changed.wait_for(lambda: self.closed >= count, timeout):
                raise AssertionError(f"{self.closed} connection(s) closed, wanted {count}")

    def send(self, kind: str, payload: dict[str, Any], *, response: bool = False) -> str:
        """An envelope of `kind` (slash_commands, interactive, events_api) on the newest
        connection; its envelope id."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": response,
        }
        if kind == "events_api":
            envelope["retry_attempt"], envelope["retry_reason"] = 0, ""
        self._sent[envelope_id] = time.monotonic()
        self.connections[-1].send(json.dumps(envelope))
        return envelope_id

    def ack(self, envelope_id: str, timeout: float = 10) -> tuple[float, dict[str, Any]]:
        """The app's answer to an envelope and the seconds it took."""
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self.answers, timeout):
                raise AssertionError(f"no ack for envelope {envelope_id} in {timeout} s")
            when, message = self.answers[envelope_id]
        return when - self._sent[envelope_id], message

    def refresh(self) -> None:
        """Slack's notice before it closes a connection: the app opens a new one."""
        message = {"type": "disconnect", "reason": "refresh_requested", "debug_info": {}}
        self.connections[-1].send(json.dumps(message))

    def drop(self) -> None:
        """Close the newest connection without a disconnect notice."""
        self.connections[-1].close()


def _hello(count: int) -> dict[str, Any]:
    return {
        "type": "hello",
        "num_connections": count,
        "debug_info": {"host": "applink-fake-1", "approximate_connection_time": 3600},
        "connection_info": {"app_id": APP_ID},
    }
