"""Logging progress on a goal: `/goal update`, the "which goal?" buttons, the digest's button.

Any member (rep, marketer or leader; admins always) may log progress; checked on every path.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot.goals.input import InputError, parse_progress, split_update
from bot.goals.views import goals as views
from bot.goals.views.digest import LOG_PROGRESS
from bot.kernel.messages import ephemeral, notice_modal, usage
from bot.kernel.parsing import row_id
from bot.kernel.text import escape, unescape
from bot.platform import follow_up, permissions
from bot.platform.background import NOTE, record_lazy
from bot.platform.delivery import Post
from storage import goals

MEMBERS = ("leader", "marketer", "rep")


def register(app: Any) -> None:
    app.view(views.LOG_CALLBACK)(submit_progress)
    app.action(LOG_PROGRESS)(open_log_form)
    app.action(re.compile(rf"^{views.PICK_ACTION}_\d+$"))(ack=pick_goal, lazy=[tell_picked])


def update_command(
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
    session: Session,
    team: str,
    user: str,
    goal_id: int,
    progress: str,
    note: str,
    key: str,
    dm_key: str | None = None,
    commit: bool = True,
) -> tuple[dict[str, Any], str | None]:
    """Validate and record an update once per delivery `key`, in one transaction with its
    confirmation DM (under `dm_key`, if any): (reply, field in error or None). With `commit`
    False the caller adds to the transaction and commits it."""
    try:
        step = parse_progress(progress)
    except InputError as exc:
        return usage(escape(str(exc)), *views.EXAMPLES[1:3]), "progress"  # it echoes input
    try:
        update, created = goals.add_progress(
            session,
            team,
            goal_id,
            user,
            step.amount,
            is_delta=step.is_delta,
            note=note,
            source_key=key,
        )
    except goals.GoalError as exc:
        session.rollback()  # nothing of this delivery is kept: a corrected resubmission counts
        if exc.code == "gone":
            return usage("That goal no longer exists. `/goal list` shows them all."), "goal"
        return usage("Progress cannot go below 0.", *views.EXAMPLES[1:3]), "progress"
    if not created:
        session.rollback()  # nothing was written; end the transaction (SQLite: its write lock)
        return usage("That update was already recorded."), None
    goal = goals.get(session, team, goal_id)
    assert goal is not None
    reply = views.update_saved(goal, update)
    if dm_key is not None:  # the form just closes: confirm in a DM, recorded with the update
        message = {k: v for k, v in reply.items() if k in ("text", "blocks")}
        follow_up.record_post(session, team, dm_key, Post("chat.postMessage", user, message))
    if commit:
        session.commit()
    return reply, None


def open_log_form(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The digest's "Log progress" button: any member (anyone else sees a notice on the same
    trigger; the ack waits on no response_url)."""
    team, user = body["team"]["id"], body["user"]["id"]
    ack()
    with Session(context["engine"]) as session:
        if not permissions.allowed(session, context["settings"], team, user, *MEMBERS):
            view = notice_modal(permissions.refusal("reps", "marketers", "leaders"))
        else:
            view = views.log_modal(goals.active(session, team))
    client.views_open(trigger_id=body["trigger_id"], view=view)


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
            row_id(goal_id) or 0,
            fields.get("progress") or "",
            fields.get("note") or "",
            f"view:{view['id']}",
            dm_key=f"progress-dm:{view['id']}",
        )
    if field is not None:
        error = unescape(reply["text"].split("\n")[0])  # a form's error is plain text
        ack(response_action="errors", errors={field: error[:150]})
        return
    ack()


def pick_goal(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """A button from the "which goal?" choice: apply the update it carries. The update and the
    follow-up that tells the clicker (tell_picked, with the reply as its note) commit together."""
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
            # Keyed on the message the buttons are in: a double click (or a second button of
            # the same choice) logs the update once; each click has its own trigger id.
            message = (body.get("container") or {}).get("message_ts") or body["trigger_id"]
            key = f"choice:{message}:{user}"
            reply = _apply(session, team, user, goal_id, progress, note, key, commit=False)[0]
        # Every reply here is ephemeral(text): the text is all the follow-up needs.
        record_lazy(session.connection(), context, team, tell_picked.__name__, body, reply["text"])
        session.commit()


def tell_picked(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Lazy: replace the choice with what the click did (a failed reply is retried)."""
    text = context.get(NOTE)
    if text and body.get("response_url"):
        follow_up.reply(respond, {**ephemeral(str(text)), "replace_original": True})
