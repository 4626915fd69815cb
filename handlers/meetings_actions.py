"""Buttons on the agenda and the reminder DM: vote, mark discussed, add topic/action item, done.

Each click is one transaction in the ack listener: the change, after a check on the server (a
forged action id or value changes nothing), and the run of the lazy listener that updates the
agenda and tells the clicker what happened (bot.platform.background: retried until it completes).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.kernel.messages import ephemeral, notice_modal
from bot.kernel.parsing import row_id
from bot.meetings import jobs as agenda_jobs
from bot.meetings.views import agenda as views
from bot.meetings.views import forms, replies
from bot.platform import follow_up, permissions
from bot.platform.background import NOTE, record_lazy
from storage import meetings
from storage import meetings_action_items as action_items
from storage import meetings_agendas as agendas
from storage.meetings_agendas import NewItem
from storage.models import Receipt
from storage.models.meetings import MeetingSeries, PostedAgenda

# What a click did, handed from the ack listener to its lazy follow-up
# (bot.platform.background.NOTE).
ALREADY_VOTED = "already-voted"
REFUSED_MEMBERS = "refused-members"
REFUSED_OWNER = "refused-owner"
CHANGED = "changed"
DONE_FROM_DM = "done-from-dm"


def register(app: Any) -> None:
    app.action(views.VOTE)(ack=vote, lazy=[after_vote])
    app.action(views.DISCUSSED)(ack=mark_discussed, lazy=[after_discussed])
    app.action(views.DONE)(ack=action_done, lazy=[after_done])
    app.action(views.ADD_TOPIC)(open_topic_modal)
    app.action(views.ADD_ACTION)(open_action_modal)
    app.view(forms.TOPIC)(ack=submit_topic, lazy=[refresh_after_topic])
    app.view(forms.ACTION)(ack=submit_action, lazy=[refresh_after_action])


def _who(body: dict[str, Any]) -> tuple[str, str, str]:
    """(team, user, the clicked button's value)."""
    actions = body.get("actions") or [{}]
    return body["team"]["id"], body["user"]["id"], str(actions[0].get("value") or "")


def _number(value: str) -> int | None:
    return row_id(value)


def is_member_or_leader(
    session: Session, context: BoltContext, series: MeetingSeries, user: str
) -> bool:
    if user in series.sales or user in series.marketing:
        return True
    return permissions.allowed(session, context["settings"], series.team_id, user, "leader")


def _tell(respond: Any, body: dict[str, Any], text: str) -> None:
    if body.get("response_url"):
        follow_up.reply(respond, {**ephemeral(text), "replace_original": False})


def _follow_up(
    session: Session, context: BoltContext, body: dict[str, Any], name: str, note: str
) -> None:
    """Commit the click's change with the run of its follow-up `name`, told `note`."""
    record_lazy(session.connection(), context, body["team"]["id"], name, body, note)
    session.commit()


def vote(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    team, user, value = _who(body)
    number = _number(value)
    with Session(context["engine"]) as session:
        item = agendas.get_item(session, team, number) if number else None
        if item is None or item.kind != "topic" or item.ref_id is None:
            return
        counted = meetings.vote(session, team, item.ref_id, user)
        note = CHANGED if counted else ALREADY_VOTED
        _follow_up(session, context, body, after_vote.__name__, note)


def after_vote(body: dict[str, Any], context: BoltContext, respond: Any) -> None:
    """Lazy: update the agenda with the vote, or say it was counted before."""
    if context.get(NOTE) == ALREADY_VOTED:
        _tell(respond, body, ":ballot_box: You already voted for this topic.")
    elif context.get(NOTE) == CHANGED:
        _refresh_item_agenda(body, context)


def mark_discussed(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    team, user, value = _who(body)
    number = _number(value)
    with Session(context["engine"]) as session:
        item = agendas.get_item(session, team, number) if number else None
        agenda = agendas.get_agenda(session, team, item.agenda_id) if item else None
        series = session.get(MeetingSeries, agenda.series_id) if agenda else None
        if item is None or series is None:
            return
        if not is_member_or_leader(session, context, series, user):
            note = REFUSED_MEMBERS
        else:
            note = CHANGED if agendas.mark_discussed(session, item, user) else ""
        _follow_up(session, context, body, after_discussed.__name__, note)


def after_discussed(body: dict[str, Any], context: BoltContext, respond: Any) -> None:
    """Lazy: update the agenda, or tell a non-member why nothing changed."""
    if context.get(NOTE) == REFUSED_MEMBERS:
        _tell(respond, body, permissions.refusal("series members", "leaders"))
    elif context.get(NOTE) == CHANGED:
        _refresh_item_agenda(body, context)


def _refresh_item_agenda(body: dict[str, Any], context: BoltContext) -> None:
    team, _, value = _who(body)
    number = _number(value)
    with Session(context["engine"]) as session:
        item = agendas.get_item(session, team, number) if number else None
    if item is not None:
        agenda_jobs.refresh_agenda(context["runtime"], team, item.agenda_id)


def action_done(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    team, user, value = _who(body)
    number = _number(value)
    with Session(context["engine"]) as session:
        action = action_items.get_action(session, team, number) if number else None
        if action is None or action.id is None:
            return
        may = user in (action.owner, action.created_by) or permissions.allowed(
            session, context["settings"], team, user, "leader"
        )
        note = REFUSED_OWNER
        if may:
            action_items.complete_action(session, action, user)
            note = CHANGED if _clicked_agenda(session, body) else DONE_FROM_DM
        _follow_up(session, context, body, after_done.__name__, note)


def _clicked_agenda(session: Session, body: dict[str, Any]) -> PostedAgenda | None:
    container = body.get("container") or {}
    return agendas.agenda_at(
        session, body["team"]["id"], str(container.get("channel_id")),
        str(container.get("message_ts")),
    )  # fmt: skip


def after_done(body: dict[str, Any], context: BoltContext, respond: Any) -> None:
    """Lazy: update the agendas listing the action item, and the reminder DM clicked on."""
    note = context.get(NOTE)
    if note == REFUSED_OWNER:
        _tell(respond, body, permissions.refusal("the owner", "leaders"))
        return
    if note not in (CHANGED, DONE_FROM_DM):
        return
    team, _, value = _who(body)
    number = _number(value)
    with Session(context["engine"]) as session:
        listed = action_items.agendas_with_action(session, number) if number else []
        on_agenda = _clicked_agenda(session, body)
    # the latest agenda listing it and the one clicked on; older ones stay as they were posted
    targets = set(listed[-1:]) | ({on_agenda.id} if on_agenda and on_agenda.id else set())
    for agenda_id in sorted(targets):
        agenda_jobs.refresh_agenda(context["runtime"], team, agenda_id)
    if note == DONE_FROM_DM and body.get("response_url"):  # the reminder DM
        message = replies.done("Marked done. Thank you!")
        message.pop("response_type", None)
        respond(**message, replace_original=True)


def _agenda_from_button(
    session: Session, body: dict[str, Any]
) -> tuple[PostedAgenda | None, MeetingSeries | None]:
    team, _, value = _who(body)
    number = _number(value)
    agenda = agendas.get_agenda(session, team, number) if number else None
    series = session.get(MeetingSeries, agenda.series_id) if agenda else None
    return agenda, series


def open_topic_modal(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    with Session(context["engine"]) as session:
        agenda, _ = _agenda_from_button(session, body)
    if agenda is not None and agenda.id is not None:
        client.views_open(trigger_id=body["trigger_id"], view=forms.topic_modal(agenda.id))


def open_action_modal(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """The action-item form; a refusal is a notice on the same trigger (no response_url wait)."""
    ack()
    with Session(context["engine"]) as session:
        agenda, series = _agenda_from_button(session, body)
        if agenda is None or agenda.id is None or series is None:
            return
        allowed = is_member_or_leader(session, context, series, body["user"]["id"])
    if allowed:
        view = forms.action_modal(agenda.id)
    else:
        view = notice_modal(permissions.refusal("series members", "leaders"))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _view_agenda(session: Session, body: dict[str, Any], view: dict[str, Any]) -> Any:
    meta = str(view.get("private_metadata") or "")
    number = _number(meta)
    agenda = agendas.get_agenda(session, body["team"]["id"], number) if number else None
    series = session.get(MeetingSeries, agenda.series_id) if agenda else None
    return agenda, series


def submit_topic(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    team, user = body["team"]["id"], body["user"]["id"]
    text = str(forms.value_of(view["state"]["values"], "text") or "").strip()
    if not text:
        ack(response_action="errors", errors={"text": "Say what the topic is."})
        return
    with Session(context["engine"]) as session:
        agenda, series = _view_agenda(session, body, view)
        if agenda is None or series is None or series.id is None:
            ack(response_action="errors", errors={"text": "That agenda no longer exists."})
            return
        if _first_time(session, team, view):
            topic = meetings.add_topic(session, team, series.id, text, user, commit=False)
            item = NewItem("topics", "topic", topic.id, text)
            agendas.add_item(session, agenda, item, commit=False)
            _follow_up(session, context, body, refresh_after_topic.__name__, CHANGED)
    ack()


def submit_action(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    team, user = body["team"]["id"], body["user"]["id"]
    parsed, errors = forms.read_action(view["state"]["values"])
    if parsed is None:
        ack(response_action="errors", errors=errors)
        return
    with Session(context["engine"], expire_on_commit=False) as session:
        agenda, series = _view_agenda(session, body, view)
        if agenda is None or series is None:
            ack(response_action="errors", errors={"text": "That agenda no longer exists."})
            return
        if not is_member_or_leader(session, context, series, user):
            refusal = permissions.refusal("series members", "leaders")
            ack(response_action="errors", errors={"text": refusal[:150]})
            return
        if _first_time(session, team, view):
            text, owner, due = parsed
            action_items.add_action(session, agenda, text, owner, due, user, commit=False)
            _follow_up(session, context, body, refresh_after_action.__name__, CHANGED)
    ack()


def _first_time(session: Session, team: str, view: dict[str, Any]) -> bool:
    """Whether this view's submission is new: its receipt joins the caller's transaction, so it
    commits with the write it guards or not at all."""
    session.add(Receipt(team_id=team, key=f"view:{view['id']}"))
    try:
        session.flush()
    except IntegrityError:  # Slack delivered this submission before, and it was stored
        session.rollback()
        return False
    return True


def refresh_after_topic(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Lazy: update the agenda once a topic was stored (the lazy part runs after errors too)."""
    _refresh(body, view, context)


def refresh_after_action(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Lazy: update the agenda once an action item was stored."""
    _refresh(body, view, context)


def _refresh(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    if context.get(NOTE) != CHANGED:
        return  # refused, an inline error, or a submission stored before
    with Session(context["engine"]) as session:
        agenda, _ = _view_agenda(session, body, view)
    if agenda is not None and agenda.id is not None:
        agenda_jobs.refresh_agenda(context["runtime"], body["team"]["id"], agenda.id)
