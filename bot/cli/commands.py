"""The `lockstep` command and its subcommands (run, demo, db, jobs, outbox, export, doctor...)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.cli import workspaces
from bot.cli.common import database as _database
from bot.cli.common import fail, settings_or_exit
from bot.platform import logs
from bot.platform.config import README_SETUP, Settings
from storage.db import make_engine
from storage.migrate import upgrade


@click.group()
def main() -> None:
    """Lockstep: one feedback loop for sales and marketing, inside Slack."""


@main.command()
@click.option(
    "--http", "http_mode", is_flag=True, help="Serve HTTP on /slack/events instead of Socket Mode."
)
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=3000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="HTTP worker processes.")
@click.option(
    "--no-scheduler", is_flag=True, help="Serve requests only (another process schedules)."
)
def run(http_mode: bool, host: str, port: int, workers: int, no_scheduler: bool) -> None:
    """Start Lockstep (Socket Mode by default); applies pending migrations first."""
    settings = settings_or_exit()
    if settings.oauth and not http_mode:
        fail("SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (Add to Slack) need HTTP mode: "
             f"`lockstep run --http`; see {README_SETUP}.")  # fmt: skip
    if bool(settings.slack_client_id) != bool(settings.slack_client_secret):
        fail(f"set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, or neither; see {README_SETUP}.")
    needed = (
        ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
        if http_mode
        else ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]
    )
    if settings.oauth:  # each workspace's token comes from its installation
        needed = ["SLACK_SIGNING_SECRET"]
    missing = [name for name in needed if not getattr(settings, name.lower())]
    if missing:
        mode = "HTTP mode" if http_mode else "Socket Mode"
        fail(f"{mode} needs {' and '.join(missing)}; see {README_SETUP}.")
    _check_token_shapes(settings, http_mode)
    logs.configure(settings.log_level, logs.secrets_of(settings))
    if http_mode:
        _check_port_free(host, port)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    app, scheduler, worker = _start_background(settings, engine, http_mode, no_scheduler)
    try:
        if http_mode:
            _serve_http(host, port, workers)
        else:
            _serve_socket_mode(app, settings.slack_app_token)
    finally:
        worker.stop()
        if scheduler is not None:
            scheduler.shutdown(wait=False)


TOKEN_SHAPES = {"SLACK_BOT_TOKEN": "xoxb-", "SLACK_APP_TOKEN": "xapp-"}


def _check_token_shapes(settings: Settings, http_mode: bool) -> None:
    """A token pasted into the wrong variable is named before anything connects."""
    names = ["SLACK_BOT_TOKEN"] if http_mode else ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]
    if settings.oauth:
        names = []
    for name in names:
        if not getattr(settings, name.lower()).startswith(TOKEN_SHAPES[name]):
            fail(
                f"{name} should start with {TOKEN_SHAPES[name]} (Slack app settings: "
                f"{'OAuth & Permissions' if name == 'SLACK_BOT_TOKEN' else 'Basic Information'}"
                f"); see {README_SETUP}."
            )


def _reason(exc: BaseException) -> str:
    """A short, secret-free reason for a failed connection to Slack."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error", "error"))
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return logs.TOKEN_PATTERN.sub("[redacted-token]", text)[:200]


def _start_background(
    settings: Settings, engine: Any, http_mode: bool, no_scheduler: bool
) -> tuple[Any, Any, Any]:
    """This process's one runtime, its scheduler (unless another process schedules) and the
    worker that runs the outbox: posts, and lazy listener runs (in HTTP mode, those the web
    workers recorded)."""
    from bot.platform.background import BackgroundWorker
    from bot.platform.runtime import build_runtime
    from bot.system import jobs
    from bot.system.app import create_app
    from bot.system.scheduler import build_scheduler, ensure_jobs
    from storage import outbox as outbox_rows

    runtime = build_runtime(settings, engine=engine)
    try:  # the app that runs lazy listeners (Bolt checks the bot token with auth.test)
        app = create_app(settings, runtime=runtime, socket_mode=not http_mode)
    except (BoltError, SlackClientError, OSError) as exc:
        fail(
            f"could not connect to Slack ({_reason(exc)}); check SLACK_BOT_TOKEN and "
            "SLACK_API_BASE_URL, or run `lockstep doctor`.",
            1,
        )
    with Session(engine) as session:  # posts paused for a bad token: the token may be new now
        outbox_rows.resume_paused(session)
    scheduler = None
    if not no_scheduler:
        jobs.bind(runtime)
        scheduler = build_scheduler(runtime.engine, settings.timezone)
        scheduler.start()
        ensure_jobs(scheduler)
    return app, scheduler, BackgroundWorker(runtime.outbox).start()


