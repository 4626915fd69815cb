"""Content-request messages: the triage post with its buttons, status DMs, lists, follow-up."""

from __future__ import annotations

from typing import Any

from bot.assets.views.catalog import link
from bot.assets.views.feedback import quote
from bot.kernel.messages import ephemeral
from bot.kernel.text import escape, mrkdwn, plain, safe, truncate, user_mention
from storage.models import Asset, ContentRequest

ACCEPT_BUTTON = "content_request_accept"
DECLINE_BUTTON = "content_request_decline"
START_BUTTON = "content_request_start"
DELIVER_BUTTON = "content_request_deliver"
PLUS_ONE_BUTTON = "content_request_plus_one"
QUESTIONS_SHOWN = 10  # question numbers listed with their text on a triage post
FOLLOWUP_BUTTON = "content_request_followup"
LABELS = {
    "submitted": ":inbox_tray: Submitted",
    "accepted": ":white_check_mark: Accepted",
    "in_progress": ":hammer_and_wrench: In progress",
    "delivered": ":package: Delivered",
    "declined": ":no_entry_sign: Declined",
}
BUTTONS = {  # which buttons a triage post shows in each status
    "submitted": (ACCEPT_BUTTON, DECLINE_BUTTON, PLUS_ONE_BUTTON),
    "accepted": (START_BUTTON, DELIVER_BUTTON, DECLINE_BUTTON, PLUS_ONE_BUTTON),
    "in_progress": (DELIVER_BUTTON, DECLINE_BUTTON, PLUS_ONE_BUTTON),
}
BUTTON_TEXT = {
    ACCEPT_BUTTON: "Accept",
    DECLINE_BUTTON: "Decline",
    START_BUTTON: "Start",
    DELIVER_BUTTON: "Deliver",
    PLUS_ONE_BUTTON: "+1",
}


def _button(action_id: str, request: ContentRequest) -> dict[str, Any]:
    button = {
        "type": "button",
        "action_id": action_id,
        "text": plain(BUTTON_TEXT[action_id], 75),
        "value": str(request.id),
    }
    if action_id == ACCEPT_BUTTON:
        button["style"] = "primary"
    return button


def _details(request: ContentRequest, asset: Asset | None) -> str:
    lines = [f"*What:* {safe(request.what, 1500)}"]
    if request.why:
        lines.append(f"*Why:* {safe(request.why, 800)}")
    facts = []
    if request.deal_stage:
        facts.append(f"deal stage {escape(request.deal_stage)}")
    if request.desired_date:
        facts.append(f"needed by {request.desired_date.isoformat()}")
    if facts:
        lines.append(" · ".join(facts))
    if request.status in ("accepted", "in_progress", "delivered") and request.priority:
        expected = request.expected_date.isoformat() if request.expected_date else "?"
        owner = user_mention(request.owner_id) if request.owner_id else "?"
        lines.append(f"*{request.priority}* · owner {owner} · expected {expected}")
    if request.status == "declined" and request.decline_reason:
        lines.append(f"*Declined:* {safe(request.decline_reason, 500)}")
    if request.status == "delivered" and asset is not None:
        lines.append(f"*Delivered:* {link(asset)}")
    return truncate("\n".join(lines), 3000)


def _questions(refs: str, texts: dict[int, str]) -> str:
    """The prospect questions the request answers: each number with its text when it is one of
    the team's questions (`texts`), at most QUESTIONS_SHOWN of them."""
    numbers = [n for n in refs.split(",") if n.isdigit()]
    lines = [
        f"• #{n} {safe(texts[int(n)], 150)}" if int(n) in texts else f"• #{n}"
        for n in numbers[:QUESTIONS_SHOWN]
    ]
    more = len(numbers) - QUESTIONS_SHOWN
    tail = f"\n… and {more} more" if more > 0 else ""
    return "*Prospect questions it answers:*\n" + "\n".join(lines) + tail


def triage_post(
    request: ContentRequest,
    demand: int,
    asset: Asset | None,
    questions: dict[int, str] | None = None,
) -> dict[str, Any]:
    """The request as posted (and updated in place) in the triage channel; `questions` holds the
    text of the question numbers it answers (those that exist in the team)."""
    head = (
        f"*Content request #{request.id}* from {user_mention(request.requester_id)} · "
        f"{LABELS.get(request.status, escape(request.status))}"
    )
    plus = demand - 1
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": mrkdwn(head)},
        {"type": "section", "text": mrkdwn(_details(request, asset))},
    ]
    if request.question_refs:
        text = _questions(request.question_refs, questions or {})
        blocks.append({"type": "section", "text": mrkdwn(truncate(text, 3000))})
    demand_text = f"Demand: {demand} ({plus} +1{'s' if plus != 1 else ''})"
    blocks.append({"type": "context", "elements": [mrkdwn(demand_text)]})
    buttons = BUTTONS.get(request.status, ())
    if buttons:
        elements = [_button(b, request) for b in buttons]
        blocks.append(
            {"type": "actions", "block_id": f"request-{request.id}", "elements": elements}
        )
    text = f"Content request #{request.id} ({request.status}): {safe(request.what, 200)}"
    return {"text": text, "blocks": blocks}


