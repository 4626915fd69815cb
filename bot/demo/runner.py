"""The demo's stage: the real app over loopback HTTP, the Slack stand-in, and a transcript."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler, RetryState
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

from bot.demo.render import builder_link, mrkdwn_to_text, render_message
from bot.platform.config import load_settings
from bot.platform.delivery import ChannelPacer
from bot.platform.runtime import Runtime, build_runtime
from bot.standin.fake_slack import Call, FakeSlack
from bot.standin.signing import (
    SlackHTTP,
    block_action_payload,
    message_action_payload,
    view_submission_payload,
)
from bot.system.app import create_app
from bot.system.wsgi import make_wsgi
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


def _block_text(block: dict[str, Any]) -> str:
    return str((block.get("text") or {}).get("text", ""))


def _find_element(
    blocks: list[dict[str, Any]], action_id: str, after: str = ""
) -> dict[str, Any] | None:
    """The first element `action_id`, in or below the first block whose text contains `after`."""
    if after:
        starts = [i for i, b in enumerate(blocks) if after in _block_text(b)]
        blocks = blocks[starts[0] :] if starts else []
    for block in blocks:
        candidates = list(block.get("elements", []))
        if block.get("accessory"):
            candidates.append(block["accessory"])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return {**element, "_block_id": block.get("block_id", "b")}
    return None


def _posted_channel(call: Call) -> str:
    """DMs are posted to a user id; the message lives in the DM channel Slack answers with."""
    return str(call.response.get("channel") or call.params.get("channel", ""))


def _state(element: dict[str, Any], answer: str | None) -> dict[str, Any]:
    """view.state value for one input element, as Slack would send it."""
    kind = element["type"]
    initial = element.get("initial_option")
    if kind in ("static_select", "external_select"):
        options = element.get("options") or [
            o for g in element.get("option_groups", []) for o in g.get("options", [])
        ]
        chosen = next((o for o in options if o["value"] == answer), None) if answer else None
        if chosen is None and answer and kind == "external_select":
            chosen = {"text": {"type": "plain_text", "text": answer}, "value": answer}
        return {"type": kind, "selected_option": chosen or initial}
    if kind == "datepicker":
        return {"type": kind, "selected_date": answer or element.get("initial_date")}
    if kind == "timepicker":
        return {"type": kind, "selected_time": answer or element.get("initial_time")}
    if kind == "users_select":
        return {"type": kind, "selected_user": answer or element.get("initial_user")}
    if kind == "multi_users_select":
        users = answer.split(",") if answer else element.get("initial_users", [])
        return {"type": kind, "selected_users": users}
    if kind in ("conversations_select", "channels_select"):
        key = "selected_conversation" if kind == "conversations_select" else "selected_channel"
        return {"type": kind, key: answer or element.get("initial_conversation")}
    if kind in ("checkboxes", "multi_static_select"):
        picked = [
            o for o in element.get("options", []) if answer and o["value"] in answer.split(",")
        ]
        return {"type": kind, "selected_options": picked}
    if kind == "radio_buttons":
        chosen = next((o for o in element.get("options", []) if o["value"] == answer), None)
        return {"type": kind, "selected_option": chosen or initial}
    return {"type": kind, "value": answer if answer is not None else element.get("initial_value")}


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's default backlog of 5 is too small for bursts


class RetryWatch:
    """Counts Slack clients waiting to retry a call (a dropped connection, a 429, a 5xx).

    While a client waits, the stand-in sees nothing, so `Stage.settle` must not take the
    silence for the end of the work: a reset connection retried after 0.5 s once made the
    demo look for a post that was still on its way.
    """

    def __init__(self) -> None:
        self.waiting = 0
        self._lock = threading.Lock()

    def watch(self, client: WebClient) -> None:
        """Wrap `client`'s retry handlers (Bolt's per-request clients copy the same list)."""
        client.retry_handlers = [_Watched(h, self) for h in client.retry_handlers or []]

    def __deepcopy__(self, memo: dict[int, Any]) -> RetryWatch:
        return self  # Bolt deep-copies the client for lazy listeners; they report here too

    def __enter__(self) -> None:
        with self._lock:
            self.waiting += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.waiting -= 1


class LazyRuns:
    """Counts lazy listener runs started and not yet finished, as the executor Bolt runs them
    on: `Stage.settle` waits for them, however long a loaded machine takes to start one (a
    run that had not called the stand-in within the quiet period once landed its triage post
    in the next step of the transcript)."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self.running = 0
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            self.running += 1

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._lock:
                    self.running -= 1

        return self.executor.submit(run)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.executor, name)


