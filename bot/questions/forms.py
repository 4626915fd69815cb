"""Reading the question modals' values: clean fields, or inline errors by block id."""

from __future__ import annotations

import re
from typing import Any

from bot.kernel.parsing import row_id
from bot.questions.views.modals import FIELDS
from storage.models.questions import (
    DEFAULT_REVIEW_DAYS,
    MAX_TEXT,
    REVIEW_CHOICES,
    STAGES,
    URGENCIES,
)

URL = re.compile(r"^https?://[^\s<>|]+$")
LIMITS = {"prospect": 150, "segment": 100, "tags": 200}


def value(values: dict[str, Any], block_id: str) -> str:
    """The typed text (or the selected option's value) of one input, trimmed; "" when empty."""
    item = values.get(block_id, {}).get(FIELDS[block_id]) or {}
    option = item.get("selected_option") or {}
    raw = option.get("value") if option else item.get("value")
    return str(raw or "").strip()


def _text(values: dict[str, Any], block_id: str, errors: dict[str, str], limit: int) -> str:
    text = value(values, block_id)
    if not text:
        errors[block_id] = "Please fill this in."
    elif len(text) > limit:
        errors[block_id] = f"Keep it under {limit} characters (it is {len(text)})."
    return text


def capture_fields(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The capture form as Question fields, and errors for the inputs that are not right."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {"text": _text(values, "question", errors, MAX_TEXT)}
    for block_id, limit in LIMITS.items():
        text = value(values, block_id)
        if len(text) > limit:
            errors[block_id] = f"Keep it under {limit} characters."
        fields[block_id] = text or None
    for block_id, choices in (("stage", STAGES), ("urgency", URGENCIES)):
        choice = value(values, block_id)
        if choice and choice not in choices:
            errors[block_id] = "Pick one of the options."
        fields[block_id] = choice or None
    return fields, errors


def answer_fields(values: dict[str, Any]) -> tuple[str, str | None, int, dict[str, str]]:
    """(answer text, link or None, review period in days, errors) from the answer form."""
    errors: dict[str, str] = {}
    text = _text(values, "answer", errors, MAX_TEXT)
    link = value(values, "link")  # view values arrive raw, not entity-encoded
    if link and (len(link) > 3000 or not URL.match(link)):
        errors["link"] = "Paste a full link starting with https://"
    review = value(values, "review")
    days = int(review) if review.isdigit() else DEFAULT_REVIEW_DAYS
    if review and days not in REVIEW_CHOICES:
        errors["review"] = "Pick one of the options."
    return text, link or None, days, errors


def original_number(values: dict[str, Any]) -> int | None:
    """The question number typed into the duplicate form (“12” or “#12”)."""
    token = value(values, "original").lstrip("#")
    return row_id(token)


def answer_target(metadata: str | None) -> tuple[int | None, str | None]:
    """The answer form's question number, and the author of the thread reply it came from
    (Use as answer), from its private_metadata “12” or “12:U0123”."""
    number, _, author = (metadata or "").partition(":")
    return row_id(number), (author or None)
