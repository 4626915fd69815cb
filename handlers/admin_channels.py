"""When Lockstep joins a channel, it introduces itself there, once."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from sqlmodel import Session

from bot.admin.doctor import channels_to_check
from bot.admin.views.intro import introduction
from bot.platform.delivery import Post


def register(app: Any) -> None:
    app.event("member_joined_channel")(ack=_ack, lazy=[introduce])


def _ack(ack: Ack) -> None:
    ack()


def introduce(event: dict[str, Any], context: BoltContext) -> None:
    """Post the introduction when the joiner is Lockstep itself (the outbox key keeps it once)."""
    if event.get("user") != context.bot_user_id:
        return
    channel = event["channel"]
    with Session(context["engine"]) as session:
        purposes = [p for c, p in channels_to_check(session) if c == channel]
    post = Post("chat.postMessage", channel, introduction(purposes))
    context["outbox"].submit(context.team_id or "", f"intro:{channel}", post)
