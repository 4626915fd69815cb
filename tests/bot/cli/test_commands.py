"""The `lockstep` command as a person runs it: real processes, real ports."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.fake_slack import FakeSlack
from tests.loopback import free_port
from tests.mention_scan import MentionGuard, RecordingSlackHTTP

LOCKSTEP = [sys.executable, "-m", "bot.cli"]
ROOT = Path(__file__).resolve().parents[3]


def clean_env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LOCKSTEP_"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path}/cli.db", "PYTHONPATH": str(ROOT)})
    env.update(values)
    return env


def lockstep(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LOCKSTEP, *args],
        cwd=tmp_path,
        env=clean_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_without_tokens_exits_2_with_one_line(tmp_path: Path) -> None:
    result = lockstep(tmp_path, "run")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SLACK_BOT_TOKEN" in lines[0] and "SLACK_APP_TOKEN" in lines[0]
    assert "README" in lines[0]


def test_http_mode_needs_signing_secret(tmp_path: Path) -> None:
    result = lockstep(tmp_path, "run", "--http", SLACK_BOT_TOKEN=BOT_TOKEN)
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" in result.stderr and "SLACK_APP_TOKEN" not in result.stderr


def test_bad_setting_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = lockstep(tmp_path, "db", "upgrade", LOCKSTEP_TIMEZONE="Nowhere/Land")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("lockstep: LOCKSTEP_TIMEZONE")


def test_db_upgrade_and_jobs(tmp_path: Path) -> None:
    assert lockstep(tmp_path, "db", "upgrade").returncode == 0
    result = lockstep(tmp_path, "jobs")
    assert result.returncode == 0
    # The jobs are static and kept in memory: listed as a scheduler started now would run them.
    assert "lockstep:outbox" in result.stdout and "Post what is due" in result.stdout


def wait_healthy(port: int, proc: subprocess.Popen[Any], timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"lockstep exited early: {proc.stderr.read() if proc.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                return dict(json.loads(r.read()))
        except OSError:
            time.sleep(0.2)
    raise AssertionError("lockstep --http never became healthy")


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def start_http(
    tmp_path: Path, slack: FakeSlack, workers: int, **env: str
) -> tuple[subprocess.Popen[str], int]:
    """`lockstep run --http` on a free loopback port, talking to the fake Slack."""
    port = free_port()
    where = ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(
        [*LOCKSTEP, "run", "--http", *where],
        cwd=tmp_path,
        env=clean_env(
            tmp_path,
            **{
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_BASE_URL": slack.base_url,
                **env,
            },
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, port


def test_http_mode_serves_events_and_healthz_under_gunicorn(
    tmp_path: Path, slack: FakeSlack, mention_guard: MentionGuard
) -> None:
    home = {"HOME": str(tmp_path), "XDG_RUNTIME_DIR": ""}
    proc, port = start_http(tmp_path, slack, 1, LOCKSTEP_ADMINS="U0BOSS0001", **home)
    try:
        assert wait_healthy(port, proc) == {"ok": True, "database": "ok"}
        assert not (tmp_path / ".gunicorn").exists()  # no control socket (unused; see cli)
        http = RecordingSlackHTTP(f"http://127.0.0.1:{port}", SIGNING_SECRET, mention_guard, slack)
        status, body = http.command("/lockstep", "help")
        assert status == 200 and body["response_type"] == "ephemeral"
        assert http.command("/lockstep", "help", bad_signature=True)[0] == 401
        jobs = lockstep(tmp_path, "jobs")
        assert "lockstep:outbox" in jobs.stdout
        # The gunicorn worker acks; the parent process's background worker runs the lazy work.
        http.command(
            "/lockstep", "config triage-channel <#C0TRIAGE01|triage>", user_id="U0BOSS0001"
        )
        status, body = http.command("/prospect-question", "Do you integrate with Salesforce CPQ?")
        assert status == 200 and "#1" in body["text"]
        post = slack.wait_for(
            "chat.postMessage", timeout=15, where=lambda c: c.params.get("channel") == "C0TRIAGE01"
        )[0]
        assert "Salesforce CPQ" in str(post.params.get("blocks"))
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert BOT_TOKEN not in err and SIGNING_SECRET not in err
    assert "gunicorn" in err.lower() or "Booting worker" in err


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["db", "--help"]])
def test_help_texts(tmp_path: Path, args: list[str]) -> None:
    assert lockstep(tmp_path, *args).returncode == 0


def test_unreachable_slack_is_one_clear_line(tmp_path: Path) -> None:
    result = lockstep(
        tmp_path,
        "run",
        "--http",
        "--port",
        str(free_port()),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_BASE_URL="http://127.0.0.1:9/api/",
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("lockstep: could not connect to Slack") and "lockstep doctor" in last
    assert BOT_TOKEN not in result.stderr


def test_rejected_token_is_one_clear_line(tmp_path: Path, slack: FakeSlack) -> None:
    slack.fail("auth.test", status=200, error="invalid_auth", times=-1)
    result = lockstep(
        tmp_path,
        "run",
        "--http",
        "--port",
        str(free_port()),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_BASE_URL=slack.base_url,
    )
    assert result.returncode == 1 and "invalid_auth" in result.stderr.strip().splitlines()[-1]


def test_a_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    """Workers bind with SO_REUSEPORT, which would let a second server share the port: the CLI
    refuses a taken port itself, before starting anything."""
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # as gunicorn's workers do
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = lockstep(
            tmp_path,
            "run",
            "--http",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_BASE_URL="http://127.0.0.1:9/api/",
        )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"lockstep: cannot listen on 127.0.0.1:{port}") and "--port" in last


LISTEN, ESTABLISHED = "0A", "01"  # TCP states as /proc/net/tcp writes them


def sockets_on(pid: int, port: int, state: str) -> set[str]:
    """Inodes of the TCP sockets on local `port` in `state` that process `pid` holds open."""
    wanted = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == state and int(fields[1].rsplit(":", 1)[1], 16) == port:
                wanted.add(fields[9])
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:[") and target[8:-1] in wanted:
            held.add(target[8:-1])
    return held


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc")
def test_http_workers_listen_on_sockets_of_their_own(tmp_path: Path, slack: FakeSlack) -> None:
    """With one shared listening socket, whichever worker woke first took each connection, and
    a proxy's few keep-alive connections could all land on one worker (one core for everything).
    Each worker has its own socket now, and the kernel spreads connections over them."""
    proc, port = start_http(tmp_path, slack, 2)
    try:
        wait_healthy(port, proc)
        workers: list[int] = []
        deadline = time.monotonic() + 20
        while len(workers) < 2 and time.monotonic() < deadline:  # gunicorn boots them in turn
            workers = [w for master in children(proc.pid) for w in children(master)]
            time.sleep(0.1)
        sockets = [sockets_on(w, port, LISTEN) for w in workers]
        assert len(sockets) == 2 and all(sockets) and not sockets[0] & sockets[1]
        # 16 keep-alive connections: all on one worker would be a 1 in 32,768 chance.
        held_by: dict[int, int] = {}
        connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
        try:
            for conn in connections:
                conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                assert conn.recv(4096).startswith(b"HTTP/1.1 200")
            for worker in workers:
                held_by[worker] = len(sockets_on(worker, port, ESTABLISHED))
        finally:
            for conn in connections:
                conn.close()
        assert sum(held_by.values()) == 16 and all(held_by.values()), held_by
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


def test_socket_mode_with_a_refused_app_token_is_one_clear_line(
    tmp_path: Path, slack: FakeSlack
) -> None:
    """Before, SocketModeHandler.start() let Slack's refusal out as a traceback."""
    slack.fail("apps.connections.open", status=200, error="invalid_auth", times=-1)
    result = lockstep(
        tmp_path, "run", SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN="xapp-1-A0-1-refused",
        SLACK_API_BASE_URL=slack.base_url,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("lockstep: could not open a Socket Mode connection (invalid_auth)")
    assert "SLACK_APP_TOKEN" in last and "xapp-1-A0-1-refused" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("SLACK_APP_TOKEN", BOT_TOKEN), ("SLACK_BOT_TOKEN", "xapp-1-A0-1-swapped")],
)
def test_a_token_in_the_wrong_variable_is_named(tmp_path: Path, variable: str, value: str) -> None:
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xapp-1-A0-1-ok", variable: value}
    result = lockstep(tmp_path, "run", **env)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert variable in line and value not in line


