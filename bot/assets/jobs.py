"""Owner DMs about asset feedback: at most one at once and one batch per hour per owner."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.assets.views import feedback as feedback_views
from bot.platform.delivery import Post
from bot.platform.runtime import Runtime
from storage import assets
from storage.clock import utcnow
from storage.models import Asset, AssetFeedback


def hour_window(moment: datetime) -> str:
    """The UTC hour a moment falls in, as a key part: 2026-11-22T09."""
    return moment.strftime("%Y-%m-%dT%H")


def notify_owner(runtime: Runtime, team_id: str, feedback_id: int) -> bool:
    """DM the asset owner about new feedback at once if it is the first for them this hour;
    later feedback in the same hour waits for the hourly batch. True when a DM went out."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        fb = session.get(AssetFeedback, feedback_id)
        asset = assets.get(session, team_id, fb.asset_id) if fb and fb.asset_id else None
        if fb is None or fb.notified_at is not None:
            return False
        if asset is None or asset.owner_id == fb.user_id:  # nobody else to tell
            assets.mark_notified(session, [feedback_id], utcnow())
            return False
    key = f"asset-feedback-dm:{asset.owner_id}:{hour_window(fb.created_at)}"
    message = feedback_views.owner_dm([(fb, asset)])
    row = runtime.outbox.submit(team_id, key, Post("chat.postMessage", asset.owner_id, message))
    if feedback_id not in feedback_views.feedback_ids(row.payload):
        return False  # an earlier feedback this hour took the instant DM: this one is batched
    with Session(runtime.engine) as session:
        assets.mark_notified(session, [feedback_id], utcnow())
    return True


def flush_feedback_batches(runtime: Runtime, now: datetime) -> int:
    """One DM per owner per finished hour with the feedback that was not sent at once."""
    hour_start = now.replace(minute=0, second=0, microsecond=0)
    with Session(runtime.engine, expire_on_commit=False) as session:
        pending = assets.pending_notifications(session, before=hour_start)
    pending = [(fb, asset) for fb, asset in pending if runtime.installed(fb.team_id)]
    groups: dict[tuple[str, str, str], list[tuple[AssetFeedback, Asset]]] = defaultdict(list)
    for fb, asset in pending:
        if asset.owner_id == fb.user_id:
            continue
        groups[(fb.team_id, asset.owner_id, hour_window(fb.created_at))].append((fb, asset))
    for (team_id, owner, window), items in groups.items():
        message = feedback_views.owner_dm(items)
        key = f"asset-feedback-batch:{owner}:{window}"
        runtime.outbox.submit(team_id, key, Post("chat.postMessage", owner, message))
    with Session(runtime.engine) as session:
        assets.mark_notified(session, [fb.id for fb, _ in pending if fb.id is not None], now)
    return len(groups)


def run(runtime: Runtime, now: datetime) -> dict[str, Any]:
    """The periodic task: hourly feedback batches."""
    return {"feedback_batches": flush_feedback_batches(runtime, now)}
