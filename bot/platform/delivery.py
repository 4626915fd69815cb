"""The outbox: record a post under an idempotency key, send it, retry it, never send it twice."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError, SlackTokenRotationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from bot.platform import alerts
from bot.platform.logs import TOKEN_PATTERN
from bot.platform.tokens import Tokens
from storage import outbox, roles
from storage.clock import utcnow
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
# Tries to record a call Slack took as sent, when the database fails (1 s, then 2 s apart).
SENT_TRIES = 3
# Errors that no retry can fix: an admin has to act.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "message_not_found",
        "cant_update_message",
        "restricted_action",
        "missing_scope",
        "invalid_arguments",
    }
)
# The outbox row of a workspace that uninstalled Lockstep or revoked its token: failed for good.
NOT_INSTALLED = "not_installed: Lockstep is not installed in this workspace (any more)"

LAZY_METHOD = (
    "bolt.lazy"  # a recorded lazy listener run (bot.platform.background), not a Web API call
)
PACED = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage"})


@dataclass(frozen=True)
class Post:
    """One call to make: a Web API method, its channel and its arguments."""

    method: str
    channel: str
    payload: dict[str, Any]


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s ... capped at 30 minutes."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 1800))


class ChannelPacer:
    """Keeps posts to one channel about `interval` seconds apart (Slack: ~1 message/s/channel)."""

    def __init__(
        self,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.stopping = threading.Event()
        self.sleep = sleep or self.stopping.wait  # a stop cuts the wait short
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> float:
        """Block until `channel` may take another post; returns how long it waited."""
        if self.interval <= 0:
            return 0.0
        with self._lock:
            now = self.clock()
            slot = max(now, self._next.get(channel, now))
            self._next[channel] = slot + self.interval
        delay = slot - now
        if delay > 0:
            self.sleep(delay)
        return delay


# Errors that say the workspace's token no longer works: its whole queue waits, nothing fails.
# (`token_expired`: a rotating token that ran out before it could be refreshed.)
AUTH_ERRORS = frozenset(
    {"invalid_auth", "account_inactive", "token_revoked", "not_authed", "token_expired"}
)
AUTH_PAUSE = timedelta(minutes=15)


def failure(exc: BaseException) -> str:
    """What a row records of an exception: its type and first line, without anything shaped
    like a token, and without the SQL parameters (user text) a database error carries."""
    first = (str(exc).splitlines() or [""])[0].split(" [SQL:")[0]
    return f"error: {type(exc).__name__}: {TOKEN_PATTERN.sub('[redacted-token]', first)}"[:200]


class LazyRunFailed(Exception):
    """A recorded lazy listener run did not complete (bot.platform.background.run_lazy)."""


class Outbox:
    """A durable job queue: Web API calls and lazy listener runs, recorded before they happen
    and marked sent only after they succeeded; one instance per process."""

    def __init__(
        self,
        engine: Engine,
        client: WebClient,
        admins: frozenset[str] = frozenset(),
        pacer: ChannelPacer | None = None,
        tokens: Tokens | None = None,
    ):
        self.engine = engine
        self.client = client
        # Whose token each row is sent with (None or one-token mode: the client's own).
        self.tokens = tokens
        self.admins = admins
        self.pacer = pacer or ChannelPacer()
        # Runs recorded lazy listeners (bot.platform.background.run_lazy); None in HTTP-mode web
        # workers, which only record them for the background process.
        self.lazy_handler: Callable[[dict[str, Any]], None] | None = None
        # Set when a row was recorded: a background worker of this process looks at once.
        self.wake = threading.Event()
        # Whether a background worker of this process is sending due rows as they come
        # (bot.platform.background sets it); the scheduled outbox job stands by meanwhile.
        self.worker_running: Callable[[], bool] = lambda: False

    def __deepcopy__(self, memo: dict[int, Any]) -> Outbox:
        return self  # one per process; Bolt copies context values for lazy listeners

    def submit(
        self,
        team_id: str,
        key: str,
        post: Post,
        *,
        send_now: bool = True,
        renew: bool = False,
        not_before: datetime | None = None,
    ) -> OutboxMessage:
        """Record `post` under `key` (once per team) and, unless told not to, send it now.

        With `renew` (and `send_now`), a row under `key` that failed for good is sent again
        when this post goes to another channel (an admin chose a new one after it failed).
        With a future `not_before` the row waits for the worker until then (e.g. a DM held
        for the person's working hours)."""
        payload = {**post.payload, "channel": post.channel}
        if not_before is not None and not_before > utcnow():
            send_now = False
        else:
            not_before = None
        lease = LEASE if send_now else None  # a new row is ours to send: no worker takes it
        with Session(self.engine, expire_on_commit=False) as session:
            row, created = outbox.enqueue(
                session, team_id, key, post.method, post.channel, payload,
                not_before=not_before, claimed_for=lease,
            )  # fmt: skip
            if created and send_now:
                return self._finish_attempt(session, row) or row
            moved = renew and send_now and row.status == "failed" and row.channel != post.channel
            if moved and outbox.renew(session, row, post.channel, payload, LEASE):
                return self._finish_attempt(session, row) or row
        if send_now and row.status == "pending" and row.id is not None:
            return self.send(row.id) or row
        self.wake.set()
        return row

    def record(self, team_id: str, key: str, post: Post) -> int:
        """Record `post` for the background worker; its id."""
        payload = {**post.payload, "channel": post.channel}
        with self.engine.begin() as conn:
            message_id, _ = outbox.record(conn, team_id, key, post.method, post.channel, payload)
        self.wake.set()
        return message_id

    def send(self, message_id: int) -> OutboxMessage | None:
        """Send one due message; None when it is not due or another worker holds it."""
        with Session(self.engine, expire_on_commit=False) as session:
            row = outbox.claim(session, message_id, LEASE)
            if row is None:
                return None
            return self._finish_attempt(session, row)

    def run_claimed(self, message_id: int, key: str) -> OutboxMessage | None:
        """Make the call of a row this process recorded already claimed (Outbox.submit,
        bot.platform.background); None when it is gone or no longer ours."""
        with Session(self.engine, expire_on_commit=False) as session:
            row = outbox.retake(session, message_id, key, LEASE)  # the lease starts now
            if row is None:
                return None
            return self._finish_attempt(session, row)

    def _finish_attempt(self, session: Session, row: OutboxMessage) -> OutboxMessage | None:
        """Make the call of a row this worker claimed; None when the claim was lost."""
        try:
            return self._attempt(session, row)
        except outbox.LostClaim as exc:
            log.warning("%s; this worker's result is dropped", exc)
            return None

    def _attempt(self, session: Session, row: OutboxMessage) -> OutboxMessage:
        if row.method == LAZY_METHOD:
            return self._run_lazy(session, row)
        if row.method == "chat.update" and outbox.newer_update_exists(session, row):
            # A retry of an older update must not roll the message back to older content.
            return outbox.mark_superseded(session, row)
        payload = row.payload
        if self.tokens is not None and self.tokens.per_workspace:
            token, ended = self._workspace_token(session, row)
            if ended is not None:
                return ended
            payload = {**payload, "token": token}  # slack_sdk takes it out of the body
        try:
            if row.method in PACED:
                self.pacer.wait(row.channel)
            response = self.client.api_call(row.method, json=payload)
        except SlackApiError as exc:
            return self._on_api_error(session, row, exc)
        except (SlackClientError, OSError) as exc:  # refused, reset, timed out
            return self._retry_or_fail(session, row, f"connection: {type(exc).__name__}")
        data = response.data if isinstance(response.data, dict) else {}
        ts = data.get("ts") or row.payload.get("ts")
        return self._record_sent(session, row, ts, data.get("channel"))

    def _workspace_token(
        self, session: Session, row: OutboxMessage, *, none_ends_it: bool = True
    ) -> tuple[str | None, OutboxMessage | None]:
        """The row's workspace token (rotated first when it is about to expire), or the row as
        it ends without one: the workspace paused when Slack refuses or cannot rotate it, failed
        when the workspace uninstalled Lockstep (unless not `none_ends_it`: then no token found
        is left to the caller)."""
        assert self.tokens is not None
        try:
            token = self.tokens.bot_token(row.team_id)  # may rotate it: a Web API call
        except SlackTokenRotationError as exc:  # Slack refused the refresh, or is down
            answer = exc.api_error.response
            reason = answer.get("error") or f"http_{answer.status_code}"
            return None, self._pause_workspace(session, row, f"token rotation: {reason}")
        except (SlackClientError, OSError) as exc:  # oauth.v2.access unreachable
            error = f"token rotation: connection: {type(exc).__name__}"
            return None, self._pause_workspace(session, row, error)
        if token is None and none_ends_it:  # uninstalled: nothing can be sent there, ever
            return None, outbox.mark_failed(session, row, NOT_INSTALLED)
        return token, None

    def _run_lazy(self, session: Session, row: OutboxMessage) -> OutboxMessage:
        if self.lazy_handler is None:  # a web worker: leave it to the background process
            return outbox.pause_row(session, row, utcnow(), "waiting for a worker")
        if self.tokens is not None and self.tokens.per_workspace:
            # The token first, as for a post: a rotation Slack refuses or cannot do pauses the
            # workspace (Bolt's authorize inside the run would only count a failed try). No
            # token found (an org-wide install is found by its enterprise, not by this id) is
            # left to Bolt's authorize in the run.
            _, ended = self._workspace_token(session, row, none_ends_it=False)
            if ended is not None:
                return ended
        try:
            self.lazy_handler(row.payload)
        except Exception as exc:  # noqa: BLE001 - the queue retries it; the loop goes on
            log.warning(
                "lazy listener %s failed (attempt %d): %r",
                row.payload.get("function"), row.attempts, exc, exc_info=exc,
            )  # fmt: skip
            session.rollback()  # the listener's failure may have left this session's pool busy
            return self._retry_or_fail(session, row, failure(exc))
        return self._record_sent(session, row, None, None)

    def _record_sent(
        self, session: Session, row: OutboxMessage, ts: str | None, channel: str | None
    ) -> OutboxMessage:
        """Slack took the call (or the follow-up ran): record it, trying again when the
        database fails (locked past its timeout, a lost connection). A row left `sending`
        would be done again once its lease ran out: a second post the person sees."""
        key = row.key  # read now: after a rollback it would be read from the database
        for attempt in range(1, SENT_TRIES + 1):
            try:
                return outbox.mark_sent(session, row, ts, channel)
            except DBAPIError as exc:
                session.rollback()
                if attempt == SENT_TRIES:
                    raise
                log.warning(
                    "recording outbox %s as sent failed (%s); trying again",
                    key, type(exc.orig).__name__,
                )  # fmt: skip
                time.sleep(attempt)
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """Finish the message in hand and send no more (process shutdown)."""
        self.pacer.stopping.set()
        self.wake.set()

    def deliver_due(self, limit: int = 200) -> dict[str, int]:
        """Send every due message once; returns how many ended in each status."""
        with Session(self.engine) as session:
            ids = outbox.due_ids(session, limit)
        counts: dict[str, int] = {}
        for message_id in ids:
            if self.pacer.stopping.is_set():
                break
            row = self.send(message_id)
            if row is not None:
                counts[row.status] = counts.get(row.status, 0) + 1
        return counts

    def _on_api_error(
        self, session: Session, row: OutboxMessage, exc: SlackApiError
    ) -> OutboxMessage:
        status = exc.response.status_code
        error = str(exc.response.get("error") or f"http_{status}")
        if status == 429:
            headers = {k.lower(): v for k, v in exc.response.headers.items()}
            wait = int(headers.get("retry-after", 5))
            return outbox.pause_row(session, row, utcnow() + timedelta(seconds=wait), "ratelimited")
        if error in AUTH_ERRORS:
            return self._pause_workspace(session, row, error)
        if error in PERMANENT:
            log.warning(
                "outbox %s (%s to %s) failed for good: %s", row.key, row.method, row.channel, error
            )
            failed = outbox.mark_failed(session, row, error)
            self._alert_admins(failed)
            return failed
        return self._retry_or_fail(session, row, error)

    def _pause_workspace(self, session: Session, row: OutboxMessage, error: str) -> OutboxMessage:
        """The workspace's token does not work (refused, expired, or Slack cannot rotate it):
        its whole queue waits AUTH_PAUSE and is tried again then, or at once after a restart
        or a reinstall (`outbox.resume_paused`); the try does not count, nothing fails."""
        log.warning(
            "team %s's bot token does not work (%s): its posts wait and are tried again; "
            "fix the token and restart (or reinstall), or `lockstep outbox list`",
            row.team_id, error,
        )  # fmt: skip
        if self.tokens is not None:  # another process may have rotated it: read it again
            self.tokens.forget(row.team_id)
        return outbox.pause_team(session, row, utcnow() + AUTH_PAUSE, error)

    def _retry_or_fail(self, session: Session, row: OutboxMessage, error: str) -> OutboxMessage:
        if row.attempts >= MAX_ATTEMPTS:
            log.warning("outbox %s gave up after %d attempts: %s", row.key, row.attempts, error)
            failed = outbox.mark_failed(session, row, error)
            self._alert_admins(failed)
            return failed
        return outbox.mark_retry(session, row, utcnow() + backoff(row.attempts), error)

    def _alert_admins(self, failed: OutboxMessage) -> None:
        """DM the team's admins, once per failed message, what to fix."""
        if failed.key.startswith("admin-alert:"):
            return  # an alert that cannot be delivered must not alert about itself
        with Session(self.engine) as session:
            admins = set(self.admins) | set(roles.members_with(session, failed.team_id, "admin"))
        message = alerts.delivery_failed(failed)
        for admin in sorted(admins):
            post = Post("chat.postMessage", admin, message)
            self.submit(failed.team_id, f"admin-alert:{failed.id}:{admin}", post)
