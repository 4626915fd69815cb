"""The review DM's buttons: Still true, Update (the answer form, pre-filled) and Retire.

Only marketers and admins may verify, update or retire, checked here on every click. Each
click changes its answer with one conditional UPDATE in the same transaction as its follow-up,
so a double click or a retried delivery verifies or retires once; the follow-up says which.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot.kernel.messages import ephemeral, notice_modal
from bot.kernel.parsing import row_id
from bot.platform import follow_up, permissions
from bot.platform.background import NOTE, record_lazy
from bot.questions import review
from bot.questions.views import modals
from bot.questions.views import review as views
from storage import questions as store
from storage import questions_review as reviews

# What a click did, handed to its follow-up.
DONE, UNCHANGED, REFUSED = "done", "unchanged", "refused"


def register(app: Any) -> None:
    app.action(views.VERIFY_BUTTON)(ack=verify, lazy=[after_verify])
    app.action(views.RETIRE_BUTTON)(ack=retire, lazy=[after_retire])
    app.action(views.UPDATE_BUTTON)(open_update)


def _allowed(session: Session, context: BoltContext, team: str, user: str) -> bool:
    return permissions.allowed(session, context["settings"], team, user, review.REVIEWERS)


def verify(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """“Still true”: verified now, due again after its review period."""
    ack()
    team, user = body["team"]["id"], body["user"]["id"]
    parsed = views.parse_verify_value(body["actions"][0].get("value"))
    with Session(context["engine"]) as session:
        if not _allowed(session, context, team, user):
            note = REFUSED
        elif parsed is None or not reviews.verify(session, team, parsed[0], user, parsed[1]):
            note = UNCHANGED
        else:
            note = DONE
        record_lazy(session.connection(), context, team, after_verify.__name__, body, note)
        session.commit()


def retire(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """“Retire”: never suggested again; its question is open again."""
    ack()
    team, user = body["team"]["id"], body["user"]["id"]
    answer_id = row_id(body["actions"][0].get("value"))
    with Session(context["engine"]) as session:
        if not _allowed(session, context, team, user):
            note = REFUSED
        elif answer_id is None or reviews.retire(session, team, answer_id, user) is None:
            note = UNCHANGED
        else:
            note = DONE
        record_lazy(session.connection(), context, team, after_retire.__name__, body, note)
        session.commit()


def _tell(body: dict[str, Any], context: BoltContext, respond: Respond, done: Any) -> None:
    """Replace the DM with what happened, or tell the clicker why nothing did."""
    if not body.get("response_url"):
        return
    note = context.get(NOTE)
    if note == DONE:
        follow_up.reply(respond, done())
    elif note == REFUSED:
        refusal = ephemeral(permissions.refusal("marketers"))
        follow_up.reply(respond, {**refusal, "replace_original": False})
    else:
        follow_up.reply(respond, {**ephemeral(views.UNCHANGED), "replace_original": False})


def _answer(context: BoltContext, body: dict[str, Any], raw: str | None) -> Any:
    number = row_id(raw)
    with Session(context["runtime"].engine, expire_on_commit=False) as session:
        return reviews.get(session, body["team"]["id"], number) if number is not None else None


def after_verify(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Lazy: the DM now says who verified it and when it is due next."""
    parsed = views.parse_verify_value(body["actions"][0].get("value"))
    a = _answer(context, body, str(parsed[0]) if parsed else None)
    if a is not None:
        _tell(body, context, respond, lambda: views.verified(a, body["user"]["id"]))


def after_retire(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Lazy: the triage post is open again (and its thread says why); the DM says so."""
    a = _answer(context, body, body["actions"][0].get("value"))
    if a is None:
        return
    if context.get(NOTE) == DONE:
        assert a.id is not None
        review.after_retire(context["runtime"], body["team"]["id"], a.id)
    _tell(body, context, respond, lambda: views.retired(a, body["user"]["id"]))


def open_update(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """“Update”: the answer form pre-filled with the answer; sending it answers anew (the same
    DMs as the Answer button) and the new answer is the one reviewed from then on."""
    ack()
    team, user = body["team"]["id"], body["user"]["id"]
    answer_id = row_id(body["actions"][0].get("value"))
    with Session(context["engine"]) as session:
        a = reviews.get(session, team, answer_id) if answer_id is not None else None
        q = store.get(session, team, a.question_id) if a is not None else None
        if not _allowed(session, context, team, user):
            view = notice_modal(permissions.refusal("marketers"))
        elif a is None or q is None or a.retired_at is not None or q.status not in store.LIVE:
            view = notice_modal(views.UNCHANGED)
        else:
            view = modals.answer_modal(q, current=a)
    client.views_open(trigger_id=body["trigger_id"], view=view)