def _serve_socket_mode(app: Any, app_token: str) -> None:
    """Serve over Socket Mode until stopped; a refused app token or no network is one line."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    # A ping every 5 s (slack_sdk's own default; Bolt's handler uses 10): the same timer notices a
    # dropped connection within one interval (~4.5 s, 9.5 s at 10: scripts/bench_socket_mode.py).
    handler = SocketModeHandler(app, app_token, ping_interval=5)
    try:
        handler.connect()
    except (BoltError, SlackClientError, OSError) as exc:
        fail(
            f"could not open a Socket Mode connection ({_reason(exc)}); check SLACK_APP_TOKEN "
            "(an app-level token with connections:write), or run `lockstep doctor`.",
            1,
        )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop as on Ctrl-C: finally runs
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        handler.close()


def gunicorn_command(
    host: str, port: int, workers: int, app_ref: str = "bot.system.wsgi:create_wsgi_app()"
) -> list[str]:
    """How HTTP mode is served (the benchmark serves its bare-Bolt baseline the same way).

    `--reuse-port`: each worker listens on a socket of its own (SO_REUSEPORT) and the kernel
    spreads new connections over them. On one shared socket, whichever worker wakes first
    takes the connection, and a proxy's few keep-alive connections (or Slack's) often all
    landed on one worker: one core served everything while the other idled (measured with the
    benchmark: 30 or more of 32 connections on one worker in 7 runs of 12).

    gthread: a few threads per worker, so a slow request does not hold up the others.
    """
    options = {
        "--bind": f"{host}:{port}",
        "--workers": str(workers),
        "--worker-class": "gthread",
        "--threads": "4",
        "--backlog": "2048",
        "--graceful-timeout": "10",
    }
    args = [x for kv in options.items() for x in kv]
    # No control socket (gunicorn 25.1+ opens one by default in $XDG_RUNTIME_DIR or ~/.gunicorn;
    # Lockstep does not use it, a container's read-only home makes it log errors, and two
    # Lockstep servers on one machine would both claim the same path).
    flags = ["--reuse-port", "--no-control-socket"]
    return [sys.executable, "-m", "gunicorn", *flags, *args, app_ref]


def _check_port_free(host: str, port: int) -> None:
    """One clear line when the port is taken, before anything starts. gunicorn's workers bind
    with SO_REUSEPORT, which would let a second Lockstep on the same port share its traffic;
    this probe binds without it, so any listener already there - another Lockstep included -
    makes it fail."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no owner
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            fail(
                f"cannot listen on {host}:{port} ({reason}); is Lockstep or another server "
                "already running there? Choose another with --port.",
                1,
            )