class _Watched(RetryHandler):
    def __init__(self, inner: RetryHandler, watch: RetryWatch) -> None:
        super().__init__(inner.max_retry_count, inner.interval_calculator)
        self.inner, self.watch_ = inner, watch

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return self.inner.can_retry(state=state, request=request, response=response, error=error)

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        with self.watch_:  # the inner handler sleeps here
            self.inner.prepare_for_next_attempt(
                state=state, request=request, response=response, error=error
            )


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
        self.reply_to: dict[str, str] = {}  # response_url path -> who sees what is sent to it
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
        self.retries = RetryWatch()
        self.retries.watch(self.runtime.client)
        self.retries.watch(self.runtime.outbox.client)
        self.app = create_app(settings, runtime=self.runtime)
        lazy = self.app.listener_runner.lazy_listener_runner
        self.lazy = lazy.executor = LazyRuns(lazy.executor)  # type: ignore[attr-defined]
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
        self.out(f"━━ {title} " + "━" * max(2, 70 - len(title)))

    def command(self, who: Person, command: str, text: str = "", **fields: Any) -> Any:
        typed = mrkdwn_to_text(text, self.names)
        self.out(f"▶ {who.label} types: {command} {typed}".rstrip())
        fields.setdefault("response_url", self.response_url(who))
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

    def shortcut(
        self, who: Person, callback_id: str, label: str, message: str, author: Person, where: str
    ) -> Any:
        """Use the message shortcut `callback_id` on a message `author` wrote in `where`."""
        self.out(f"  💬 #{self.names.get(where, where)} — {author.name}: {message}")
        payload = message_action_payload(
            callback_id,
            message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
            user_id=who.id,
            team_id=TEAM,
            channel_id=where,
            message_ts=f"{time.time():.6f}",
            message_user=author.id,
            response_url=self.response_url(who),
        )
        return self.interact(who, f"uses the message shortcut “{label}” on it", payload)

    def pick(self, who: Person, action_id: str, option: str, where: str) -> Any:
        """Choose `option` (by its text) in the menu `action_id` of the newest message in
        `where` that shows it."""
        for call in reversed(self.slack.calls):
            if call.method != "chat.postMessage" or call.params.get("channel") != where:
                continue
            menu = _find_element(call.json("blocks") or [], action_id)
            if menu is None:
                continue
            chosen = next(o for o in menu["options"] if o["text"]["text"] == option)
            ts = self._ts_of(call)
            payload = block_action_payload(
                action_id,
                user_id=who.id,
                team_id=TEAM,
                channel_id=_posted_channel(call),
                message_ts=ts,
                action_type="static_select",
                selected_option=chosen,
                response_url=self.response_url(who),
            )
            label = (menu.get("placeholder") or {}).get("text", action_id)
            return self.interact(who, f"picks “{option}” under [{label}]", payload)
        raise LookupError(f"no message shows a menu {action_id}")

    def press_in_reply(self, who: Person, action_id: str, label: str = "", after: str = "") -> Any:
        """Click `action_id` in the newest private reply `who` was sent (through a response_url;
        with `after`, at or below the block whose text contains it)."""
        for call in reversed(self.slack.calls):
            if call.method != "response_url" or self.reply_to.get(call.path) != who.name:
                continue
            button = _find_element(call.json("blocks") or [], action_id, after)
            if button is None:
                continue
            payload = block_action_payload(
                action_id,
                str(button.get("value", "")),
                user_id=who.id,
                team_id=TEAM,
                block_id=str(button.get("_block_id", "b")),
                response_url=self.response_url(who),
            )
            text = (button.get("text") or {}).get("text", action_id)
            return self.interact(who, f"clicks [{label or text}] in that reply", payload)
        raise LookupError(f"no reply to {who.name} shows a button {action_id}")

    def response_url(self, who: Person) -> str:
        """A fresh response_url from the stand-in; what is posted to it is shown to `who`."""
        url = self.slack.new_response_url()
        self.reply_to[urlsplit(url).path] = who.name
        return url

    def event(self, description: str, event: dict[str, Any]) -> None:
        self.out(f"▶ {mrkdwn_to_text(description, self.names)}")
        self.http.event(event, team_id=TEAM)
        self.show_new()

    def press(
        self, who: Person, action_id: str, label: str = "", where: str = "", after: str = ""
    ) -> Any:
        """Click the button `action_id` on the newest message (in `where`) that shows it.

        With `after`, the first such button at or below the block whose text contains `after`
        (e.g. the [Vote] under one topic of an agenda)."""
        for call in reversed(self.slack.calls):
            if call.method not in ("chat.postMessage", "chat.update") or call.status != 200:
                continue
            channel = str(call.params.get("channel", ""))
            if where and channel != where:
                continue
            button = _find_element(call.json("blocks") or [], action_id, after)
            if button is None:
                continue
            ts = str(call.params.get("ts") or self._ts_of(call))
            message = {"ts": ts, "text": call.params.get("text", ""), "blocks": call.json("blocks")}
            payload = block_action_payload(
                action_id,
                str(button.get("value", "")),
                user_id=who.id,
                team_id=TEAM,
                channel_id=_posted_channel(call),
                message_ts=ts,
                message=message,
                block_id=str(button.get("_block_id", "b")),
                response_url=self.response_url(who),
            )
            text = (button.get("text") or {}).get("text", action_id)
            return self.interact(who, f"clicks [{label or text}]", payload)
        raise LookupError(f"no message shows a button {action_id}")

    def fill(self, who: Person, answers: dict[str, str], what: str = "") -> Any:
        """Fill the form that just opened (by block id) and submit it."""
        opened = [c for c in self.slack.calls if c.method in ("views.open", "views.push")]
        if not opened:
            raise LookupError("no form is open")
        view = opened[-1].json("view")
        values, shown = {}, []
        for block in view.get("blocks", []):
            element = block.get("element")
            if block.get("type") != "input" or not element:
                continue
            answer = answers.get(block["block_id"])
            state = _state(element, answer)
            values[block["block_id"]] = {element["action_id"]: state}
            if answer is not None:
                shown.append(f"{block['block_id']}: {self._answer_text(state, answer)}")
        payload = view_submission_payload(
            view.get("callback_id", ""),
            values,
            user_id=who.id,
            team_id=TEAM,
            private_metadata=view.get("private_metadata", ""),
            blocks=view.get("blocks"),
            title=(view.get("title") or {}).get("text", "Lockstep"),
        )
        said = f" ({what})" if what else ""
        return self.interact(who, f"fills in the form{said} — {', '.join(shown)}", payload)

    def _answer_text(self, state: dict[str, Any], answer: str) -> str:
        """An answer as the person saw it: option labels, @people and #channels by name."""
        option = state.get("selected_option")
        if option:
            return str(option["text"]["text"])
        if state.get("type") == "plain_text_input":
            return answer  # typed text, commas and all
        parts = []
        for part in answer.split(","):
            name = self.names.get(part)
            parts.append(part if name is None else ("#" if part[0] in "CG" else "@") + name)
        return ", ".join(parts)

    def _ts_of(self, call: Call) -> str:
        """The ts the stand-in gave a posted message."""
        return str(call.response.get("ts", ""))

    def note(self, text: str) -> None:
        self.out(f"  ({mrkdwn_to_text(text, self.names)})")

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
        elif isinstance(body, dict) and body.get("response_action") in ("update", "push"):
            view = body.get("view") or {}
            title = (view.get("title") or {}).get("text", "")
            self.out(f"  ⧉  {who.name}'s form turns into “{title}”:")
            self._print_lines(render_message(view, self.names))

    def settle(self, quiet_for: float = 0.15, timeout: float = 10.0) -> None:
        """Wait until lazy listeners and the outbox stop calling the stand-in (a lazy run not
        finished, or a client waiting to retry a call, counts as calling). Due outbox rows are
        sent meanwhile, as the background worker would (acks only record them)."""
        deadline = time.monotonic() + timeout
        count, since = len(self.slack.calls), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.03)
            self.runtime.outbox.deliver_due()
            now_count = len(self.slack.calls)
            if now_count != count or self.retries.waiting or self.lazy.running:
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
            who = self.reply_to.get(call.path)
            self.out(f"  👁  then only {who} sees:" if who else "  👁  reply:")
            self._print_lines(render_message(p, self.names))

    def _print_lines(self, lines: list[str]) -> None:
        for line in lines:
            self.out(f"     │ {line}")

    def keep_link(self, name: str, blocks: list[dict[str, Any]]) -> None:
        self.links[name] = builder_link(blocks)
