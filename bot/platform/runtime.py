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
from bot.platform.tokens import Tokens
from storage.db import make_engine


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    client: WebClient
    outbox: Outbox
    tokens: Tokens = field(default_factory=lambda: Tokens(""))
    # Keys of warnings already logged by this process (e.g. a missed digest): log each once.
    logged_once: set[str] = field(default_factory=set)
    # Slack look-ups made by this process, by minute (bot.people.reach caps users.info per tick).
    lookups: dict[str, int] = field(default_factory=dict)

    def __deepcopy__(self, memo: dict[int, Any]) -> Runtime:
        # Bolt deep-copies the context for lazy listeners; they must share this process's
        # engine, client and outbox (storage.db.make_engine makes engines copy to themselves).
        return self

    def installed(self, team_id: str) -> bool:
        """Whether Lockstep can post in the team: always with one token; under OAuth, while
        the team has an installation (periodic work skips the others: an uninstalled
        workspace's jobs are paused until a reinstall)."""
        return not self.tokens.per_workspace or self.tokens.installed(team_id)

    def client_for(self, team_id: str) -> WebClient:
        """A client with the team's bot token (the process's own client in one-token mode)."""
        if not self.tokens.per_workspace:
            return self.client
        return SharedClient(
            token=self.tokens.bot_token(team_id),
            base_url=self.client.base_url,
            timeout=self.client.timeout,
            retry_handlers=list(self.client.retry_handlers),
        )


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
        # With OAuth each call carries its workspace's token (Runtime.client_for, the outbox).
        token=(settings.slack_bot_token or None) if not settings.oauth else None,
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
    tokens = build_tokens(settings, engine)
    outbox = Outbox(engine, outbox_client, settings.admins, pacer, tokens=tokens)
    return Runtime(settings, engine, client, outbox, tokens)


def build_tokens(settings: Settings, engine: Engine) -> Tokens:
    """SLACK_BOT_TOKEN for one workspace; with OAuth, each installation's token (rotated by
    slack_sdk's TokenRotator when it is about to expire)."""
    if not settings.oauth:
        return Tokens(settings.slack_bot_token)
    from bot.platform.tokens import LeasedRotator
    from storage.installations import installation_store

    store = installation_store(engine, settings.slack_client_id)
    rotator = LeasedRotator(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        client=WebClient(base_url=settings.slack_api_base_url, timeout=10),
        store=store,
    )
    return Tokens("", store, rotator, settings.lockstep_token_rotation_minutes)
