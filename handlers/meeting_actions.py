"""Buttons on the agenda and the reminder DM: vote, mark discussed, add topic/action item, done.

Buttons ack at once; the change and the agenda's update happen in a lazy listener. Every
change is checked on the server: a forged action id or value changes nothing.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot import agenda_jobs, permissions
from bot.parsing import row_id
from bot.views import meetings as views
from bot.views import meetings_forms as forms
from bot.views import meetings_replies as replies
from bot.views.common import ephemeral
from storage import action_items, agendas, meetings, receipts
from storage.agendas import NewItem
from storage.models.meetings import MeetingSeries, PostedAgenda


def register(app: Any) -> None:
    app.action(views.VOTE)(ack=_ack, lazy=[vote])
    app.action(views.DISCUSSED)(ack=_ack, lazy=[mark_discussed])
    app.action(views.DONE)(ack=_ack, lazy=[action_done])
    app.action(views.ADD_TOPIC)(open_topic_modal)
    app.action(views.ADD_ACTION)(open_action_modal)
    app.view(forms.TOPIC)(ack=submit_topic, lazy=[refresh_after_topic])
    app.view(forms.ACTION)(ack=submit_action, lazy=[refresh_after_action])


def _ack(ack: Ack) -> None:
    ack()


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
        respond(**ephemeral(text), replace_original=False)


def vote(body: dict[str, Any], context: BoltContext, respond: Any) -> None:
    team, user, value = _who(body)
    number = _number(value)
    with Session(context["engine"]) as session:
        item = agendas.get_item(session, team, number) if number else None
        if item is None or item.kind != "topic" or item.ref_id is None:
            return
        if not meetings.vote(session, team, item.ref_id, user):
            _tell(respond, body, ":ballot_box: You already voted for this topic.")
            return
        agenda_id = item.agenda_id
    agenda_jobs.refresh_agenda(context["runtime"], team, agenda_id)


def mark_discussed(body: dict[str, Any], context: BoltContext, respond: Any) -> None:
    team, user, value = _who(body)
    number = _number(value)
    with Session(context["engine"]) as session:
        item = agendas.get_item(session, team, number) if number else None
        agenda = agendas.get_agenda(session, team, item.agenda_id) if item else None
        series = session.get(MeetingSeries, agenda.series_id) if agenda else None
        if item is None or series is None:
            return
        if not is_member_or_leader(session, context, series, user):
            _tell(respond, body, permissions.refusal("series members", "leaders"))
            return
        changed = agendas.mark_discussed(session, item, user)
        agenda_id = item.agenda_id
    if changed:
        agenda_jobs.refresh_agenda(context["runtime"], team, agenda_id)


def action_done(body: dict[str, Any], context: BoltContext, respond: Any) -> None:
    team, user, value = _who(body)
    number = _number(value)
    with Session(context["engine"]) as session:
        action = action_items.get_action(session, team, number) if number else None
        if action is None or action.id is None:
            return
        may = user in (action.owner, action.created_by) or permissions.allowed(
            session, context["settings"], team, user, "leader"
        )
        if not may:
            _tell(respond, body, permissions.refusal("the owner", "leaders"))
            return
        action_items.complete_action(session, action, user)
        listed = action_items.agendas_with_action(session, action.id)
        container = body.get("container") or {}
        on_agenda = agendas.agenda_at(
            session, team, str(container.get("channel_id")), str(container.get("message_ts"))
        )
    # the latest agenda listing it and the one clicked on; older ones stay as they were posted
    targets = set(listed[-1:]) | ({on_agenda.id} if on_agenda and on_agenda.id else set())
    for agenda_id in sorted(targets):
        agenda_jobs.refresh_agenda(context["runtime"], team, agenda_id)
    if on_agenda is None and body.get("response_url"):  # the reminder DM
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
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Any
) -> None:
    ack()
    with Session(context["engine"]) as session:
        agenda, series = _agenda_from_button(session, body)
        if agenda is None or agenda.id is None or series is None:
            return
        allowed = is_member_or_leader(session, context, series, body["user"]["id"])
    if not allowed:
        _tell(respond, body, permissions.refusal("series members", "leaders"))
        return
    client.views_open(trigger_id=body["trigger_id"], view=forms.action_modal(agenda.id))


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
        if receipts.first_time(session, team, f"view:{view['id']}"):
            topic = meetings.add_topic(session, team, series.id, text, user)
            agendas.add_item(session, agenda, NewItem("topics", "topic", topic.id, text))
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
        if receipts.first_time(session, team, f"view:{view['id']}"):
            text, owner, due = parsed
            action_items.add_action(session, agenda, text, owner, due, user)
    ack()


def refresh_after_topic(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Update the agenda once a topic was accepted (the lazy part runs after errors too)."""
    if str(forms.value_of(view["state"]["values"], "text") or "").strip():
        _refresh(body, view, context, need_member=False)


def refresh_after_action(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    if forms.read_action(view["state"]["values"])[0] is not None:
        _refresh(body, view, context, need_member=True)


def _refresh(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, need_member: bool
) -> None:
    with Session(context["engine"]) as session:
        agenda, series = _view_agenda(session, body, view)
        if agenda is None or agenda.id is None or series is None:
            return
        if need_member and not is_member_or_leader(session, context, series, body["user"]["id"]):
            return
    agenda_jobs.refresh_agenda(context["runtime"], body["team"]["id"], agenda.id)
