"""Triage of content requests by marketers: Accept, Decline, Start and Deliver."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot.content_requests import notices as request_notices
from bot.content_requests.views import forms as views
from bot.content_requests.views import posts
from bot.kernel.messages import ephemeral, notice_modal
from bot.kernel.parsing import row_id
from bot.platform import follow_up, permissions
from bot.platform.background import NO_FOLLOW_UP, NOTE, record_lazy
from handlers import content_requests_dates
from handlers.content_requests import today_somewhere
from storage import assets, content_requests
from storage.models import ContentRequest

MODALS = {  # button -> (status it leads to, modal builder)
    posts.ACCEPT_BUTTON: ("accepted", lambda r, user: views.accept_modal(r, user)),
    posts.DECLINE_BUTTON: ("declined", lambda r, user: views.decline_modal(r)),
    posts.DELIVER_BUTTON: ("delivered", lambda r, user: views.deliver_modal(r)),
}


STATUS_OF_VIEW = {
    views.ACCEPT_CALLBACK: "accepted",
    views.DECLINE_CALLBACK: "declined",
    views.DELIVER_CALLBACK: "delivered",
}
ERROR_BLOCK = {"accepted": views.B_PRIORITY, "declined": views.B_REASON, "delivered": views.B_ASSET}


def register(app: Any) -> None:
    for button in MODALS:
        app.action(button)(open_triage_modal)
    app.action(posts.START_BUTTON)(ack=start_clicked, lazy=[notify_from_button])
    app.view(views.ACCEPT_CALLBACK)(ack=accept_submitted, lazy=[notify_from_view])
    app.view(views.DECLINE_CALLBACK)(ack=decline_submitted, lazy=[notify_from_view])
    app.view(views.DELIVER_CALLBACK)(ack=deliver_submitted, lazy=[notify_from_view])
    content_requests_dates.register(app)


OWNER_MAY = ("declined", "delivered")  # the owner a marketer picked (maybe not a marketer)


def _triager(
    session: Session,
    context: BoltContext,
    body: dict[str, Any],
    request: ContentRequest | None = None,
    status: str = "",
) -> bool:
    """Marketers and admins triage; a request's owner may also deliver or decline it (the
    overdue DM's buttons)."""
    team, user = body["team"]["id"], body["user"]["id"]
    if status in OWNER_MAY and request is not None and request.owner_id == user:
        return True
    return permissions.allowed(session, context["settings"], team, user, "marketer")


def _button_request(session: Session, body: dict[str, Any]) -> ContentRequest | None:
    number = row_id(str(body["actions"][0].get("value", "")))
    return content_requests.get(session, body["team"]["id"], number) if number is not None else None


def _may_become(request: ContentRequest | None, status: str) -> bool:
    return request is not None and request.status in content_requests.TRANSITIONS[status]