def _serve_http(host: str, port: int, workers: int) -> None:
    """gunicorn in a child process (its workers ack and record lazy runs); this process keeps
    the scheduler and the background worker that runs them (no fork with threads)."""
    from bot.system.wsgi import LAZY_IN_BACKGROUND

    env = {**os.environ, LAZY_IN_BACKGROUND: "1"}
    child = subprocess.Popen(gunicorn_command(host, port, workers), env=env)
    signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    try:
        code = child.wait()
    except KeyboardInterrupt:
        child.terminate()
        code = child.wait()
    if code not in (0, -signal.SIGTERM):
        fail(f"the HTTP server stopped with exit code {code}", 1)


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations."""
    settings = settings_or_exit()
    upgrade(make_engine(settings.database_url))
    click.echo("Database is up to date.")


@main.group()
def outbox() -> None:
    """What Lockstep has to send: list it, retry what failed."""


@outbox.command("list")
@click.option(
    "--status",
    type=click.Choice(["pending", "sending", "sent", "failed"]),
    default=None,
    help="Only rows in this state (default: all).",
)
@click.option("--limit", default=50, show_default=True, type=int)
def outbox_list(status: str | None, limit: int) -> None:
    """The newest outbox rows: id, state, tries, what, where, and the last error."""
    from storage import outbox as rows

    engine = _database()
    with Session(engine) as session:
        found = rows.listed(session, status, limit=limit)
        counts = rows.count_by_status(session)
    click.echo(", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "empty")
    for row in found:
        what = row.payload.get("function") if row.method == "bolt.lazy" else row.method
        error = f"  {row.error}" if row.error else ""
        click.echo(
            f"{row.id:>7} {row.status:<8} {row.attempts:>2} tries  {what:<22} "
            f"{row.team_id}/{row.channel}{error}"
        )


@outbox.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-failed", is_flag=True, help="Every failed row.")
def outbox_retry(ids: tuple[int, ...], all_failed: bool) -> None:
    """Send failed rows again (after fixing what failed them): give ids, or --all-failed."""
    from storage import outbox as rows

    if not ids and not all_failed:
        fail("name the rows to retry (ids from `lockstep outbox list --status failed`) "
             "or use --all-failed.")  # fmt: skip
    engine = _database()
    with Session(engine) as session:
        count = rows.retry_failed(session, None if all_failed else list(ids))
    click.echo(f"{count} row(s) will be sent again by the running Lockstep.")


@main.command()
def jobs() -> None:
    """List scheduled jobs and their next run times."""
    from bot.system.scheduler import list_jobs

    settings = settings_or_exit()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    found = list_jobs(engine, settings.timezone)
    if not found:
        click.echo("No jobs scheduled yet; `lockstep run` schedules them.")
    for job in found:
        when = job.next_run.isoformat(timespec="minutes") if job.next_run else "paused"
        click.echo(f"{job.id:<40} next {when:<26} {job.name}")


@main.command()
@click.option(
    "--dir",
    "workdir",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the demo's SQLite file.",
)
def demo(workdir: Path) -> None:
    """See Lockstep work in a minute: no Slack workspace needed."""
    from bot.demo.main import run_demo

    workdir.mkdir(parents=True, exist_ok=True)
    run_demo(workdir.resolve(), click.echo)


@main.command()
@click.argument("what")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only rows from this date."
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
def export(what: str, fmt: str, since: Any, out_path: Path | None) -> None:
    """Export WHAT (questions, feedback, requests, goals, agendas) as CSV or JSON."""
    from sqlmodel import Session

    from bot.system import export as exporting

    known = exporting.exports()
    spec = known.get(what)
    if spec is None:
        fail(f"unknown export '{what}'; choose one of: {', '.join(sorted(known)) or 'none yet'}")
    settings = settings_or_exit()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    day = since.date() if since else None
    with Session(engine) as session:
        total = exporting.count(session, spec, day)
        items = exporting.rows(session, spec, day)
        out = out_path.open("w", newline="", encoding="utf-8") if out_path else sys.stdout
        try:
            show = out_path is not None and total > 1000
            with click.progressbar(
                length=total, label=f"Exporting {what}", file=sys.stderr, hidden=not show
            ) as bar:
                written = exporting.write(out, fmt, spec.columns, items, lambda: bar.update(1))
        finally:
            if out_path:
                out.close()
    if out_path:
        click.echo(f"Wrote {written} {what} to {out_path}.", err=True)


@main.command()
@click.argument("what", type=click.Choice(["digest", "agenda"]))
@click.option("--series", default="", help="The meeting series (for agenda).")
@click.option("--team", default="", help="The Slack team id (when the database holds several).")
def preview(what: str, series: str, team: str) -> None:
    """Render the next digest or agenda from the database as text and Block Kit, without posting."""
    from sqlmodel import Session

    from bot.demo.render import builder_link, render_message
    from bot.goals import preview as digest_preview
    from bot.meetings import preview as agenda_preview
    from storage.clock import utcnow

    settings = settings_or_exit()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with Session(engine) as session:
        team = team or _only_team(session)
        if what == "digest":
            message = digest_preview.digest(session, settings, team, utcnow())
            session.commit()
        else:
            if not series:
                fail("name the series: lockstep preview agenda --series 'Weekly check-in'")
            found, coming = agenda_preview.agenda(session, team, series, utcnow())
            if found is None:
                fail(f"no series called '{series}' in team {team}")
            if coming is None:
                fail(f"'{series}' has no coming meeting (paused, or every date skipped)")
            message = coming[1]
    click.echo(f"── {what} for team {team} (text) ──")
    for line in render_message(message, {}):
        click.echo(f"  {line}")
    click.echo(f"── Block Kit JSON ──\n{json.dumps(message.get('blocks', []), indent=2)}")
    click.echo(f"── Open in Block Kit Builder ──\n{builder_link(message.get('blocks', []))}")


def _only_team(session: Any) -> str:
    from sqlmodel import select

    from storage.models import Workspace

    teams = list(session.exec(select(Workspace.team_id)))
    if len(teams) == 1:
        return str(teams[0])
    if not teams:
        fail("no workspace in this database yet: run Lockstep and use it in Slack first")
    fail("several workspaces in this database: choose one with --team " + " | ".join(teams))


@main.command()
def doctor() -> None:
    """Check configuration, database, Slack token, scopes and channels; print what to fix."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackTokenRotationError

    from bot.admin.doctor import Check, run_checks
    from bot.platform.runtime import make_client

    settings = settings_or_exit()
    engine = make_engine(settings.database_url)
    installed: dict[str, WebClient] | None = None
    refused: list[Check] = []
    if settings.oauth:  # each installed workspace, with its own token
        from bot.platform.runtime import build_runtime
        from storage import installations

        runtime = build_runtime(settings, engine=engine)
        try:
            with engine.connect() as conn:
                teams = [team for team, _, _ in installations.installed_teams(conn)]
        except SQLAlchemyError:
            teams = []  # no tables yet: the schema check says what to do
        installed = {}
        for team in teams:
            try:  # resolving a token rotates it when it is about to expire (as a run would)
                installed[team] = runtime.client_for(team)
            except SlackTokenRotationError as exc:
                reason = exc.api_error.response.get("error") or "error"
                refused.append(
                    Check(
                        False,
                        f"{team}: Slack refused to refresh its token ({reason})",
                        "reinstall Lockstep in that workspace (open /slack/install)",
                    )
                )
    checks = run_checks(settings, engine, make_client(settings), installed) + refused
    for check in checks:
        mark = click.style("✓", fg="green") if check.ok else click.style("✗", fg="red")
        click.echo(f"{mark} {check.what}")
        if check.fix:
            click.echo(f"    → {check.fix}")
    failed = sum(not c.ok for c in checks)
    click.echo("All good." if not failed else f"{failed} problem(s) to fix.")
    sys.exit(1 if failed else 0)


main.add_command(workspaces.manifest)
main.add_command(workspaces.workspace)
main.add_command(workspaces.forget_user)
