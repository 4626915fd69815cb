"""Block Kit for asset feedback: the modal, the owner's DM with "Reply to rep", the reply."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.assets.views.catalog import ASSET_SELECT, asset_option, link
from bot.kernel.forms import (
    INPUT,
    input_block,
    modal,
    state_value,
    static_select,
    text_input,
)
from bot.kernel.parsing import row_id
from bot.kernel.text import escape, mrkdwn, plain, safe, truncate, user_mention
from storage.models import Asset, AssetFeedback
from storage.models.assets import DEAL_STAGES

FEEDBACK_CALLBACK = "asset_feedback"
REPLY_CALLBACK = "asset_feedback_reply"
REPLY_BUTTON = "asset_feedback_reply_open"
B_ASSET, B_OTHER, B_PROSPECT, B_RATING = "asset", "other", "prospect", "rating"
B_DEAL, B_WORKED, B_MISSING, B_REPLY = "deal_stage", "worked", "missing", "reply"
RATINGS = (
    ("5 — it landed", "5"),
    ("4 — helped", "4"),
    ("3 — so-so", "3"),
    ("2 — barely", "2"),
    ("1 — it fell flat", "1"),
)
MAX_IN_DM = 10  # feedback entries per owner DM; the rest are counted


@dataclass(frozen=True)
class FeedbackForm:
    asset_id: int | None
    asset_name: str | None
    with_prospect: bool
    rating: int
    deal_stage: str
    worked: str
    missing: str


def feedback_modal(asset: Asset | None, request_id: int | None = None) -> dict[str, Any]:
    """The feedback form; `asset` is pre-selected (from the search words or a follow-up)."""
    select: dict[str, Any] = {
        "type": "external_select",
        "action_id": ASSET_SELECT,
        "min_query_length": 0,
        "placeholder": plain("Type to search the catalog", 150),
    }
    if asset is not None:
        select["initial_option"] = asset_option(asset)
    yes_no = [("Yes", "yes"), ("No", "no")]
    blocks = [
        input_block(B_ASSET, "Asset", select, optional=True),
        text_input(
            B_OTHER,
            "Not in the catalog? Name it",
            optional=True,
            max_length=200,
            placeholder="e.g. the ROI calculator spreadsheet",
        ),
        static_select(B_PROSPECT, "Used with a prospect?", yes_no),
        static_select(B_RATING, "How did it resonate?", RATINGS),
        static_select(B_DEAL, "Deal stage", [(s.capitalize(), s) for s in DEAL_STAGES]),
        text_input(B_WORKED, "What worked", multiline=True, optional=True, max_length=2000),
        text_input(B_MISSING, "What is missing", multiline=True, optional=True, max_length=2000),
    ]
    meta = json.dumps({"request": request_id}) if request_id else ""
    return modal(FEEDBACK_CALLBACK, "Asset feedback", blocks, submit="Send", metadata=meta)


def request_of(private_metadata: str) -> int | None:
    """The content request a follow-up feedback modal was opened for."""
    try:
        value = json.loads(private_metadata or "{}").get("request")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def read_feedback_form(values: dict[str, Any]) -> tuple[FeedbackForm | None, dict[str, str]]:
    chosen = state_value(values, B_ASSET)
    other = state_value(values, B_OTHER)
    rating = state_value(values, B_RATING) or ""
    prospect = state_value(values, B_PROSPECT)
    stage = state_value(values, B_DEAL) or ""
    errors = {}
    asset_id = row_id(chosen)
    if chosen and asset_id is None:
        errors[B_ASSET] = "Choose an asset from the list."
    if asset_id is None and not other and not errors:
        errors[B_ASSET] = "Choose an asset, or name it below if it is not in the catalog."
    if asset_id is not None and other:
        errors[B_OTHER] = "Choose from the catalog or name it here, not both."
    if prospect not in ("yes", "no"):
        errors[B_PROSPECT] = "Say whether you used it with a prospect."
    if rating not in {"1", "2", "3", "4", "5"}:
        errors[B_RATING] = "Rate it from 1 to 5."
    if stage not in DEAL_STAGES:
        errors[B_DEAL] = "Choose the deal stage."
    if errors:
        return None, errors
    return FeedbackForm(
        asset_id,
        other[:200] if other else None,
        prospect == "yes",
        int(rating),
        stage,
        (state_value(values, B_WORKED) or "")[:2000],
        (state_value(values, B_MISSING) or "")[:2000],
    ), {}


def unknown_asset() -> dict[str, str]:
    return {B_ASSET: "That asset is not in the catalog (any more). Pick another or name it."}


def _entry(fb: AssetFeedback, asset: Asset) -> list[dict[str, Any]]:
    prospect = "with a prospect" if fb.with_prospect else "not with a prospect"
    lines = [
        f"{user_mention(fb.user_id)} rated {link(asset, 100)} *{fb.rating}/5* "
        f"({prospect}, {escape(fb.deal_stage)})"
    ]
    if fb.worked:
        lines.append(f"*What worked:* {safe(fb.worked, 1200)}")
    if fb.missing:
        lines.append(f"*What is missing:* {safe(fb.missing, 1200)}")
    button = {
        "type": "button",
        "action_id": REPLY_BUTTON,
        "text": plain("Reply to rep", 75),
        "value": str(fb.id),
    }
    return [
        {
            "type": "section",
            "block_id": f"fb-{fb.id}",
            "text": mrkdwn(truncate("\n".join(lines), 3000)),
            "accessory": button,
        }
    ]


def owner_dm(items: list[tuple[AssetFeedback, Asset]]) -> dict[str, Any]:
    """One DM to an asset owner about one or several pieces of feedback."""
    shown = items[:MAX_IN_DM]
    count = len(items)
    head = (
        "New feedback on your asset"
        if count == 1
        else f"{count} new pieces of feedback on your assets this hour"
    )
    blocks: list[dict[str, Any]] = [{"type": "section", "text": mrkdwn(f"*{head}*")}]
    for fb, asset in shown:
        blocks.extend(_entry(fb, asset))
    if count > len(shown):
        rest = count - len(shown)
        blocks.append(
            {"type": "context", "elements": [mrkdwn(f"…and {rest} more: see `/asset list`.")]}
        )
    first_fb, first_asset = shown[0]
    text = f"{head}: {safe(first_asset.title, 100)} rated {first_fb.rating}/5"
    return {
        "text": text,
        "blocks": blocks,
        # Names the feedback this DM covers, so a racing duplicate can tell it was not included.
        "metadata": {
            "event_type": "lockstep_asset_feedback",
            "event_payload": {"feedback_ids": [fb.id for fb, _ in items]},
        },
    }


def feedback_ids(payload: dict[str, Any]) -> list[int]:
    """The feedback ids an owner DM (as recorded in the outbox) covers."""
    meta = payload.get("metadata") or {}
    return list(meta.get("event_payload", {}).get("feedback_ids", []))


def reply_modal(fb: AssetFeedback, asset_title: str) -> dict[str, Any]:
    blocks = [
        {
            "type": "section",
            "text": mrkdwn(f"Reply to {user_mention(fb.user_id)} about *{safe(asset_title, 200)}*"),
        },
        text_input(B_REPLY, "Your reply", multiline=True, max_length=2000),
    ]
    return modal(REPLY_CALLBACK, "Reply to rep", blocks, submit="Send", metadata=str(fb.id))


def reply_text(values: dict[str, Any]) -> str:
    return (values.get(B_REPLY, {}).get(INPUT, {}).get("value") or "").strip()


def quote(text: str) -> str:
    """Escaped text as a mrkdwn block quote, every line of it."""
    return "\n".join(f">{line}" for line in text.split("\n"))


def reply_dm(owner: str, asset_title: str, reply: str) -> dict[str, Any]:
    text = (
        f":speech_balloon: {user_mention(owner)} replied to your feedback on "
        f"*{safe(asset_title, 200)}*:\n" + quote(safe(reply, 2000))
    )
    return {"text": truncate(text, 3000), "blocks": [{"type": "section", "text": mrkdwn(text)}]}