def open_triage_modal(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """The button's form; a refusal or "not now" is a notice on the same trigger, so the ack
    waits on no response_url."""
    ack()
    status, build = MODALS[body["actions"][0]["action_id"]]
    with Session(context["engine"], expire_on_commit=False) as session:
        request = _button_request(session, body)
        allowed = _triager(session, context, body, request, status)
    if not allowed:
        view = notice_modal(permissions.refusal("marketers"))
    elif request is None or not _may_become(request, status):
        view = notice_modal(posts.not_now(request)["text"])
    else:
        view = build(request, body["user"]["id"])
    client.views_open(trigger_id=body["trigger_id"], view=view)


# What a click or form did, handed to its follow-up (bot.platform.background.NOTE).
CHANGED, REFUSED, NOT_NOW = "changed", "refused", "not-now"


def start_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Start work on a request: the change and its follow-up (DMs, the post's update, or the
    clicker told why not), one transaction; nothing here waits on Slack."""
    ack()
    with Session(context["engine"], expire_on_commit=False) as session:
        if not _triager(session, context, body):
            note = REFUSED
        else:
            request = _button_request(session, body)
            started = request and content_requests.transition(
                session, request.team_id, request.id or 0, "in_progress", commit=False
            )
            note = CHANGED if started else NOT_NOW
        record_lazy(session.connection(), context, body["team"]["id"],
                    notify_from_button.__name__, body, note)  # fmt: skip
        session.commit()


def notify_from_button(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Lazy: DMs and the triage post update (each once per status/version, by outbox key), or
    the clicker told why nothing changed."""
    note = context.get(NOTE)
    if note == REFUSED:
        refusal = ephemeral(permissions.refusal("marketers"))
        follow_up.reply(respond, {**refusal, "replace_original": False})
        return
    with Session(context["engine"], expire_on_commit=False) as session:
        request = _button_request(session, body)
    if note == NOT_NOW:
        follow_up.reply(respond, {**posts.not_now(request), "replace_original": False})
    elif note == CHANGED and request is not None and request.id is not None:
        request_notices.status_changed(
            context["runtime"], request.team_id, request.id, expected="in_progress"
        )


def notify_from_view(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Lazy: tell the requester the change this form made (recorded only when it made one)."""
    ref = row_id(view.get("private_metadata", ""))
    if context.get(NOTE) != CHANGED or ref is None:
        return  # an inline error, or a refused or stale form: nothing changed
    expected = STATUS_OF_VIEW[view["callback_id"]]
    request_notices.status_changed(context["runtime"], body["team"]["id"], ref, expected)


def _view_request(
    session: Session, context: BoltContext, body: dict[str, Any], view: dict[str, Any], status: str
) -> tuple[ContentRequest | None, dict[str, str]]:
    """The request a triage modal is about, or the error to show (forged or stale modals)."""
    first_block = ERROR_BLOCK[status]
    ref = row_id(view.get("private_metadata", ""))
    request = content_requests.get(session, body["team"]["id"], ref) if ref is not None else None
    if not _triager(session, context, body, request, status):
        return None, {first_block: "Only marketers or admins can triage requests."}
    if not _may_become(request, status):
        return None, {first_block: posts.not_now(request)["text"]}
    return request, {}


def accept_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    fields, errors = views.read_accept(view["state"]["values"], today_somewhere())
    with Session(context["engine"], expire_on_commit=False) as session:
        request, refused = _view_request(session, context, body, view, "accepted")
        if request is None or errors:
            ack(response_action="errors", errors=refused or errors)
            return
        errors = _move(session, context, body, request, "accepted", **fields)
    ack(response_action="errors", errors=errors) if errors else ack()


def decline_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    reason, errors = views.read_decline(view["state"]["values"])
    with Session(context["engine"], expire_on_commit=False) as session:
        request, refused = _view_request(session, context, body, view, "declined")
        if request is None or errors:
            ack(response_action="errors", errors=refused or errors)
            return
        errors = _move(session, context, body, request, "declined", decline_reason=reason)
    ack(response_action="errors", errors=errors) if errors else ack()


def deliver_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    delivery, errors = views.read_deliver(view["state"]["values"])
    team, user = body["team"]["id"], body["user"]["id"]
    with Session(context["engine"], expire_on_commit=False) as session:
        request, refused = _view_request(session, context, body, view, "delivered")
        if request is None or delivery is None:
            ack(response_action="errors", errors=refused or errors)
            return
        asset_id = delivery.asset_id
        if asset_id is not None:
            asset = assets.get(session, team, asset_id)
            if asset is None or asset.retired_at is not None:
                ack(
                    response_action="errors",
                    errors={views.B_ASSET: "That asset is not in the catalog."},
                )
                return
        else:  # a new catalog entry, keyed on the submission; it commits with the transition
            new, _ = assets.add_for_delivery(
                session,
                team,
                user,
                f"view:{view['id']}",
                title=delivery.title,
                url=delivery.url,
                kind=delivery.kind,
                stage="consideration",
                owner_id=user,
            )
            asset_id = new.id
        errors = _move(session, context, body, request, "delivered", asset_id=asset_id)
    ack(response_action="errors", errors=errors) if errors else ack()


def _move(
    session: Session,
    context: BoltContext,
    body: dict[str, Any],
    request: ContentRequest,
    status: str,
    **fields: Any,
) -> dict[str, str]:
    """The status change, what else the form wrote (a new asset) and the follow-up that tells
    the requester, one transaction; the inline error when another marketer moved the request
    first (then nothing of this submission is kept)."""
    team = body["team"]["id"]
    moved = content_requests.transition(
        session, team, request.id or 0, status, commit=False, **fields
    )
    if moved is None:
        session.rollback()
        context[NO_FOLLOW_UP] = True  # nothing changed: nobody is told anything
        latest = content_requests.get(session, team, request.id or 0)
        return {ERROR_BLOCK[status]: posts.not_now(latest)["text"]}
    record_lazy(session.connection(), context, team, notify_from_view.__name__, body, CHANGED)
    session.commit()
    return {}
