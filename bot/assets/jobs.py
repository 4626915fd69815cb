"""Owner DMs about asset feedback: at most one at once and one batch per hour per owner."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.assets.views import feedback as feedback_views
from bot.platform.delivery import Post
from bot.platform.follow_up import record_post_to_send
from bot.platform.runtime import Runtime
from storage import assets
from storage.clock import utcnow
from storage.models import Asset, AssetFeedback


def hour_window(moment: datetime) -> str:
    """The UTC hour a moment falls in, as a key part: 2026-11-22T09."""
    return moment.strftime("%Y-%m-%dT%H")


def notify_owner(runtime: Runtime, team_id: str, feedback_id: int) -> bool:
    """DM the asset owner about new feedback at once if it is the first for them this hour;
    later feedback in the same hour waits for the hourly batch. True when a DM went out.

    The feedback is claimed (`notified_at`) in the transaction that records the DM, so the
    hourly batch, which claims the same way, never lists it a second time."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        fb = session.get(AssetFeedback, feedback_id)
        asset = assets.get(session, team_id, fb.asset_id) if fb and fb.asset_id else None
        if fb is None or fb.notified_at is not None:
            return False
        if asset is None or asset.owner_id == fb.user_id:  # nobody else to tell
            assets.claim_notices(session, [feedback_id], utcnow())
            session.commit()
            return False
        if not assets.claim_notices(session, [feedback_id], utcnow()):
            return False  # the hourly batch took it meanwhile
        key = f"asset-feedback-dm:{asset.owner_id}:{hour_window(fb.created_at)}"
        post = Post("chat.postMessage", asset.owner_id, feedback_views.owner_dm([(fb, asset)]))
        message_id, created = record_post_to_send(session, team_id, key, post)
        if not created:
            session.rollback()  # an earlier feedback this hour took the instant DM: batched
            return False
        session.commit()
    runtime.outbox.run_claimed(message_id, key)
    return True


def flush_feedback_batches(runtime: Runtime, now: datetime) -> int:
    """One DM per owner per finished hour with the feedback that was not sent at once."""
    hour_start = now.replace(minute=0, second=0, microsecond=0)
    with Session(runtime.engine, expire_on_commit=False) as session:
        pending = assets.pending_notifications(session, before=hour_start)
    pending = [(fb, asset) for fb, asset in pending if runtime.installed(fb.team_id)]
    groups: dict[tuple[str, str, str], list[tuple[AssetFeedback, Asset]]] = defaultdict(list)
    for fb, asset in pending:
        groups[(fb.team_id, asset.owner_id, hour_window(fb.created_at))].append((fb, asset))
    batches = 0
    for (team_id, owner, window), items in groups.items():
        batches += _send_batch(runtime, team_id, owner, window, items, now)
    return batches


def _send_batch(
    runtime: Runtime,
    team_id: str,
    owner: str,
    window: str,
    items: list[tuple[AssetFeedback, Asset]],
    now: datetime,
) -> int:
    """Claim these feedback rows and record their DM in one transaction, the DM holding only
    the rows claimed here (the instant DM may have taken one meanwhile); 1 when it went out."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        claimed = set(assets.claim_notices(session, [fb.id for fb, _ in items if fb.id], now))
        told = [(fb, asset) for fb, asset in items if fb.id in claimed and fb.user_id != owner]
        if not told:  # nothing left, or only the owner's own feedback: nobody else to tell
            session.commit()
            return 0
        key = f"asset-feedback-batch:{owner}:{window}:{told[0][0].id}"
        post = Post("chat.postMessage", owner, feedback_views.owner_dm(told))
        message_id, _ = record_post_to_send(session, team_id, key, post)
        session.commit()
    runtime.outbox.run_claimed(message_id, key)
    return 1


def run(runtime: Runtime, now: datetime) -> dict[str, Any]:
    """The periodic task: hourly feedback batches."""
    return {"feedback_batches": flush_feedback_batches(runtime, now)}
