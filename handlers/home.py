"""The Home tab: published when opened, and refreshed after the person acts (queued once the
action's listener has run and written, so the refresh reads what it wrote).

Who has a Home tab is kept in the database (storage.home), written in the ack of
app_home_opened: whichever process handles the person's next action - another web worker,
the background process, a replica, the next start - finds it there.
"""

from __future__ import annotations

import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.home.gather import collect_home
from bot.home.views import START_PREFIX, home_view, start_form
from bot.platform.runtime import Runtime
from storage import home as home_viewers

log = logging.getLogger(__name__)


def register(app: Any) -> None:
    refresher = HomeRefresher()
    app.event("app_home_opened")(ack=home_opened_ack, lazy=[refresher.home_opened])
    app.action(re.compile("^" + re.escape(START_PREFIX)))(start_action)
    app.after_listener(refresher.after)  # bot.system.app.LockstepApp: once the listener ran


def start_action(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """A Home tab button opens the same form as the command it stands for."""
    ack()
    what = body["actions"][0]["action_id"].removeprefix(START_PREFIX)
    view = start_form(what, context.user_id or "")
    if view is not None:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def home_opened_ack(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
    """Record that the person has a Home tab (a retried delivery rewrites the same row)."""
    if event.get("tab", "home") == "home" and context.team_id and event.get("user"):
        with Session(context["engine"]) as session:
            home_viewers.record_open(session, context.team_id, event["user"])
    ack()


def publish(runtime: Runtime, team_id: str, user_id: str, if_opened: bool = False) -> None:
    """Build and publish one person's Home tab (with `if_opened`: only if they have one)."""
    with Session(runtime.engine) as session:
        if if_opened and home_viewers.get(session, team_id, user_id) is None:
            return
        data = collect_home(session, runtime.settings, team_id, user_id)
    try:
        runtime.client_for(team_id).views_publish(user_id=user_id, view=home_view(data))
    except SlackApiError as exc:  # a Home tab that fails to refresh must not fail the action
        log.warning("views.publish for %s failed: %s", user_id, exc.response.get("error"))


class HomeRefresher:
    """Publishes a Home tab when it is opened; afterwards refreshes it, in the background,
    whenever that person has run a command, pressed a button or submitted a form."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="home")
        self._pending: set[tuple[str, str]] = set()  # refreshes queued in this process
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict[int, Any]) -> HomeRefresher:
        return self

    def home_opened(self, event: dict[str, Any], context: BoltContext) -> None:
        if event.get("tab", "home") != "home":
            return
        publish(context["runtime"], context.team_id or "", event["user"])

    def after(self, body: dict[str, Any], context: BoltContext) -> None:
        """Once the listener of the person's command, button or form has run (and committed its
        write): queue a refresh of their Home tab, if they have one (looked up on the pool's
        thread: the ack's response does not wait for the database). Called by LockstepApp's
        dispatch: not for a recorded follow-up's run, whose action queued its refresh."""
        if body.get("type") not in ("block_actions", "view_submission") and not body.get("command"):
            return
        user, team = context.user_id, context.team_id
        if not user or not team:
            return
        key = (team, user)
        with self._lock:
            if key in self._pending:
                return  # already queued: one refresh covers both actions
            self._pending.add(key)
        self._pool.submit(self._refresh, context["runtime"], team, user)

    def _refresh(self, runtime: Runtime, team: str, user: str) -> None:
        with self._lock:
            self._pending.discard((team, user))
        publish(runtime, team, user, if_opened=True)