def status_dm(
    request: ContentRequest, asset: Asset | None, *, voter: bool = False, asker: bool = False
) -> dict[str, Any]:
    """The DM that closes the loop on every status change (to the requester, or a +1'er; on
    delivery also to who asked or +1'd the prospect questions it answers)."""
    whose = "A request you +1'd" if voter else "Your content request"
    if asker:
        whose = "Content for a prospect question you heard: request"
    n = f"#{request.id}"
    if request.status == "submitted":
        line = f":inbox_tray: {whose} {n} is in marketing's triage queue."
    elif request.status == "accepted":
        line = (
            f":white_check_mark: Marketing accepted {whose.lower()} {n}: *{request.priority}*, "
            f"owner {user_mention(request.owner_id or '')}, expected "
            f"{request.expected_date.isoformat() if request.expected_date else 'soon'}."
        )
    elif request.status == "in_progress":
        line = f":hammer_and_wrench: Work has started on {whose.lower()} {n}."
    elif request.status == "declined":
        reason = safe(request.decline_reason, 1000)
        line = f":no_entry_sign: Marketing declined {whose.lower()} {n}. Reason: {reason}"
    else:
        got = link(asset) if asset is not None else "see the triage channel"
        line = f":package: {whose} {n} is delivered: {got}"
    text = f"{line}\n{quote(safe(request.what, 500))}"
    return {"text": truncate(text, 3000), "blocks": [{"type": "section", "text": mrkdwn(text)}]}


def queued_without_triage(request: ContentRequest) -> dict[str, Any]:
    text = (
        f":inbox_tray: Your content request #{request.id} is queued. Marketing has not set "
        "a triage channel yet, so an admin has been asked to set one; "
        "`/content-request list` shows it."
    )
    return {"text": text, "blocks": [{"type": "section", "text": mrkdwn(text)}]}


def admin_set_triage(request: ContentRequest) -> dict[str, Any]:
    text = (
        f":warning: Content request #{request.id} from {user_mention(request.requester_id)} is "
        "waiting, but there is no triage channel. Set one with "
        "`/lockstep config triage-channel #marketing-triage`."
    )
    return {"text": text, "blocks": [{"type": "section", "text": mrkdwn(text)}]}


def _row(request: ContentRequest, demand: int | None = None) -> str:
    parts = [f"`#{request.id}` {LABELS.get(request.status, escape(request.status))}"]
    if request.priority:
        parts.append(f"*{request.priority}*")
    if demand is not None:
        parts.append(f"demand {demand}")
    parts.append(safe(request.what, 150))
    return " · ".join(parts)


def queue_list(items: list[tuple[ContentRequest, int]]) -> dict[str, Any]:
    if not items:
        return ephemeral("The content-request queue is empty.")
    lines = "\n".join(_row(r, d) for r, d in items)
    return ephemeral(truncate(f"*Content-request queue* ({len(items)})\n{lines}", 3000))


def my_list(requests: list[ContentRequest]) -> dict[str, Any]:
    if not requests:
        return ephemeral("You have no content requests yet. `/content-request` opens the form.")
    lines = "\n".join(_row(r) for r in requests)
    return ephemeral(truncate(f"*Your content requests* ({len(requests)})\n{lines}", 3000))


def followup_dm(request: ContentRequest, asset: Asset) -> dict[str, Any]:
    text = (
        f":wave: Two weeks ago marketing delivered {link(asset)} for your request "
        f"#{request.id}. Did it work with your prospect?"
    )
    button = {
        "type": "button",
        "action_id": FOLLOWUP_BUTTON,
        "text": plain("Rate it", 75),
        "value": str(request.id),
        "style": "primary",
    }
    return {
        "text": f"Did {safe(asset.title, 100)} work? Rate it.",
        "blocks": [{"type": "section", "text": mrkdwn(text), "accessory": button}],
    }


def voted(demand: int) -> dict[str, Any]:
    return ephemeral(f":+1: Counted. Demand for this request is now {demand}.")


def already_voted() -> dict[str, Any]:
    return ephemeral("You already +1'd this request: each person counts once.")


def own_request() -> dict[str, Any]:
    return ephemeral("That is your own request: it already counts for you.")


def not_now(request: ContentRequest | None) -> dict[str, Any]:
    if request is None:
        return ephemeral(":mag: That request no longer exists.")
    status = LABELS.get(request.status, escape(request.status))
    return ephemeral(f"Request #{request.id} is {status} now, so that step does not apply.")
