"""Fixtures: a fresh database per test, settings from a dict, the fake Slack Web API server,
and the real HTTP app served on loopback."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import uuid
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

import storage.models  # noqa: F401  (registers every table)
from bot.platform.background import BackgroundWorker
from bot.platform.config import Settings, load_settings
from bot.platform.delivery import ChannelPacer
from bot.platform.runtime import Runtime, build_runtime
from bot.system.app import create_app
from bot.system.wsgi import make_wsgi
from storage.db import make_engine
from tests.fake_slack import FakeSlack
from tests.mention_scan import MentionGuard, RecordingSlackHTTP
from tests.slack_signing import SlackHTTP
from tests.socket_mode import APP_TOKEN

# The `web` and `background` fixtures of `lockstep run --http` (tests/http_mode.py).
pytest_plugins = ["tests.http_mode"]

BOT_TOKEN = "xoxb-test-0000-not-a-real-token"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
# OAuth (tests/bot/system/test_installs.py): the client secret, each workspace's bot token and
# the refresh tokens of a rotating installation; the log scan looks for all of them.
CLIENT_SECRET = "client-secret-0123456789abcdef-not-real"
OAUTH_TOKENS = (
    "xoxb-team-one-0000-not-real",
    "xoxb-team-two-0000-not-real",
    "xoxe.xoxb-1-old-not-real",
    "xoxe.xoxb-1-new-not-real",
    "xoxe-1-refresh-old",
    "xoxe-1-refresh-new",
)
# Secrets a test only learns while it runs (the OAuth states it was handed): scanned too.
RUNTIME_SECRETS: set[str] = set()
TEAM = "T0FAKE0001"
OTHER_TEAM = "T0FAKE0002"
ADMIN = "U0ADMIN001"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def sqlite_engine(tmp_path: Any) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path}/lockstep-test.db")
    SQLModel.metadata.create_all(engine)
    return engine


def postgres_engine() -> tuple[Engine, str]:
    """An engine on a schema of its own in TEST_DATABASE_URL (dropped afterwards)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    SQLModel.metadata.create_all(engine)
    return engine, schema


