"""`/lockstep`: help, team configuration and roles."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from sqlmodel import Session

from bot.admin.views import config as views
from bot.admin.views.help import help_message
from bot.goals import digest_schedule
from bot.goals.input import InputError
from bot.kernel.messages import usage
from bot.kernel.parsing import channel_id, command_text, split_command, time_zone, user_id
from bot.platform import permissions
from bot.platform.background import NO_FOLLOW_UP
from bot.platform.config import Settings
from handlers import gaps, goals, people
from handlers.admin_stats import stats
from storage import roles, workspaces
from storage.models.core import ROLES
from storage.models.questions import REVIEW_CHOICES

COMMAND = "/lockstep"


def register(app: Any) -> None:
    app.command(COMMAND)(ack=lockstep_command, lazy=[gaps.after_gaps])
    gaps.register(app)


def lockstep_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    """Route `/lockstep <sub>`; each reply is the ack's ephemeral body (quick database work).
    Only `gaps` may have a follow-up (it sets NO_FOLLOW_UP back when it needs one)."""
    context[NO_FOLLOW_UP] = True
    # Decoded once from Slack's entities (as every command's text): echoed back, it is escaped
    # once, never twice ("&amp;amp;").
    sub, rest = split_command(command_text(command.get("text")))
    if sub in ("", "help"):
        ack(help_message())
        return
    action = SUBCOMMANDS.get(sub)
    if action is None:
        ack(usage(f"I don't know `{views.clip(sub)}`.", "/lockstep help"))
        return
    ack(action(context, command, rest))


def _config(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    team, user = command["team_id"], command["user_id"]
    settings = context["settings"]
    key, _, value = rest.partition(" ")
    with Session(context["engine"]) as session:
        if not permissions.allowed(session, settings, team, user):
            return views.refusal()
        if key.lower() in ("", "show"):
            ws = workspaces.get_or_create(session, team, settings.lockstep_timezone)
            session.commit()
            return views.config_summary(ws)
        if key.lower() == "triage-channel":
            channel = channel_id(value)
            if channel is None:
                return usage(
                    "Name the channel with #.", "/lockstep config triage-channel #marketing-triage"
                )
            workspaces.update(session, team, settings.lockstep_timezone, triage_channel=channel)
            return views.config_saved("Triage channel", f"<#{channel}>")
        if key.lower() == "timezone":
            if time_zone(value) is None:
                return usage(
                    "That is not a time zone I know.", "/lockstep config timezone Europe/Paris"
                )
            workspaces.update(session, team, settings.lockstep_timezone, timezone=value.strip())
            return views.config_saved("Time zone", value.strip())
        if key.lower() == "digest":
            return _config_digest(session, settings, team, value)
        if key.lower() in people.CONFIG_KEYS:
            return people.config(session, settings, team, key.lower(), value)
        if key.lower() == "answer-review":
            days = value.strip().removesuffix("days").strip()
            if not days.isdigit() or int(days) not in REVIEW_CHOICES:
                choices = ", ".join(str(d) for d in REVIEW_CHOICES)
                example = views.CONFIG_EXAMPLES[-1]
                return usage(f"Answers can be reviewed after {choices} days.", example)
            workspaces.update(session, team, settings.lockstep_timezone,
                              answer_review_days=int(days))  # fmt: skip
            return views.config_saved("Answers reviewed after", f"{int(days)} days")
    return usage(
        "I can set `triage-channel`, `timezone`, `digest`, `answer-review`, `nudges`, "
        "`working-hours` or `holiday`.",
        *views.CONFIG_EXAMPLES,
    )


def _config_digest(session: Session, settings: Settings, team: str, value: str) -> dict[str, Any]:
    """`digest <day> <HH:MM> [timezone] #channel`: when and where the weekly digest posts."""
    try:
        plan = digest_schedule.parse_schedule(value)
    except InputError as exc:
        return usage(str(exc), digest_schedule.EXAMPLE)
    changes: dict[str, object] = {
        "digest_weekday": plan.weekday,
        "digest_time": plan.time,
        "digest_channel": plan.channel,
    }
    if plan.timezone:
        changes["timezone"] = plan.timezone
    ws = workspaces.update(session, team, settings.lockstep_timezone, **changes)
    when = f"{views.WEEKDAYS[ws.digest_weekday]} {ws.digest_time} ({views.clip(ws.timezone)})"
    return views.config_saved("The weekly digest", f"{when} in <#{plan.channel}>")


def _role(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    team, actor = command["team_id"], command["user_id"]
    parts = rest.split()
    remove = bool(parts) and parts[0].lower() == "remove"
    if remove:
        parts = parts[1:]
    target = user_id(parts[0]) if parts else None
    role = parts[1].lower() if len(parts) > 1 else ""
    if target is None or role not in ROLES or len(parts) != 2:
        return usage("Name a person and one of: " + ", ".join(ROLES) + ".", *views.ROLE_EXAMPLES)
    with Session(context["engine"]) as session:
        if not permissions.allowed(session, context["settings"], team, actor):
            return views.refusal()
        if remove:
            changed = roles.revoke(session, team, target, role)
        else:
            changed = roles.grant(session, team, target, role, granted_by=actor)
    return views.role_changed(target, role, granted=not remove, changed=changed)


def _roles(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    with Session(context["engine"]) as session:
        held = {role: roles.members_with(session, command["team_id"], role) for role in ROLES}
    return views.role_list(held, context["settings"].admins)


SUBCOMMANDS = {
    "config": _config,
    "role": _role,
    "roles": _roles,
    "preview": goals.preview,
    "away": people.away,
    "back": people.back,
    "stats": stats,
    "gaps": gaps.gaps,
}
