"""The overdue-request DM to its owner (Deliver, Move the date, Decline), the move-date form,
and the DM telling the requester the new date."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.content_requests.views.forms import B_EXPECTED
from bot.content_requests.views.posts import DECLINE_BUTTON, DELIVER_BUTTON
from bot.kernel.forms import date_input, modal, state_value
from bot.kernel.text import mrkdwn, plain, safe

MOVE_DATE_BUTTON = "content_request_move_date"
MOVE_DATE_CALLBACK = "content_request_move_date_form"


def _button(action_id: str, text: str, request_id: int) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain(text, 75),
            "value": str(request_id)}  # fmt: skip


def overdue_dm(request_id: int, what: str, expected: date) -> dict[str, Any]:
    """To the owner, the morning after the expected date passed."""
    text = (
        f":calendar: Content request #{request_id} was expected by {expected.isoformat()} and "
        f"is not delivered yet:\n_{safe(what, 600)}_\nDeliver it, move the date (the rep who "
        "asked is told the new one) or decline it."
    )
    buttons = [
        {**_button(DELIVER_BUTTON, "Deliver", request_id), "style": "primary"},
        _button(MOVE_DATE_BUTTON, "Move the date", request_id),
        _button(DECLINE_BUTTON, "Decline", request_id),
    ]
    return {
        "text": f"Content request #{request_id} is past its expected date",
        "blocks": [
            {"type": "section", "text": mrkdwn(text)},
            {"type": "actions", "elements": buttons},
        ],
    }


def move_date_modal(request_id: int, what: str) -> dict[str, Any]:
    blocks = [
        {"type": "section", "text": mrkdwn(f"*Request #{request_id}*\n{safe(what, 600)}")},
        date_input(B_EXPECTED, "New expected date", optional=False),
    ]
    return modal(MOVE_DATE_CALLBACK, "Move the date", blocks, submit="Move",
                 metadata=str(request_id))  # fmt: skip


def read_move_date(values: dict[str, Any], today: date) -> tuple[date | None, dict[str, str]]:
    raw = state_value(values, B_EXPECTED)
    try:
        picked = date.fromisoformat(raw) if raw else None
    except ValueError:
        picked = None
    if picked is None:
        return None, {B_EXPECTED: "Pick the new date."}
    if picked < today:
        return None, {B_EXPECTED: "That date has passed: pick today or later."}
    return picked, {}


def date_moved_dm(request_id: int, what: str, expected: date) -> dict[str, Any]:
    text = (
        f":calendar: Your content request #{request_id} (_{safe(what, 300)}_) is now expected "
        f"by {expected.isoformat()}."
    )
    return {"text": f"Request #{request_id} now expected by {expected.isoformat()}",
            "blocks": [{"type": "section", "text": mrkdwn(text)}]}  # fmt: skip
