"""Follow-up posts recorded in the transaction of the write they follow, and a follow-up's
reply to its delivery's response_url."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import Respond
from sqlmodel import Session

from bot.platform.delivery import LEASE, Post
from storage import outbox


def record_post(session: Session, team_id: str, key: str, post: Post) -> int:
    """Record `post` under `key` in the session's transaction; its outbox id.

    It commits with the user's write or not at all, and nothing waits on Slack here: the
    background worker (or the scheduler's outbox job) sends it after the ack.
    """
    return _record(session, team_id, key, post, None)[0]


def record_post_to_send(session: Session, team_id: str, key: str, post: Post) -> tuple[int, bool]:
    """Record `post` under `key` in the session's transaction, already claimed by this process:
    (outbox id, created). After the commit the caller sends a new row with `Outbox.run_claimed`
    (if it cannot, the background worker takes the row when the claim's lease runs out)."""
    return _record(session, team_id, key, post, LEASE)


def _record(
    session: Session, team_id: str, key: str, post: Post, claimed_for: timedelta | None
) -> tuple[int, bool]:
    payload = {**post.payload, "channel": post.channel}
    conn = session.connection()
    return outbox.record(
        conn, team_id, key, post.method, post.channel, payload, claimed_for=claimed_for
    )


class ReplyNotTaken(Exception):
    """Slack did not take a reply to a response_url for now (429, 5xx): the follow-up that
    sent it fails, so the outbox runs it again."""


def reply(respond: Respond, message: dict[str, Any]) -> None:
    """Send `message` to the delivery's response_url from a follow-up; raise ReplyNotTaken on
    an answer worth retrying (a 4xx, such as an expired URL, would fail again: dropped)."""
    sent = respond(**message)
    if sent.status_code == 429 or sent.status_code >= 500:
        raise ReplyNotTaken(f"response_url answered {sent.status_code}")
