"""Thin Slack listeners, one module per feature; `register_all` wires every one of them."""

from __future__ import annotations

from typing import Any

from handlers import (
    asset_feedback,
    assets,
    channels,
    content_request_triage,
    content_requests,
    goals,
    home,
    lockstep,
    meetings,
    progress,
    questions,
    reactions,
)


def register_all(app: Any) -> None:
    """Register every feature's listeners on `app` (explicit: greppable, no discovery).

    Bolt tries listeners in this order, so the busiest deliveries come first: prospect
    questions (the ack on Lockstep's hottest path) and reactions (every reaction in every
    channel Lockstep is in)."""
    questions.register(app)
    reactions.register(app)
    lockstep.register(app)
    assets.register(app)
    asset_feedback.register(app)
    content_requests.register(app)
    content_request_triage.register(app)
    goals.register(app)
    progress.register(app)
    meetings.register(app)
    channels.register(app)
    home.register(app)
