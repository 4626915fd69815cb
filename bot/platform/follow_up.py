"""Follow-up posts recorded in the transaction of the write they follow."""

from __future__ import annotations

from sqlmodel import Session

from bot.platform.delivery import Post
from storage import outbox


def record_post(session: Session, team_id: str, key: str, post: Post) -> int:
    """Record `post` under `key` in the session's transaction; its outbox id.

    It commits with the user's write or not at all, and nothing waits on Slack here: the
    background worker (or the scheduler's outbox job) sends it after the ack.
    """
    payload = {**post.payload, "channel": post.channel}
    conn = session.connection()
    message_id, _ = outbox.record(conn, team_id, key, post.method, post.channel, payload)
    return message_id
