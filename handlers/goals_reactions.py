"""Reactions on a weekly digest (recorded: who, what, on which digest; removing deletes) and
the digest's per-goal menus, *I can help with…* / *I see a risk in…*.

Slack redelivers events (X-Slack-Retry-Num); the event id receipt (committed with the change)
and the unique (digest, user, reaction) constraint make a redelivery change nothing. A signal
is one row per (digest, goal, person, kind): a second pick or a retry adds none. A reaction on
the whole digest says "seen"; a signal is about the goal it names.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from sqlmodel import Session

from bot.goals.digest_data import shown_on
from bot.goals.views import digest as digest_views
from bot.kernel.messages import ephemeral
from bot.kernel.text import safe
from bot.platform import follow_up
from bot.platform.background import NOTE, record_lazy
from storage import goals, receipts
from storage import goals_digests as digests

SIGNALLED, ALREADY, NOT_HERE = "signalled", "already", "not-here"
SAID = {
    "help": ":raised_hands: Noted: you can help with *{goal}*. Leaders see it on the goal in "
    "the next agenda and on their Home tab.",
    "risk": ":warning: Noted: you see a risk in *{goal}*. Leaders see it on the goal in the "
    "next agenda and on their Home tab.",
}


def register(app: Any) -> None:
    app.event("reaction_added")(reaction_changed)
    app.event("reaction_removed")(reaction_changed)
    for action_id in digest_views.SIGNAL_KIND:
        app.action(action_id)(ack=signal, lazy=[after_signal])


def _picked(body: dict[str, Any]) -> tuple[str, int | None]:
    action = body["actions"][0]
    raw = str((action.get("selected_option") or {}).get("value") or "")
    return digest_views.SIGNAL_KIND.get(action.get("action_id", ""), ""), (
        int(raw) if raw.isdigit() else None
    )


def signal(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """A goal picked under *I can help with…* or *I see a risk in…* on a posted digest: one
    of the goals that digest showed."""
    ack()
    team, user = body["team"]["id"], body["user"]["id"]
    kind, goal_id = _picked(body)
    channel = (body.get("channel") or {}).get("id", "")
    ts = (body.get("message") or {}).get("ts", "")
    with Session(context["engine"], expire_on_commit=False) as session:
        digest = digests.by_message(session, team, channel, ts) if channel and ts else None
        goal = goals.get(session, team, goal_id) if goal_id is not None else None
        if digest is None or goal is None or not kind or not shown_on(session, digest, goal):
            note = NOT_HERE  # a preview, or a goal this digest did not show
        elif digests.add_signal(session, digest, goal_id or 0, user, kind):
            note = SIGNALLED
        else:
            note = ALREADY
        record_lazy(session.connection(), context, team, after_signal.__name__, body, note)
        session.commit()


def after_signal(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Lazy: tell the person what their pick did (only reads before it: a failed reply is
    retried)."""
    if not body.get("response_url"):
        return
    kind, goal_id = _picked(body)
    note = context.get(NOTE)
    if note == NOT_HERE:
        text = ":information_source: Pick a goal on the posted digest (not on a preview)."
    elif note == ALREADY:
        text = ":information_source: Already noted for that goal."
    else:
        with Session(context["runtime"].engine) as session:
            goal = goals.get(session, body["team"]["id"], goal_id or 0)
        text = SAID[kind].format(goal=safe(goal.name if goal else "?", 150))
    follow_up.reply(respond, {**ephemeral(text), "replace_original": False})


def reaction_changed(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    item = event.get("item") or {}
    team = body.get("team_id") or context.get("team_id") or ""
    channel, ts, user = item.get("channel"), item.get("ts"), event.get("user")
    if item.get("type") != "message" or not (team and channel and ts and user):
        return
    with Session(context["engine"], expire_on_commit=False) as session:
        digest = digests.by_message(session, team, channel, ts)
        if digest is None:
            return  # not a digest: nothing to record
        # The event's receipt joins the transaction the change below commits: a failure
        # keeps neither, and Slack's retry is handled as the first delivery.
        if not receipts.first_time(session, team, f"event:{body.get('event_id')}"):
            return
        if event["type"] == "reaction_added":
            digests.add_reaction(session, digest, user, event.get("reaction", ""))
        else:
            digests.remove_reaction(session, digest, user, event.get("reaction", ""))