def drop_schema(schema: str) -> None:
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Engine]:
    """The same test on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL."""
    if request.param == "sqlite":
        engine = sqlite_engine(tmp_path)
        yield engine
        engine.dispose()
        return
    if not PG_URL:
        pytest.skip(
            "PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
        )
    engine, schema = postgres_engine()
    yield engine
    engine.dispose()
    drop_schema(schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def twin_engines(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[tuple[Engine, Engine]]:
    """Two engines (two connection pools, as two processes have) on one fresh database."""
    if request.param == "sqlite":
        first = sqlite_engine(tmp_path)
        second = make_engine(str(first.url))
        yield first, second
        first.dispose()
        second.dispose()
        return
    if not PG_URL:
        pytest.skip(
            "PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
        )
    first, schema = postgres_engine()
    second = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    yield first, second
    first.dispose()
    second.dispose()
    drop_schema(schema)


@pytest.fixture
def engine(tmp_path: Any) -> Iterator[Engine]:
    engine = sqlite_engine(tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def mention_guard() -> MentionGuard:
    """What users typed in this test, to tell their mentions from Lockstep's own."""
    return MentionGuard()


@pytest.fixture
def slack(mention_guard: MentionGuard) -> Iterator[FakeSlack]:
    """The fake Web API; at teardown every message sent to it is scanned for user mentions."""
    fake = FakeSlack().start()
    yield fake
    fake.stop()
    mention_guard.check(fake.calls)


def make_settings(base_url: str, db_url: str = "sqlite:///:memory:", **extra: Any) -> Settings:
    values = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_BASE_URL": base_url,
        "DATABASE_URL": db_url,
        "LOCKSTEP_ADMINS": ADMIN,
        "LOG_LEVEL": "DEBUG",
    }
    values.update(extra)
    return load_settings(values)


@pytest.fixture
def settings(slack: FakeSlack, engine: Engine) -> Settings:
    return make_settings(slack.base_url, str(engine.url))


@pytest.fixture
def runtime(settings: Settings, engine: Engine) -> Runtime:
    runtime = build_runtime(settings, engine=engine)
    runtime.outbox.pacer = ChannelPacer(interval=0)  # pacing has its own test; keep tests quick
    return runtime


@pytest.fixture
def app(settings: Settings, runtime: Runtime) -> Iterator[App]:
    """The app as `lockstep run` runs it: with a background worker sending the outbox (posts
    the acks recorded, retries) and running lazy listeners again when they failed."""
    app = create_app(settings, runtime=runtime)
    worker = BackgroundWorker(runtime.outbox, idle=0.05).start()
    yield app
    worker.stop()


def outbox_settled(engine: Engine, timeout: float = 10.0) -> None:
    """Wait until no outbox row is being sent or run. Call it before a test moves the clock
    with freezegun while the app's background worker runs: a jump of hours makes a row being
    run now look like an expired claim, and the worker would run it a second time."""
    import time

    from storage.models import OutboxMessage

    deadline = time.monotonic() + timeout
    while True:
        with Session(engine) as session:
            busy = session.exec(
                select(OutboxMessage.id).where(OutboxMessage.status == "sending")
            ).first()
        if busy is None:
            return
        assert time.monotonic() < deadline, f"outbox row {busy} still sending"
        time.sleep(0.01)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's default backlog of 5 resets bursts


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve_on_loopback(app: App) -> Iterator[str]:
    """The real WSGI app (Bolt + /healthz) served over real HTTP on loopback; its base URL."""
    server = make_server(
        "127.0.0.1",
        0,
        make_wsgi(app),
        server_class=_ThreadingWSGIServer,
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def http(app: App, slack: FakeSlack, mention_guard: MentionGuard) -> Iterator[SlackHTTP]:
    """The test's app over real HTTP on loopback, with a signing client."""
    with serve_on_loopback(app) as url:
        yield RecordingSlackHTTP(url, SIGNING_SECRET, mention_guard, slack)
    # Follow-ups still running finish first: the mention scan sees what they post, and on
    # PostgreSQL a run left holding a transaction would block dropping the schema for ever.
    executor = getattr(app.listener_runner.lazy_listener_runner, "executor", None)
    if executor is not None:
        executor.shutdown(wait=True)


class _SuiteLog(logging.Handler):
    """Keeps every log line of the whole run, formatted with tracebacks, to scan for secrets."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        # A record that cannot be formatted holds no secret to find.
        with contextlib.suppress(Exception):
            self.lines.append(self.format(record))


SUITE_LOG = _SuiteLog()


def pytest_configure(config: pytest.Config) -> None:
    root = logging.getLogger()
    root.addHandler(SUITE_LOG)
    root.setLevel(logging.DEBUG)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a token, a refresh token, the signing or client secret or an OAuth
    state reached any log record."""
    secrets = (BOT_TOKEN, SIGNING_SECRET, CLIENT_SECRET, APP_TOKEN, *OAUTH_TOKENS)
    secrets += tuple(RUNTIME_SECRETS)
    leaks = [line for line in SUITE_LOG.lines if any(s in line for s in secrets)]
    # Bolt drops context values it cannot deep-copy for lazy listeners: never let that pass.
    leaks += [line for line in SUITE_LOG.lines if "deep-copy creation error" in line]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if leaks:
        if reporter:
            reporter.write_line(
                f"LOG CHECK FAILED: {len(leaks)} records hold a secret or a dropped context value:"
            )
            for line in leaks[: int(os.environ.get("LOCKSTEP_SHOW_LEAKS", "5"))]:
                reporter.write_line("  " + line[:300])
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif reporter:
        reporter.write_line(f"secret-free logs: scanned {len(SUITE_LOG.lines)} log records")