def test_the_gunicorn_factory_refuses_to_start_without_a_signing_secret(tmp_path: Path) -> None:
    """Before, bot.system.wsgi:create_wsgi_app() verified requests with a secret written in the
    repository ("socket-mode-no-signing") when SLACK_SIGNING_SECRET was not set."""
    code = "from bot.system.wsgi import create_wsgi_app; create_wsgi_app()"
    env = clean_env(
        tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_BASE_URL="http://127.0.0.1:9/api/"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "MissingSigningSecret" in result.stderr and "SLACK_SIGNING_SECRET" in result.stderr


def test_web_workers_log_at_the_level_set_with_secrets_redacted(
    tmp_path: Path, slack: FakeSlack
) -> None:
    """Before, logging was set up only in the `lockstep run` parent: gunicorn's workers logged
    through Python's last-resort handler, unredacted, and ignored LOG_LEVEL."""
    code = (
        "import logging\n"
        "from bot.system.wsgi import create_wsgi_app\n"
        "create_wsgi_app()\n"
        "log = logging.getLogger('lockstep.test')\n"
        "log.info('hidden at WARNING')\n"
        f"log.warning('token %s and secret %s', {BOT_TOKEN!r}, {SIGNING_SECRET!r})\n"
    )
    env = clean_env(
        tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_BASE_URL=slack.base_url, LOG_LEVEL="WARNING",
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "hidden at WARNING" not in result.stderr
    assert "token [redacted" in result.stderr and "and secret [redacted]" in result.stderr
    assert BOT_TOKEN not in result.stderr and SIGNING_SECRET not in result.stderr


def test_outbox_list_shows_failed_rows_and_retry_sends_them_again(tmp_path: Path) -> None:
    from sqlmodel import Session

    from storage import outbox
    from storage.db import make_engine

    assert lockstep(tmp_path, "db", "upgrade").returncode == 0
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    with Session(engine) as session:
        row, _ = outbox.enqueue(
            session, "T0FAKE0001", "triage:7", "chat.postMessage", "C0GONE0001", {"text": "x"}
        )
        claimed = outbox.claim(session, row.id or 0, timedelta(minutes=2))
        assert claimed is not None
        outbox.mark_failed(session, claimed, "channel_not_found")
    engine.dispose()
    listed = lockstep(tmp_path, "outbox", "list", "--status", "failed")
    assert listed.returncode == 0
    assert "1 failed" in listed.stdout and "channel_not_found" in listed.stdout
    assert lockstep(tmp_path, "outbox", "retry").returncode == 2  # ids or --all-failed
    retried = lockstep(tmp_path, "outbox", "retry", str(row.id))
    assert retried.returncode == 0 and retried.stdout.startswith("1 row")
    assert "1 pending" in lockstep(tmp_path, "outbox", "list").stdout


def test_run_builds_one_runtime_for_the_app_the_scheduler_and_the_worker(
    tmp_path: Path, slack: FakeSlack
) -> None:
    """Before, Socket Mode built two: one for the scheduler, another inside create_app."""
    from bot.cli import commands as cli
    from bot.system import jobs
    from storage.db import make_engine
    from storage.migrate import upgrade
    from tests.conftest import make_settings

    settings = make_settings(
        slack.base_url, f"sqlite:///{tmp_path}/one.db", SLACK_APP_TOKEN="xapp-1-A0-1-ok"
    )
    engine = make_engine(settings.database_url)
    upgrade(engine)
    app, scheduler, worker = cli._start_background(settings, engine, False, False)
    try:
        runtime = app.lockstep_runtime
        assert jobs.current() is runtime and worker.outbox is runtime.outbox
        assert runtime.engine is engine and runtime.outbox.lazy_handler is not None
    finally:
        worker.stop()
        scheduler.shutdown(wait=False)
        jobs.bind(None)
