"""Reactions on a weekly digest: recorded (who, what, on which digest); removing deletes.

Slack redelivers events (X-Slack-Retry-Num); the event id receipt (committed with the change)
and the unique (digest, user, reaction) constraint make a redelivery change nothing.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from sqlmodel import Session

from storage import goals_digests as digests
from storage import receipts


def register(app: Any) -> None:
    app.event("reaction_added")(reaction_changed)
    app.event("reaction_removed")(reaction_changed)


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
