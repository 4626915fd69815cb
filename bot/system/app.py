"""The Bolt app factory: nothing is created at import time."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

import handlers
from bot.kernel import messages as common
from bot.platform import background, logs
from bot.platform.config import Settings
from bot.platform.ratelimit import SlidingWindow
from bot.platform.runtime import Runtime, build_runtime

log = logging.getLogger(__name__)
BOLT_LOG = logging.getLogger("lockstep.bolt")


class _TokenFromEnvironment(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself even when it is given a client
    (ours, built from that same token), then warns at every start that the token "will be
    unused": true and harmless, so that one record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


# What runs once a request's listener has run: f(body, context) (handlers.home's refresh).
AfterListener = Callable[[dict[str, Any], BoltContext], None]


class LockstepApp(App):
    """Bolt's App, and hooks that run once a request's listener has run (`after_listener`).

    A global middleware cannot be such a hook: Bolt's `dispatch` runs every middleware first
    (their `next()` only lets the chain go on) and the listener after they have all returned.
    """

    _lockstep_after: tuple[AfterListener, ...] = ()  # no __init__: App's own stays typed

    def after_listener(self, hook: AfterListener) -> None:
        """Call `hook(body, context)` after each request whose listener ran, on the request's
        thread before its response is sent: the hook must be quick (hand slow work off)."""
        self._lockstep_after = (*self._lockstep_after, hook)

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        """Bolt's dispatch - the middleware, then the listener and, with
        process_before_response, its ack and write - then the after-listener hooks. None for a
        recorded follow-up dispatched again (lazy-only: the action's own request had them) or
        a request no listener took (a middleware answered it, or nothing matched)."""
        response = super().dispatch(req)
        if req.lazy_only or req.context.ack.response is None:
            return response
        for hook in self._lockstep_after:
            try:
                hook(req.body, req.context)
            except Exception:  # noqa: BLE001 - the action is done: its answer must still go
                log.exception("after-listener hook %r failed", hook)
        return response


class MissingSigningSecret(ValueError):
    """HTTP mode without SLACK_SIGNING_SECRET: requests could not be verified."""


def create_app(
    settings: Settings,
    client: WebClient | None = None,
    engine: Engine | None = None,
    runtime: Runtime | None = None,
    *,
    socket_mode: bool = False,
    run_lazy_here: bool = True,
) -> LockstepApp:
    """A Bolt App wired to Lockstep's settings, database and outbox, with every handler.

    Over HTTP every request is verified with SLACK_SIGNING_SECRET, and there is no app without
    one. Socket Mode requests come over the app's own authenticated WebSocket, unsigned: there
    verification is off, explicitly. Lazy listeners are recorded in the outbox
    (bot.platform.background); with `run_lazy_here` this process runs them, else (gunicorn's web
    workers under `lockstep run --http`) the background process does.
    """
    if not socket_mode and not settings.slack_signing_secret:
        raise MissingSigningSecret(
            "HTTP mode needs SLACK_SIGNING_SECRET to verify that requests come from Slack"
        )
    runtime = runtime or build_runtime(settings, client=client, engine=engine)
    oauth = authorize = None
    if settings.oauth and not socket_mode:  # "Add to Slack": tokens from the installations
        from bot.system import installs

        oauth, authorize = installs.oauth_settings(runtime), installs.authorize(runtime)
        logs.guard_library_loggers(logs.secrets_of(settings))  # tokens, states, in every record
    if not any(isinstance(f, _TokenFromEnvironment) for f in BOLT_LOG.filters):
        BOLT_LOG.addFilter(_TokenFromEnvironment())
    app = LockstepApp(
        client=runtime.client,  # carries the bot token, base URL and retry handlers
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=not socket_mode,
        # Ack is sent after the listener returns; slow work goes to lazy listeners or the outbox
        # (RULES.md: this avoids Bolt's 10 ms ack polling on every HTTP request).
        process_before_response=True,
        logger=BOLT_LOG,
        oauth_settings=oauth,
        authorize=authorize,  # type: ignore[arg-type]  # an Authorize: App takes it as it is
    )
    app.use(LockstepMiddleware(runtime, SlidingWindow(settings.lockstep_command_rate_per_minute)))
    app.error(_on_error)
    handlers.register_all(app)
    background.install(app, runtime.outbox, run_here=run_lazy_here)
    app.lockstep_runtime = runtime  # type: ignore[attr-defined]
    return app


class LockstepMiddleware(Middleware):
    """Every request, before any listener (a class, not three functions: Bolt builds keyword
    arguments for each function middleware on every request, measurable on the ack path).

    - Slack's `app_rate_limited` notice is no event a listener can take: answered 200 here.
    - The context carries the runtime, settings, engine and outbox.
    - Slash commands beyond the per-user budget get a friendly ephemeral answer, nothing else.
    """

    def __init__(self, runtime: Runtime, window: SlidingWindow) -> None:
        self.runtime = runtime
        self.window = window

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        if body.get("type") == "app_rate_limited":
            log.warning("Slack rate-limited event deliveries for team %s", body.get("team_id"))
            return BoltResponse(status=200, body="")
        context, runtime = req.context, self.runtime
        context["runtime"] = runtime
        context["settings"] = runtime.settings
        context["engine"] = runtime.engine
        context["outbox"] = runtime.outbox
        user = f"{body.get('team_id')}:{body.get('user_id')}"
        if body.get("command") and not req.lazy_only and not self.window.allow(user):
            return BoltResponse(
                status=200,
                body=json.dumps(common.slow_down(self.window.limit)),
                headers={"content-type": "application/json;charset=utf-8"},
            )
        return next()


def _on_error(
    error: Exception,
    body: dict[str, Any],
    respond: Any,
    logger: logging.Logger,
    context: BoltContext,
) -> None:
    """Log with traceback, and tell the user something went wrong (never the details). The
    action's follow-ups are not recorded: its write was rolled back (bot.platform.background).
    A recorded follow-up that failed before its function ran (authorization, a middleware) is
    not the user's action failing: nobody is told; run_lazy raises it and the outbox retries."""
    if context.get(background.LAZY_RUN):
        logger.warning("A follow-up could not start (%r); it is retried", error)
        context[background.FAILED] = error
        return
    context[background.ACK_FAILED] = True
    logger.error(
        "Unhandled error for %s: %r", body.get("type") or body.get("command"), error, exc_info=error
    )
    if body.get("response_url"):
        # Told from Bolt's own listener executor, not here: Bolt sends the 500 only after this
        # handler returns, and a slow response_url (30 s timeout) would hold it up.
        context.listener_runner.listener_executor.submit(_apologize, respond, logger)


def _apologize(respond: Any, logger: logging.Logger) -> None:
    try:
        respond(**common.something_went_wrong())
    except Exception:  # noqa: BLE001 - the user already cannot be told; it is logged above
        logger.warning("Could not tell the user about the error")
