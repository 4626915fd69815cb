"""Helpers for goal and digest tests: goals made directly in storage, the goal form's values."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from storage import goals
from storage.models import Goal
from storage.models.goals import GoalInput

SALES, MKT = "U0SALES001", "U0MKTG0001"
DIGEST_CHANNEL = "C0DIGEST01"


def make_goal(
    session: Session,
    team: str,
    name: str = "Signed contracts",
    target: float = 100,
    start: date = date(2026, 1, 1),
    end: date = date(2026, 12, 31),
    channel: str | None = None,
) -> Goal:
    data = GoalInput(name, "deals", target, start, end, SALES, MKT, channel)
    goal = goals.create(session, team, data, created_by="U0LEAD0001")
    assert goal is not None
    return goal


def form(**overrides: Any) -> dict[str, dict[str, Any]]:
    """view.state.values of a filled goal form (override a field with a str or None)."""
    fields: dict[str, Any] = {
        "name": "Signed contracts",
        "unit": "deals",
        "target": "40",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "sales_owner": SALES,
        "marketing_owner": MKT,
        "channel": DIGEST_CHANNEL,
    }
    fields.update(overrides)
    kinds = {
        "start": ("datepicker", "selected_date"),
        "end": ("datepicker", "selected_date"),
        "sales_owner": ("users_select", "selected_user"),
        "marketing_owner": ("users_select", "selected_user"),
        "channel": ("conversations_select", "selected_conversation"),
    }
    values: dict[str, dict[str, Any]] = {}
    for block, value in fields.items():
        kind, key = kinds.get(block, ("plain_text_input", "value"))
        values[block] = {"value": {"type": kind, key: value}}
    return values
