"""`lockstep run --http` in a test: a web worker that records follow-ups, and the parent
process's runtime that runs them; helpers to drive the queue by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.platform.config import Settings
from bot.platform.delivery import LAZY_METHOD, ChannelPacer
from bot.platform.runtime import Runtime, build_runtime
from bot.system.app import create_app
from storage.clock import utcnow
from storage.models import OutboxMessage
from tests.conftest import SIGNING_SECRET, serve_on_loopback
from tests.fake_slack import FakeSlack
from tests.mention_scan import MentionGuard, RecordingSlackHTTP
from tests.slack_signing import SlackHTTP


@pytest.fixture
def web(
    settings: Settings, engine: Engine, slack: FakeSlack, mention_guard: MentionGuard
) -> Iterator[SlackHTTP]:
    """A gunicorn web worker under `lockstep run --http`: lazy runs are recorded, not run."""
    runtime = build_runtime(settings, engine=engine)
    app = create_app(settings, runtime=runtime, run_lazy_here=False)
    with serve_on_loopback(app) as url:
        yield RecordingSlackHTTP(url, SIGNING_SECRET, mention_guard, slack)


@pytest.fixture
def background(settings: Settings, engine: Engine) -> Runtime:
    """The `lockstep run --http` parent: its own app and runtime, running recorded lazy work."""
    runtime = build_runtime(settings, engine=engine)
    runtime.outbox.pacer = ChannelPacer(0)
    create_app(settings, runtime=runtime)  # sets runtime.outbox.lazy_handler
    return runtime


def lazy_rows(engine: Engine, function: str | None = None) -> list[OutboxMessage]:
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.method == LAZY_METHOD))
        return [r for r in rows if function in (None, r.payload["function"])]


def time_passes(engine: Engine) -> None:
    """Every pending row comes due (its backoff is over)."""
    with Session(engine) as session:
        session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.status) == "pending")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()


def run_queue(background: Runtime, engine: Engine, rounds: int = 4) -> None:
    for _ in range(rounds):
        background.outbox.deliver_due()
        time_passes(engine)
