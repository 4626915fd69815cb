"""Content-request modals (request, accept, decline, deliver) and reading what was submitted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.assets.views.catalog import ASSET_SELECT, URL
from bot.kernel.forms import (
    date_input,
    input_block,
    modal,
    state_value,
    static_select,
    text_input,
    user_input,
)
from bot.kernel.parsing import row_id
from bot.kernel.text import mrkdwn, plain, safe
from storage.models import ContentRequest
from storage.models.assets import ASSET_KINDS, DEAL_STAGES, PRIORITIES

REQUEST_CALLBACK = "content_request"
ACCEPT_CALLBACK = "content_request_accept"
DECLINE_CALLBACK = "content_request_decline"
DELIVER_CALLBACK = "content_request_deliver"
B_WHAT, B_WHY, B_STAGE, B_DATE, B_QUESTIONS = "what", "why", "deal_stage", "date", "questions"
B_PRIORITY, B_OWNER, B_EXPECTED, B_REASON = "priority", "owner", "expected", "reason"
B_ASSET, B_NEW_TITLE, B_NEW_URL, B_NEW_KIND = "asset", "new_title", "new_url", "new_kind"
QUESTION_REFS = re.compile(r"^\s*#?\d{1,9}\s*(,\s*#?\d{1,9}\s*)*$")


@dataclass(frozen=True)
class RequestForm:
    what: str
    why: str
    deal_stage: str | None
    desired_date: date | None
    question_refs: str


@dataclass(frozen=True)
class Delivery:
    asset_id: int | None  # an existing catalog asset, or a new one:
    title: str = ""
    url: str = ""
    kind: str = "other"


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def request_modal(
    what: str = "", why: str = "", refs: str = "", metadata: str = ""
) -> dict[str, Any]:
    """The request form; pre-filled (and `metadata` naming its source) when a knowledge gap's
    Request content button opens it."""
    stages = [(s.capitalize(), s) for s in DEAL_STAGES]
    blocks = [
        text_input(B_WHAT, "What do you need?", initial=what, multiline=True, max_length=2000),
        text_input(
            B_WHY,
            "Why: prospect context",
            initial=why,
            multiline=True,
            optional=True,
            max_length=2000,
        ),  # fmt: skip
        static_select(B_STAGE, "Deal stage", stages, optional=True),
        date_input(B_DATE, "Needed by"),
        text_input(
            B_QUESTIONS,
            "Prospect questions it answers",
            initial=refs,
            optional=True,
            max_length=200,
            placeholder="Question numbers, e.g. 12, 15",
        ),
    ]
    return modal(REQUEST_CALLBACK, "Request content", blocks, submit="Request", metadata=metadata)


def read_request_form(
    values: dict[str, Any], today: date
) -> tuple[RequestForm | None, dict[str, str]]:
    what = state_value(values, B_WHAT) or ""
    stage = state_value(values, B_STAGE)
    raw_date = state_value(values, B_DATE)
    wanted = _date(raw_date)
    refs = state_value(values, B_QUESTIONS) or ""
    errors = {}
    if not what:
        errors[B_WHAT] = "Say what content you need."
    if stage is not None and stage not in DEAL_STAGES:
        errors[B_STAGE] = "Choose a deal stage from the list."
    if raw_date and wanted is None:
        errors[B_DATE] = "Pick a date."
    elif wanted is not None and wanted < today:
        errors[B_DATE] = "That date has passed: pick today or later."
    if refs and not QUESTION_REFS.match(refs):
        errors[B_QUESTIONS] = "List question numbers separated by commas, e.g. 12, 15."
    if errors:
        return None, errors
    clean_refs = ",".join(p.strip().lstrip("#") for p in refs.split(",")) if refs else ""
    why = (state_value(values, B_WHY) or "")[:2000]
    return RequestForm(what[:2000], why, stage, wanted, clean_refs), {}


def ref_numbers(refs: str) -> list[int]:
    """The question numbers of a stored "12,15" (as read_request_form cleaned it)."""
    return [int(n) for n in refs.split(",") if n.isdigit()]


def unknown_questions(missing: list[int]) -> dict[str, str]:
    """The inline error for question numbers that are not in this workspace."""
    numbers = ", ".join(f"#{n}" for n in missing[:5])
    noun = "question" if len(missing) == 1 else "questions"
    return {B_QUESTIONS: f"No {noun} {numbers} in this workspace."}


def _about(request: ContentRequest) -> dict[str, Any]:
    return {
        "type": "section",
        "text": mrkdwn(f"*Request #{request.id}*\n{safe(request.what, 600)}"),
    }


def accept_modal(request: ContentRequest, owner: str) -> dict[str, Any]:
    blocks = [
        _about(request),
        static_select(B_PRIORITY, "Priority", [(p, p) for p in PRIORITIES], initial="P2"),
        user_input(B_OWNER, "Owner", initial=owner),
        date_input(B_EXPECTED, "Expected by", optional=False),
    ]
    return modal(
        ACCEPT_CALLBACK, "Accept request", blocks, submit="Accept", metadata=str(request.id)
    )


def read_accept(values: dict[str, Any], today: date) -> tuple[dict[str, Any], dict[str, str]]:
    priority = state_value(values, B_PRIORITY)
    owner = state_value(values, B_OWNER)
    expected = _date(state_value(values, B_EXPECTED))
    errors = {}
    if priority not in PRIORITIES:
        errors[B_PRIORITY] = "Choose P1, P2 or P3."
    if not owner:
        errors[B_OWNER] = "Choose who owns it."
    if expected is None:
        errors[B_EXPECTED] = "Pick the date you expect to deliver."
    elif expected < today:
        errors[B_EXPECTED] = "That date has passed: pick today or later."
    return {"priority": priority, "owner_id": owner, "expected_date": expected}, errors


def decline_modal(request: ContentRequest) -> dict[str, Any]:
    blocks = [
        _about(request),
        text_input(B_REASON, "Why not?", multiline=True, max_length=2000),
    ]
    return modal(
        DECLINE_CALLBACK, "Decline request", blocks, submit="Decline", metadata=str(request.id)
    )


def read_decline(values: dict[str, Any]) -> tuple[str, dict[str, str]]:
    reason = (state_value(values, B_REASON) or "")[:2000]
    return reason, ({} if reason else {B_REASON: "Tell the rep why (a reason is required)."})


def deliver_modal(request: ContentRequest) -> dict[str, Any]:
    select: dict[str, Any] = {
        "type": "external_select",
        "action_id": ASSET_SELECT,
        "min_query_length": 0,
        "placeholder": plain("Type to search the catalog", 150),
    }
    kinds = [(k.capitalize(), k) for k in ASSET_KINDS]
    blocks = [
        _about(request),
        input_block(B_ASSET, "An asset from the catalog", select, optional=True),
        {"type": "section", "text": mrkdwn("*…or a new asset* (it joins the catalog):")},
        text_input(B_NEW_TITLE, "New asset title", optional=True, max_length=200),
        text_input(B_NEW_URL, "New asset link", optional=True, max_length=2000),
        static_select(B_NEW_KIND, "New asset type", kinds, optional=True),
    ]
    return modal(
        DELIVER_CALLBACK, "Deliver request", blocks, submit="Deliver", metadata=str(request.id)
    )


def read_deliver(values: dict[str, Any]) -> tuple[Delivery | None, dict[str, str]]:
    chosen = state_value(values, B_ASSET)
    title = state_value(values, B_NEW_TITLE) or ""
    url = state_value(values, B_NEW_URL) or ""
    kind = state_value(values, B_NEW_KIND) or "other"
    if chosen:
        if title or url:
            return None, {B_NEW_TITLE: "Choose a catalog asset or describe a new one, not both."}
        asset_id = row_id(chosen)
        if asset_id is None:
            return None, {B_ASSET: "Choose an asset from the list."}
        return Delivery(asset_id), {}
    errors = {}
    if not title:
        errors[B_ASSET] = "Choose the delivered asset, or give a new one's title and link."
    if not URL.match(url):
        errors[B_NEW_URL] = "Paste a full link starting with https://"
    if kind not in ASSET_KINDS:
        errors[B_NEW_KIND] = "Choose a type."
    if errors:
        return None, errors
    return Delivery(None, title[:200], url, kind), {}
