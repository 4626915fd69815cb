"""Thin Slack listeners, one module per feature (`<feature>_<part>.py` beside it when a feature's
listeners outgrow one module); `register_all` wires every one of them."""

from __future__ import annotations

from typing import Any

from handlers import (
    admin,
    admin_channels,
    assets,
    assets_feedback,
    content_requests,
    content_requests_triage,
    goals,
    goals_progress,
    goals_reactions,
    home,
    meetings,
    people,
    questions,
    workspaces,
)


def register_all(app: Any) -> None:
    """Register every feature's listeners on `app` (explicit: greppable, no discovery).

    Bolt tries listeners in this order, so the busiest deliveries come first: prospect
    questions (the ack on Lockstep's hottest path) and reactions (every reaction in every
    channel Lockstep is in). A feature's own parts register from its main module
    (`questions` registers `questions_triage`; `meetings` its setup and actions)."""
    questions.register(app)
    goals_reactions.register(app)
    admin.register(app)
    assets.register(app)
    assets_feedback.register(app)
    content_requests.register(app)
    content_requests_triage.register(app)
    goals.register(app)
    goals_progress.register(app)
    meetings.register(app)
    admin_channels.register(app)
    home.register(app)
    people.register(app)
    workspaces.register(app)
