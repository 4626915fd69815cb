"""`/goal`: create and edit shared goals (leaders, admins), log progress (any member), list."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot import permissions
from bot.clock import utcnow
from bot.delivery import Post
from bot.digest_data import collect
from bot.goal_input import InputError, parse_progress, split_update, validate_goal
from bot.parsing import command_text, split_command
from bot.text import safe
from bot.views import goals as views
from bot.views.common import ephemeral, usage
from bot.views.digest import LOG_PROGRESS, preview_message
from storage import goals, receipts, workspaces

COMMAND = "/goal"
LEADS = ("leader",)
MEMBERS = ("leader", "marketer", "rep")


def register(app: Any) -> None:
    app.command(COMMAND)(goal_command)
    app.view(views.FORM_CALLBACK)(submit_goal)
    app.view(views.LOG_CALLBACK)(submit_progress)
    app.action(LOG_PROGRESS)(open_log_form)
    app.action(re.compile(rf"^{views.PICK_ACTION}_\d+$"))(pick_goal)


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
            ack(_update(session, context, command, rest))
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


def _update(
    session: Session, context: BoltContext, command: dict[str, Any], rest: str
) -> dict[str, Any]:
    team, user = command["team_id"], command["user_id"]
    if not permissions.allowed(session, context["settings"], team, user, *MEMBERS):
        return ephemeral(permissions.refusal("reps", "marketers", "leaders"))
    readings = split_update(rest)
    if not readings:
        return usage("Tell me the goal and a number.", *views.EXAMPLES[1:3])
    found, progress, note = goals.match_update(session, team, readings)
    if not found:
        return usage("I found no goal by that name. `/goal list` shows them all.")
    if len(found) > 1:
        return views.choose_goal(found, progress, note)
    key = f"trigger:{command['trigger_id']}"
    return _apply(session, team, user, found[0].id or 0, progress, note, key)[0]


def _apply(
    session: Session, team: str, user: str, goal_id: int, progress: str, note: str, key: str
) -> tuple[dict[str, Any], str | None]:
    """Validate and record an update once per delivery: (reply, field in error or None)."""
    try:
        step = parse_progress(progress)
    except InputError as exc:
        return usage(str(exc), *views.EXAMPLES[1:3]), "progress"
    goal = goals.get(session, team, goal_id)
    if goal is None:
        return usage("That goal no longer exists. `/goal list` shows them all."), "goal"
    new_value = goal.current_value + step.amount if step.is_delta else step.amount
    if new_value < 0:
        return usage("Progress cannot go below 0.", *views.EXAMPLES[1:3]), "progress"
    if not receipts.first_time(session, team, key):
        return usage("That update was already recorded."), None
    update = goals.log_progress(
        session, team, goal_id, user, step.amount, is_delta=step.is_delta, note=note
    )
    assert update is not None
    return views.update_saved(goal, update), None


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
        goal_id = int(editing) if editing.isdigit() else None
        if goals.name_taken(session, team, data.name, goal_id):
            ack(response_action="errors", errors={"name": "A goal with this name already exists."})
            return
        if not receipts.first_time(session, team, f"view:{view['id']}"):
            ack()  # the same submission delivered again: done the first time
            return
        if goal_id is not None:
            goal = goals.edit(session, team, goal_id, data)
        else:
            goal = goals.create(session, team, data, created_by=user)
        if goal is None:  # lost a race for the name, or the goal was removed meanwhile
            ack(response_action="errors", errors={"name": "That name is taken; try another."})
            return
        ack()
        ws = workspaces.get_or_create(session, team, context["settings"].lockstep_timezone)
        session.commit()
    post = Post("chat.postMessage", user, views.goal_saved(goal, not editing, ws.digest_channel))
    context["outbox"].submit(team, f"goal-saved:{view['id']}", post)


def open_log_form(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """The digest's "Log progress" button: any member."""
    team, user = body["team"]["id"], body["user"]["id"]
    ack()
    with Session(context["engine"]) as session:
        if not permissions.allowed(session, context["settings"], team, user, *MEMBERS):
            respond(
                **ephemeral(permissions.refusal("reps", "marketers", "leaders")),
                replace_original=False,
            )
            return
        active = goals.active(session, team)
    client.views_open(trigger_id=body["trigger_id"], view=views.log_modal(active))


def submit_progress(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    team, user = body["team"]["id"], body["user"]["id"]
    fields = views.form_values(view["state"]["values"])
    with Session(context["engine"], expire_on_commit=False) as session:
        if not permissions.allowed(session, context["settings"], team, user, *MEMBERS):
            ack(
                response_action="errors",
                errors={"goal": permissions.refusal("reps", "marketers", "leaders")},
            )
            return
        goal_id = fields.get("goal") or ""
        reply, field = _apply(
            session,
            team,
            user,
            int(goal_id) if goal_id.isdigit() else 0,
            fields.get("progress") or "",
            fields.get("note") or "",
            f"view:{view['id']}",
        )
    if field is None:
        ack()
    else:
        ack(response_action="errors", errors={field: reply["text"].split("\n")[0][:150]})


def pick_goal(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """A button from the "which goal?" choice: apply the update it carries."""
    ack()
    team, user = body["team"]["id"], body["user"]["id"]
    choice = views.read_choice(body["actions"][0].get("value", ""))
    with Session(context["engine"], expire_on_commit=False) as session:
        if not permissions.allowed(session, context["settings"], team, user, *MEMBERS):
            reply = ephemeral(permissions.refusal("reps", "marketers", "leaders"))
        elif choice is None:
            reply = usage("That choice is no longer valid.", *views.EXAMPLES[1:2])
        else:
            goal_id, progress, note = choice
            key = f"trigger:{body['trigger_id']}"
            reply = _apply(session, team, user, goal_id, progress, note, key)[0]
    respond(**reply, replace_original=True)


def preview(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    """`/lockstep preview digest`: the digest as it would post now, to the asker only."""
    if rest.strip().lower() != "digest":
        return usage("I can preview the digest.", "/lockstep preview digest")
    team = command["team_id"]
    with Session(context["engine"], expire_on_commit=False) as session:
        ws = workspaces.get_or_create(session, team, context["settings"].lockstep_timezone)
        data = collect(session, team, ZoneInfo(ws.timezone), utcnow(), goals.active(session, team))
        session.commit()
    return preview_message(data)
