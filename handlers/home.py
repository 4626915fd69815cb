"""The Home tab: published when opened, and refreshed after the person acts."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.home import collect_home
from bot.runtime import Runtime
from bot.views.home import START_PREFIX, home_view, start_form

log = logging.getLogger(__name__)


def register(app: Any) -> None:
    refresher = HomeRefresher()
    app.event("app_home_opened")(ack=_ack, lazy=[refresher.home_opened])
    app.action(re.compile("^" + re.escape(START_PREFIX)))(start_action)
    app.use(RefreshAfter(refresher))


def start_action(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """A Home tab button opens the same form as the command it stands for."""
    ack()
    what = body["actions"][0]["action_id"].removeprefix(START_PREFIX)
    view = start_form(what, context.user_id or "")
    if view is not None:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def _ack(ack: Ack) -> None:
    ack()


def publish(runtime: Runtime, team_id: str, user_id: str) -> None:
    """Build and publish one person's Home tab."""
    with Session(runtime.engine) as session:
        data = collect_home(session, runtime.settings, team_id, user_id)
    try:
        runtime.client.views_publish(user_id=user_id, view=home_view(data))
    except SlackApiError as exc:  # a Home tab that fails to refresh must not fail the action
        log.warning("views.publish for %s failed: %s", user_id, exc.response.get("error"))


class HomeRefresher:
    """Publishes a Home tab when it is opened; afterwards refreshes it, in the background,
    whenever that person runs a command, presses a button or submits a form."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="home")
        self._pending: set[tuple[str, str]] = set()
        self._known: set[tuple[str, str]] = set()  # Home tabs this process has published
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict[int, Any]) -> HomeRefresher:
        return self

    def home_opened(self, event: dict[str, Any], context: BoltContext) -> None:
        if event.get("tab", "home") != "home":
            return
        team = context.team_id or ""
        with self._lock:
            self._known.add((team, event["user"]))
        publish(context["runtime"], team, event["user"])

    def after(self, body: dict[str, Any], context: BoltContext) -> None:
        """After a listener: queue a refresh of that person's Home tab, if they have one."""
        if body.get("type") not in ("block_actions", "view_submission") and not body.get("command"):
            return
        user, team = context.user_id, context.team_id
        if not user or not team:
            return
        key = (team, user)
        with self._lock:
            if key not in self._known or key in self._pending:
                return  # already queued: one refresh covers both actions
            self._pending.add(key)
        self._pool.submit(self._refresh, context["runtime"], team, user)

    def _refresh(self, runtime: Runtime, team: str, user: str) -> None:
        with self._lock:
            self._pending.discard((team, user))
        publish(runtime, team, user)


class RefreshAfter(Middleware):
    """Runs the listener, then HomeRefresher.after (a class: Bolt builds keyword arguments for
    a function middleware on every request, measurable on the ack path)."""

    def __init__(self, refresher: HomeRefresher) -> None:
        self.refresher = refresher

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        response = next()  # the listener and its ack run inside, with process_before_response
        self.refresher.after(req.body, req.context)
        return response
