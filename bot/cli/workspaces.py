"""`lockstep manifest`, `lockstep workspace list|delete` and `lockstep forget-user`: the app's
manifest, and the workspaces (and people) in this database."""

from __future__ import annotations

import json

import click
from sqlmodel import Session

from bot.cli.common import database, fail
from bot.platform.config import ConfigError, load_settings


@click.command()
@click.option(
    "--http",
    "http_base",
    default=None,
    metavar="URL",
    help="HTTP mode: the public base URL, e.g. https://lockstep.example.com.",
)
def manifest(http_base: str | None) -> None:
    """Print the Slack app manifest (JSON) to create or update the app from."""
    from bot.system.manifest import manifest as build

    if http_base is not None and not http_base.startswith("https://"):
        fail("--http needs the https:// URL Slack will call, e.g. https://lockstep.example.com")
    oauth = False
    if http_base is not None:
        try:
            oauth = load_settings().oauth
        except ConfigError:
            oauth = False
    click.echo(json.dumps(build(http_base, oauth=oauth), indent=2))


@click.group()
def workspace() -> None:
    """The workspaces in this database: list them, delete one's data."""


@workspace.command("list")
def workspace_list() -> None:
    """Every workspace with data or an installation: id, name, installed, questions."""
    from sqlmodel import func, select

    from storage import installations
    from storage.models import Question, Workspace

    engine = database()
    with Session(engine) as session:
        teams = set(session.exec(select(Workspace.team_id)))
        teams |= set(session.exec(select(Question.team_id).distinct()))
        questions = dict(
            session.exec(select(Question.team_id, func.count()).group_by(Question.team_id)).all()
        )
    with engine.connect() as conn:
        installed = {team: (name, user) for team, name, user in installations.installed_teams(conn)}
    if not teams | set(installed):
        click.echo("No workspace yet.")
    for team in sorted(teams | set(installed)):
        name, user = installed.get(team, ("", ""))
        state = f"installed by {user}" if team in installed else "not installed"
        click.echo(f"{team:<12} {name or '-':<24} {state:<24} {questions.get(team, 0)} questions")


@workspace.command("delete")
@click.argument("team")
@click.option("--yes", is_flag=True, help="Really delete (export first).")
def workspace_delete(team: str, yes: bool) -> None:
    """Delete every row of workspace TEAM (its installation too), in one transaction."""
    from storage import workspaces_data

    if not yes:
        fail(f"this deletes all of {team}'s data for good. Export what you need first "
             "(`lockstep export questions --out q.csv`, ...), then add --yes.")  # fmt: skip
    engine = database()
    with engine.begin() as conn:
        counts = workspaces_data.delete_team(conn, team)
    total = sum(counts.values())
    detail = ", ".join(f"{n} {table}" for table, n in sorted(counts.items()))
    click.echo(f"Deleted {total} row(s) of {team}" + (f": {detail}." if detail else "."))


@click.command("forget-user")
@click.argument("team")
@click.argument("user")
@click.option("--yes", is_flag=True, help="Really forget them.")
def forget_user(team: str, user: str, yes: bool) -> None:
    """Take person USER out of workspace TEAM: what they wrote stays under a pseudonym, their
    roles, Home tab record and the messages Lockstep sent them go."""
    from storage import workspaces_data

    if not yes:
        fail(f"this replaces {user} by a pseudonym in {team} for good; add --yes.")
    engine = database()
    with engine.begin() as conn:
        alias, counts = workspaces_data.forget_user(conn, team, user)
    detail = ", ".join(f"{n} {table}" for table, n in sorted(counts.items())) or "no rows"
    click.echo(f"{user} is {alias} in {team} now ({detail}).")
