"""The demo's stage: the real app over loopback HTTP, the Slack stand-in, and a transcript."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot.app import create_app
from bot.config import load_settings
from bot.delivery import ChannelPacer
from bot.demo.render import builder_link, mrkdwn_to_text, render_message
from bot.runtime import Runtime, build_runtime
from bot.standin.fake_slack import Call, FakeSlack
from bot.standin.signing import SlackHTTP
from bot.wsgi import make_wsgi
from storage.db import make_engine
from storage.migrate import upgrade

SECRET = "demo-signing-secret-not-a-real-one"
TOKEN = "xoxb-demo-not-a-real-token"
TEAM = "T0FAKE0001"
QUIET_METHODS = {
    "auth.test",
    "users.info",
    "conversations.info",
    "files.getUploadURLExternal",
    "upload",
    "chat.getPermalink",
    "conversations.members",
}


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role})"


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Stage:
    """Starts everything, sends signed requests as people, and prints what each person sees."""

    def __init__(self, workdir: Path, out: Callable[[str], None]) -> None:
        self.workdir = workdir
        self.out = out
        self.db_path = workdir / "lockstep-demo.db"
        self.names: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self._seen = 0

    def start(self, people: list[Person], channels: dict[str, str], admins: list[str]) -> None:
        self.slack = FakeSlack().start()
        for person in people:
            self.names[person.id] = person.name
            self.slack.users[person.id] = {"real_name": person.name, "name": person.name.lower()}
        self.names.update(channels)
        if self.db_path.exists():
            self.db_path.unlink()
        url = f"sqlite:///{self.db_path}"
        upgrade(make_engine(url))
        settings = load_settings({
            "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_BASE_URL": self.slack.base_url, "DATABASE_URL": url,
            "LOCKSTEP_ADMINS": ",".join(admins), "LOG_LEVEL": "WARNING",
        })  # fmt: skip
        self.runtime: Runtime = build_runtime(settings)
        self.runtime.outbox.pacer = ChannelPacer(0)  # the stand-in has no rate limits to respect
        self.app = create_app(settings, runtime=self.runtime)
        self.server = make_server("127.0.0.1", 0, make_wsgi(self.app), _Server, _Quiet)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.http = SlackHTTP(f"http://127.0.0.1:{self.server.server_port}", SECRET)
        self.settle()
        self._seen = len(self.slack.calls)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.slack.stop()
        self.runtime.engine.dispose()

    # ---------------------------------------------------------------- acting as people
    def scene(self, title: str) -> None:
        self.out("")
        self.out(f"━━ {title} " + "━" * max(0, 70 - len(title)))

    def command(self, who: Person, command: str, text: str = "", **fields: Any) -> Any:
        typed = mrkdwn_to_text(text, self.names)
        self.out(f"▶ {who.label} types: {command} {typed}".rstrip())
        status, body = self.http.command(command, text, user_id=who.id, team_id=TEAM, **fields)
        self._show_reply(who, status, body)
        self.show_new()
        return body

    def interact(self, who: Person, what: str, payload: dict[str, Any]) -> Any:
        self.out(f"▶ {who.label} {what}")
        status, body = self.http.action(payload)
        self._show_reply(who, status, body)
        self.show_new()
        return body

    def event(self, description: str, event: dict[str, Any]) -> None:
        self.out(f"▶ {description}")
        self.http.event(event, team_id=TEAM)
        self.show_new()

    def note(self, text: str) -> None:
        self.out(f"  ({text})")

    # ---------------------------------------------------------------- what people see
    def _show_reply(self, who: Person, status: int, body: Any) -> None:
        if status != 200:
            self.out(f"  ✗ HTTP {status}")
        elif isinstance(body, dict) and body.get("response_action") == "errors":
            for field, message in body.get("errors", {}).items():
                self.out(f"  ⚠ {who.name} sees in the form ({field}): {message}")
        elif isinstance(body, dict) and (body.get("blocks") or body.get("text")):
            self.out(f"  👁  only {who.name} sees:")
            self._print_lines(render_message(body, self.names))

    def settle(self, quiet_for: float = 0.15, timeout: float = 5.0) -> None:
        """Wait until lazy listeners and the outbox stop calling the stand-in."""
        deadline = time.monotonic() + timeout
        count, since = len(self.slack.calls), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.03)
            now_count = len(self.slack.calls)
            if now_count != count:
                count, since = now_count, time.monotonic()
            elif time.monotonic() - since >= quiet_for:
                return

    def new_calls(self) -> list[Call]:
        self.settle()
        calls = self.slack.calls[self._seen :]
        self._seen += len(calls)
        return calls

    def show_new(self) -> list[Call]:
        calls = self.new_calls()
        for call in calls:
            self._show_call(call)
        return calls

    def _where(self, channel: str) -> str:
        if channel.startswith(("U", "W", "D")):
            return f"DM to {self.names.get(channel, channel)}"
        return f"#{self.names.get(channel, channel)}"

    def _show_call(self, call: Call) -> None:
        p = call.params
        if call.method in QUIET_METHODS or call.status != 200:
            return
        if call.method in ("chat.postMessage", "chat.postEphemeral"):
            self.out(f"  ✉  {self._where(str(p.get('channel', '')))}:")
            self._print_lines(render_message(p, self.names))
        elif call.method == "chat.update":
            self.out(f"  ↻  updated in place in {self._where(str(p.get('channel', '')))}:")
            self._print_lines(render_message(p, self.names))
        elif call.method in ("views.open", "views.push", "views.update"):
            view = call.json("view") or {}
            title = (view.get("title") or {}).get("text", "")
            user = self.names.get(str(p.get("user_id", "")), "the person")
            self.out(f"  ⧉  a form opens: “{title}”")
            del user
        elif call.method == "views.publish":
            self.out(f"  ⌂  Home tab refreshed for {self.names.get(str(p.get('user_id')), '?')}")
        elif call.method == "files.completeUploadExternal":
            self.out("  📎 chart image uploaded with it")
        elif call.method == "response_url":
            self.out("  👁  reply:")
            self._print_lines(render_message(p, self.names))

    def _print_lines(self, lines: list[str]) -> None:
        for line in lines:
            self.out(f"     │ {line}")

    def keep_link(self, name: str, blocks: list[dict[str, Any]]) -> None:
        self.links[name] = builder_link(blocks)
