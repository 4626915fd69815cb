"""What a running Lockstep process shares: settings, database engine, Slack client, outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy.engine import Engine

from bot.platform.config import Settings
from bot.platform.delivery import ChannelPacer, Outbox
from storage.db import make_engine


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    client: WebClient
    outbox: Outbox
    # Keys of warnings already logged by this process (e.g. a missed digest): log each once.
    logged_once: set[str] = field(default_factory=set)
    # Slack look-ups made by this process, by minute (bot.people.reach caps users.info per tick).
    lookups: dict[str, int] = field(default_factory=dict)

    def __deepcopy__(self, memo: dict[int, Any]) -> Runtime:
        # Bolt deep-copies the context for lazy listeners; they must share this process's
        # engine, client and outbox (storage.db.make_engine makes engines copy to themselves).
        return self


class SharedClient(WebClient):
    """The process's Slack client. Bolt deep-copies each request's context (the client with
    its retry handlers too) for lazy listeners; the client holds no per-request state, so the
    copy is this same client (half of that copy's cost on every ack with a follow-up)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedClient:
        return self


def make_client(settings: Settings, *, for_outbox: bool = False) -> WebClient:
    """A WebClient on the configured base URL that retries 429s, 5xx and dropped connections.

    The outbox's client retries only dropped connections in place: it reschedules 429s (after
    Retry-After) and 5xx itself, so no worker thread sleeps through a rate limit.
    """
    handlers: list[RetryHandler] = [ConnectionErrorRetryHandler(max_retry_count=2)]
    if not for_outbox:
        handlers += [
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ]
    return SharedClient(
        token=settings.slack_bot_token or None,
        base_url=settings.slack_api_base_url,
        timeout=10,
        retry_handlers=handlers,
    )


def build_runtime(
    settings: Settings, client: WebClient | None = None, engine: Engine | None = None
) -> Runtime:
    engine = engine or make_engine(settings.database_url)
    if client is None:
        client, outbox_client = make_client(settings), make_client(settings, for_outbox=True)
    else:
        outbox_client = client
    pacer = ChannelPacer(settings.lockstep_post_interval)
    return Runtime(settings, engine, client, Outbox(engine, outbox_client, settings.admins, pacer))
