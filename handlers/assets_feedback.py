"""`/asset-feedback`: the feedback modal, its submission with the owner DM, and replies."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot.assets import jobs as asset_jobs
from bot.assets.views import feedback as views
from bot.content_requests.views import posts as request_views
from bot.kernel.messages import notice_modal
from bot.kernel.parsing import command_text, row_id
from bot.platform import permissions
from bot.platform.background import record_lazy
from bot.platform.delivery import Post
from storage import assets, content_requests
from storage.models import AssetFeedback

COMMAND = "/asset-feedback"
# A button that opens a form answers a refusal in a modal on its own trigger (views.open, as
# the form would), never through response_url: the ack's HTTP response would wait on it.
NOT_THE_OWNER = ":lock: Only the asset's owner can reply to this feedback."
NOT_THE_REQUESTER = ":lock: Only the person who asked for this content can rate it."


def register(app: Any) -> None:
    app.command(COMMAND)(feedback_command)
    app.view(views.FEEDBACK_CALLBACK)(ack=feedback_submitted, lazy=[tell_owner])
    app.action(views.REPLY_BUTTON)(reply_clicked)
    app.view(views.REPLY_CALLBACK)(ack=reply_submitted, lazy=[send_reply])
    app.action(request_views.FOLLOWUP_BUTTON)(followup_clicked)


def feedback_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Open the modal; the search words, if any, pre-select the best catalog match."""
    terms = command_text(command.get("text"))
    with Session(context["engine"], expire_on_commit=False) as session:
        found = assets.search(session, command["team_id"], terms, limit=1) if terms else []
    client.views_open(
        trigger_id=command["trigger_id"], view=views.feedback_modal(found[0] if found else None)
    )
    ack()


def feedback_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    team, user = body["team"]["id"], body["user"]["id"]
    form, errors = views.read_feedback_form(view["state"]["values"])
    if form is None:
        ack(response_action="errors", errors=errors)
        return
    with Session(context["engine"], expire_on_commit=False) as session:
        if form.asset_id is not None:
            asset = assets.get(session, team, form.asset_id)
            if asset is None or asset.retired_at is not None:
                ack(response_action="errors", errors=views.unknown_asset())
                return
        request_id = views.request_of(view.get("private_metadata", ""))
        request = content_requests.get(session, team, request_id) if request_id else None
        if request is None or request.requester_id != user:
            request_id = None
        record_lazy(session.connection(), context, team, tell_owner.__name__, body)
        assets.add_feedback(
            session, team, f"view:{view['id']}", user_id=user, request_id=request_id, **asdict(form)
        )
    ack()


def tell_owner(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Lazy: the owner's DM (at once, or in the hourly batch when they already had one)."""
    team = body["team"]["id"]
    with Session(context["engine"], expire_on_commit=False) as session:
        fb = assets.feedback_by_key(session, team, f"view:{view['id']}")
    if fb is not None and fb.id is not None:
        asset_jobs.notify_owner(context["runtime"], team, fb.id)


def _feedback_for_owner(
    session: Session, context: BoltContext, team: str, user: str, ref: str
) -> tuple[AssetFeedback, str] | None:
    """The feedback and its asset title, when `user` owns the asset (or is an admin)."""
    number = row_id(ref)
    fb = session.get(AssetFeedback, number) if number is not None else None
    if fb is None or fb.team_id != team or fb.asset_id is None:
        return None
    asset = assets.get(session, team, fb.asset_id)
    if asset is None:
        return None
    if user != asset.owner_id and not permissions.allowed(session, context["settings"], team, user):
        return None
    return fb, asset.title


def reply_clicked(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """The owner's reply form; anyone else sees why not in a notice on the same trigger."""
    team, user = body["team"]["id"], body["user"]["id"]
    with Session(context["engine"], expire_on_commit=False) as session:
        found = _feedback_for_owner(session, context, team, user, body["actions"][0]["value"])
    ack()
    view = views.reply_modal(*found) if found else notice_modal(NOT_THE_OWNER)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def reply_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    team, user = body["team"]["id"], body["user"]["id"]
    with Session(context["engine"], expire_on_commit=False) as session:
        found = _feedback_for_owner(session, context, team, user, view["private_metadata"])
    if found is None:
        ack(response_action="errors", errors={views.B_REPLY: "Only the owner can reply."})
    elif not views.reply_text(view["state"]["values"]):
        ack(response_action="errors", errors={views.B_REPLY: "Write a reply first."})
    else:
        ack()


def send_reply(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Lazy: DM the rep the owner's reply (once per submitted view)."""
    team, user = body["team"]["id"], body["user"]["id"]
    text = views.reply_text(view["state"]["values"])
    with Session(context["engine"], expire_on_commit=False) as session:
        found = _feedback_for_owner(session, context, team, user, view["private_metadata"])
    if found is None or not text:
        return
    fb, title = found
    post = Post("chat.postMessage", fb.user_id, views.reply_dm(user, title, text))
    context["outbox"].submit(team, f"asset-feedback-reply:{view['id']}", post)


def followup_clicked(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """The 14-day follow-up's button: the feedback modal with the delivered asset chosen (a
    notice for anyone but the requester)."""
    team, user = body["team"]["id"], body["user"]["id"]
    ref = body["actions"][0].get("value", "")
    with Session(context["engine"], expire_on_commit=False) as session:
        number = row_id(ref)
        request = content_requests.get(session, team, number) if number is not None else None
        asset = assets.get(session, team, request.asset_id or 0) if request else None
    ack()
    if request is None or request.requester_id != user:
        view = notice_modal(NOT_THE_REQUESTER)
    else:
        view = views.feedback_modal(asset, request.id)
    client.views_open(trigger_id=body["trigger_id"], view=view)
