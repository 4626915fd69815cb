"""Moving an overdue content request's date: the owner's (or a marketer's) *Move the date*
button opens a form; the new date is stored with the follow-up that tells the requester and
updates the triage post, in one transaction."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot.content_requests import notices
from bot.content_requests.overdue import tell_requester_new_date
from bot.content_requests.views import overdue as views
from bot.content_requests.views.forms import B_EXPECTED
from bot.content_requests.views.posts import not_now
from bot.kernel.messages import notice_modal
from bot.kernel.parsing import row_id
from bot.platform import permissions
from bot.platform.background import NO_FOLLOW_UP, record_lazy
from handlers.content_requests import today_somewhere
from storage import content_requests
from storage.models import ContentRequest

REFUSAL = "Only the request's owner, marketers or admins can move its date."


def register(app: Any) -> None:
    app.action(views.MOVE_DATE_BUTTON)(open_move_date)
    app.view(views.MOVE_DATE_CALLBACK)(ack=move_date_submitted, lazy=[tell_new_date])


def _may_move(
    session: Session, context: BoltContext, body: dict[str, Any], request: ContentRequest | None
) -> bool:
    team, user = body["team"]["id"], body["user"]["id"]
    if request is not None and request.owner_id == user:
        return True
    return permissions.allowed(session, context["settings"], team, user, "marketer")


def open_move_date(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """The form; a refusal or "not now" is a notice on the same trigger (no response_url wait)."""
    ack()
    number = row_id(str(body["actions"][0].get("value", "")))
    with Session(context["engine"], expire_on_commit=False) as session:
        request = content_requests.get(session, body["team"]["id"], number or 0)
        allowed = _may_move(session, context, body, request)
    if not allowed:
        view = notice_modal(f":lock: {REFUSAL}")
    elif request is None or request.status not in content_requests.IN_WORK:
        view = notice_modal(not_now(request)["text"])
    else:
        view = views.move_date_modal(request.id or 0, request.what)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def move_date_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    """Store the new date and its follow-up together; an inline error otherwise."""
    picked, errors = views.read_move_date(view["state"]["values"], today_somewhere())
    team = body["team"]["id"]
    number = row_id(view.get("private_metadata", "")) or 0
    with Session(context["engine"], expire_on_commit=False) as session:
        request = content_requests.get(session, team, number)
        if not _may_move(session, context, body, request):
            errors = {B_EXPECTED: REFUSAL}
        if errors or picked is None:
            context[NO_FOLLOW_UP] = True
            ack(response_action="errors", errors=errors)
            return
        if request is not None and request.expected_date == picked:
            context[NO_FOLLOW_UP] = True  # already that date (Slack's redelivery): nothing to do
            ack()
            return
        moved = content_requests.move_date(session, team, number, picked, commit=False)
        if moved is None:
            session.rollback()
            context[NO_FOLLOW_UP] = True
            ack(response_action="errors", errors={B_EXPECTED: not_now(request)["text"]})
            return
        record_lazy(session.connection(), context, team, tell_new_date.__name__, body)
        session.commit()
    ack()


def tell_new_date(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Lazy: the requester hears the new date; the triage post shows it."""
    team = body["team"]["id"]
    number = row_id(view.get("private_metadata", "")) or 0
    tell_requester_new_date(context["runtime"], team, number)
    notices.refresh_post(context["runtime"], team, number)
