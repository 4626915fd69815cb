"""`lockstep doctor`: check configuration, database, token, scopes and channels; say what to fix."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from alembic.script import ScriptDirectory
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from bot.platform.config import Settings
from bot.platform.scopes import SCOPES
from storage.db import ping
from storage.migrate import alembic_config, current_revision
from storage.models import Goal, Workspace
from storage.models.meetings import MeetingSeries

TOKEN_FIXES = {
    "invalid_auth": "SLACK_BOT_TOKEN is wrong: copy the Bot User OAuth Token (xoxb-…) again",
    "token_revoked": "the token was revoked: reinstall the app and copy the new SLACK_BOT_TOKEN",
    "account_inactive": "the app was uninstalled: reinstall it from manifest.yml",
    "not_authed": "set SLACK_BOT_TOKEN",
}


@dataclass(frozen=True)
class Check:
    ok: bool
    what: str
    fix: str = ""


def run_checks(
    settings: Settings,
    engine: Engine,
    client: WebClient,
    installed: Mapping[str, WebClient] | None = None,
) -> list[Check]:
    """Every check, in order; later checks still run when earlier ones fail. With OAuth,
    `installed` holds a client with each installed workspace's own token: each is checked."""
    checks = [*_config(settings), *_database(engine)]
    if installed is None:
        return [*checks, *_slack(client, engine)]
    if not installed:
        checks.append(
            Check(False, "no workspace has installed Lockstep yet", "open /slack/install")
        )
    for team, team_client in installed.items():
        for check in _slack(team_client, engine, team):
            checks.append(Check(check.ok, f"{team}: {check.what}", check.fix))
    return checks


def _config(settings: Settings) -> Iterator[Check]:
    yield Check(True, f"configuration loads (database {settings.database_url.split(':')[0]})")
    if settings.oauth:
        ok = bool(settings.slack_signing_secret)
        yield Check(
            ok,
            "Add to Slack is on (SLACK_CLIENT_ID): each workspace's token from its installation",
            "" if ok else "set SLACK_SIGNING_SECRET and run `lockstep run --http`",
        )
        return
    socket = bool(settings.slack_bot_token and settings.slack_app_token)
    http = bool(settings.slack_bot_token and settings.slack_signing_secret)
    if socket or http:
        modes = " and ".join(m for m, on in (("Socket Mode", socket), ("HTTP mode", http)) if on)
        yield Check(True, f"tokens present for {modes}")
    else:
        yield Check(
            False,
            "no mode can start",
            "set SLACK_BOT_TOKEN plus SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP)",
        )


def _database(engine: Engine) -> Iterator[Check]:
    if not ping(engine):
        yield Check(False, "database unreachable", "check DATABASE_URL and that the server runs")
        return
    yield Check(True, "database answers")
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    try:
        current = current_revision(engine)
    except SQLAlchemyError:
        current = None
    if current == head:
        yield Check(True, f"database schema is current ({head})")
    else:
        yield Check(
            False,
            f"database schema is at {current or 'nothing'}, code expects {head}",
            "run `lockstep db upgrade` (or just `lockstep run`)",
        )


def _slack(client: WebClient, engine: Engine, team: str | None = None) -> Iterator[Check]:
    try:
        auth = client.auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error", "error"))
        yield Check(
            False,
            f"Slack rejected the token: {error}",
            TOKEN_FIXES.get(error, "check SLACK_BOT_TOKEN"),
        )
        return
    except (SlackClientError, OSError) as exc:
        yield Check(
            False,
            f"Slack unreachable: {type(exc).__name__}",
            "check the network and SLACK_API_BASE_URL",
        )
        return
    yield Check(True, f"token works for team {auth.get('team_id')} as bot {auth.get('user_id')}")
    headers = {k.lower(): v for k, v in auth.headers.items()}
    granted = {s.strip() for s in headers.get("x-oauth-scopes", "").split(",") if s.strip()}
    missing = sorted(set(SCOPES) - granted)
    if missing:
        yield Check(
            False,
            f"missing scopes: {', '.join(missing)}",
            "update the app from manifest.yml and reinstall it to the workspace",
        )
    else:
        yield Check(True, f"all {len(SCOPES)} scopes from manifest.yml are granted")
    yield from _channels(client, engine, team)


def channels_to_check(session: Session, team: str | None = None) -> list[tuple[str, str]]:
    """(channel id, what Lockstep posts there) for every channel the configuration names."""
    found: dict[str, list[str]] = {}

    def add(channel: str | None, purpose: str) -> None:
        if channel and purpose not in found.setdefault(channel, []):
            found[channel].append(purpose)

    teams = [team] if team is not None else None
    workspaces = select(Workspace)
    goals = select(Goal.channel).where(
        col(Goal.channel).is_not(None), col(Goal.archived).is_(False)
    )
    series_of = select(MeetingSeries).where(col(MeetingSeries.paused).is_(False))
    if teams is not None:
        workspaces = workspaces.where(col(Workspace.team_id).in_(teams))
        goals = goals.where(col(Goal.team_id).in_(teams))
        series_of = series_of.where(col(MeetingSeries.team_id).in_(teams))
    for ws in session.exec(workspaces):
        add(ws.triage_channel, "triage posts")
        add(ws.digest_channel, "the weekly digest")
    for goal_channel in session.exec(goals.distinct()):
        add(goal_channel, "the weekly digest")
    for series in session.exec(series_of):
        add(series.channel, f"agendas of {series.name}")
    return [(channel, " and ".join(purposes)) for channel, purposes in found.items()]


def _channels(client: WebClient, engine: Engine, team: str | None = None) -> Iterator[Check]:
    with Session(engine) as session:
        channels = channels_to_check(session, team)
    if not channels:
        yield Check(True, "no channels configured yet (`/lockstep config triage-channel #channel`)")
    for channel, purpose in channels:
        try:
            info = client.conversations_info(channel=channel)["channel"]
        except SlackApiError as exc:
            error = str(exc.response.get("error", "error"))
            yield Check(
                False,
                f"<#{channel}> ({purpose}): {error}",
                "choose another channel with `/lockstep config`",
            )
            continue
        name = f"#{info.get('name', channel)}"
        if info.get("is_archived"):
            yield Check(
                False, f"{name} ({purpose}) is archived", "unarchive it or choose another channel"
            )
        elif not info.get("is_member"):
            yield Check(
                False,
                f"Lockstep is not in {name} ({purpose})",
                f"type `/invite @Lockstep` in {name}",
            )
        else:
            yield Check(True, f"Lockstep is in {name} ({purpose})")
