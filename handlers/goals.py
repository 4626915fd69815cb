"""`/goal`: create, edit and archive shared goals (leaders, admins), list them; preview the digest.

Logging progress (`/goal update`, the digest's button) is in handlers/goals_progress.py.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot.goals import preview as digest_preview
from bot.goals.digest_data import collect
from bot.goals.input import validate_goal
from bot.goals.views import goals as views
from bot.kernel.messages import ephemeral, usage
from bot.kernel.parsing import command_text, row_id, split_command
from bot.kernel.text import safe
from bot.platform import permissions
from bot.platform.delivery import Post
from bot.platform.follow_up import record_post
from handlers import goals_progress as progress
from storage import goals, workspaces
from storage.clock import utcnow

COMMAND = "/goal"
LEADS = ("leader",)


def register(app: Any) -> None:
    app.command(COMMAND)(goal_command)
    app.view(views.FORM_CALLBACK)(submit_goal)


def goal_command(
    ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    sub, rest = split_command(command_text(command.get("text")))
    team = command["team_id"]
    with Session(context["engine"], expire_on_commit=False) as session:
        if sub == "list":
            ws = workspaces.get_or_create(session, team, context["settings"].lockstep_timezone)
            data = collect(
                session, team, ZoneInfo(ws.timezone), utcnow(), goals.active(session, team)
            )
            ack(views.goal_list(data.goals, data.today))
        elif sub == "update":
            ack(progress.update_command(session, context, command, rest))
        elif sub == "archive":
            ack(_archive(session, context, command, rest))
        elif sub in ("new", "edit"):
            _open_form(ack, client, session, context, command, rest if sub == "edit" else None)
        else:
            ack(usage("Here is what `/goal` does.", *views.EXAMPLES))


def _open_form(
    ack: Ack,
    client: WebClient,
    session: Session,
    context: BoltContext,
    command: dict[str, Any],
    edit: str | None,
) -> None:
    team, user = command["team_id"], command["user_id"]
    if not permissions.allowed(session, context["settings"], team, user, *LEADS):
        ack(ephemeral(permissions.refusal("leaders")))
        return
    goal = None
    if edit is not None:
        found = goals.find(session, team, edit)
        if len(found) != 1:
            names = ", ".join(f"`{safe(g.name, 60)}`" for g in found[:5]) or "none"
            ack(usage(f"Name one goal to edit (matches: {names}).", "/goal edit Signed contracts"))
            return
        goal = found[0]
    ws = workspaces.get_or_create(session, team, context["settings"].lockstep_timezone)
    session.commit()
    ack()
    today = utcnow().astimezone(ZoneInfo(ws.timezone)).date()
    client.views_open(
        trigger_id=command["trigger_id"], view=views.goal_form(goal, ws.digest_channel, today)
    )


def _archive(
    session: Session, context: BoltContext, command: dict[str, Any], rest: str
) -> dict[str, Any]:
    team, user = command["team_id"], command["user_id"]
    if not permissions.allowed(session, context["settings"], team, user, *LEADS):
        return ephemeral(permissions.refusal("leaders"))
    found = goals.find(session, team, rest)
    if len(found) != 1:
        names = ", ".join(f"`{safe(g.name, 60)}`" for g in found[:5]) or "none"
        return usage(f"Name one goal to archive (matches: {names}).", "/goal archive Q3 pipeline")
    goals.archive(session, found[0])
    return ephemeral(f":file_cabinet: *{safe(found[0].name, 100)}* is archived.")


def submit_goal(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """The goal form: leaders and admins only (checked again here), validated inline."""
    team, user = body["team"]["id"], body["user"]["id"]
    with Session(context["engine"], expire_on_commit=False) as session:
        if not permissions.allowed(session, context["settings"], team, user, *LEADS):
            ack(response_action="errors", errors={"name": permissions.refusal("leaders")})
            return
        data = validate_goal(views.form_values(view["state"]["values"]))
        if isinstance(data, dict):
            ack(response_action="errors", errors=data)
            return
        editing = view.get("private_metadata", "")
        goal_id = row_id(editing)
        if editing and (goal_id is None or goals.get(session, team, goal_id) is None):
            ack(response_action="errors", errors={"name": "That goal no longer exists."})
            return
        key = f"view:{view['id']}"
        if not editing:  # a redelivered submission finds the goal it created: no name clash
            earlier = goals.by_source(session, team, key)
            goal_id = earlier.id if earlier is not None else None
        if goals.name_taken(session, team, data.name, goal_id):
            ack(response_action="errors", errors={"name": "A goal with this name already exists."})
            return
        if editing:
            goal = goals.change(session, team, goal_id or 0, data)
        else:
            added = goals.add(session, team, data, user, key)
            goal = added[0] if added is not None else None
        if goal is None:  # lost a race for the name, or the goal was removed meanwhile
            ack(response_action="errors", errors={"name": "That name is taken; try another."})
            return
        ws = workspaces.get_or_create(session, team, context["settings"].lockstep_timezone)
        message = views.goal_saved(goal, not editing, ws.digest_channel)
        post = Post("chat.postMessage", user, message)
        record_post(session, team, f"goal-saved:{view['id']}", post)  # sent after the ack
        session.commit()
    ack()


def preview(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    """`/lockstep preview digest`: the digest as it would post now, to the asker only."""
    if rest.strip().lower() != "digest":
        return usage("I can preview the digest.", "/lockstep preview digest")
    with Session(context["engine"], expire_on_commit=False) as session:
        message = digest_preview.digest(session, context["settings"], command["team_id"], utcnow())
        session.commit()
    return message
