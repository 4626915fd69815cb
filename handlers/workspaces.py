"""A workspace uninstalls Lockstep or revokes its token: its installation goes (Bolt's own
token revocation listeners), and its pending posts fail with the reason, never retried."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.listener.builtins import TokenRevocationListeners

from bot.platform.delivery import NOT_INSTALLED
from bot.platform.runtime import Runtime
from storage import installations

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("app_uninstalled")(uninstalled)
    app.event("tokens_revoked")(tokens_revoked)


def uninstalled(ack: Ack, context: BoltContext) -> None:
    ack()
    runtime: Runtime = context["runtime"]
    if runtime.tokens.store is not None:
        TokenRevocationListeners(runtime.tokens.store).handle_app_uninstalled_events(context)
    _stop(runtime, context.team_id or "", "uninstalled")


def tokens_revoked(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
    ack()
    runtime: Runtime = context["runtime"]
    if runtime.tokens.store is not None:
        listeners = TokenRevocationListeners(runtime.tokens.store)
        listeners.handle_tokens_revoked_events(event, context)
    if event.get("tokens", {}).get("bot"):  # user tokens alone: Lockstep posts as its bot
        _stop(runtime, context.team_id or "", "revoked its token")


def _stop(runtime: Runtime, team_id: str, what: str) -> None:
    runtime.tokens.forget(team_id)
    with runtime.engine.begin() as conn:
        failed = installations.fail_pending(conn, team_id, NOT_INSTALLED)
    log.warning("team %s %s: %d pending post(s) marked failed", team_id, what, failed)
