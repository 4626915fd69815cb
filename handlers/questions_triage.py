"""The triage post's buttons (Answer, I got this too, Mark duplicate of…) and their modals.

Only marketers and admins may answer or merge: checked when the button opens a modal and
again when the modal is submitted (a forged view_submission changes nothing).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot.kernel.messages import ephemeral, notice_modal
from bot.kernel.parsing import row_id
from bot.platform import follow_up, permissions
from bot.platform.background import NO_FOLLOW_UP, NOTE, record_lazy
from bot.questions import posts as question_posts
from bot.questions.forms import answer_fields, answer_target, original_number
from bot.questions.views import modals, posts
from bot.questions.views import replies as views
from storage import questions as store
from storage import questions_votes as votes
from storage.models import Workspace
from storage.models.questions import DEFAULT_REVIEW_DAYS

NEEDED = "marketer"


def register(app: Any) -> None:
    app.action(posts.ANSWER_BUTTON)(open_answer)
    app.action(posts.DUPLICATE_BUTTON)(open_duplicate)
    app.action(posts.PLUS_ONE_BUTTON)(ack=plus_one, lazy=[after_plus_one])
    app.view(modals.ANSWER_MODAL)(ack=submit_answer, lazy=[after_answer])
    app.view(modals.DUPLICATE_MODAL)(ack=submit_duplicate, lazy=[after_duplicate])


def _question_id(raw: str | None) -> int:
    number = row_id(raw)
    return -1 if number is None else number


def _allowed(context: BoltContext, team: str, user: str) -> bool:
    with Session(context["engine"]) as session:
        return permissions.allowed(session, context["settings"], team, user, NEEDED)


def _open(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, form: Any
) -> None:
    ack()
    team, user = body["team"]["id"], body["user"]["id"]
    question_id = _question_id(body["actions"][0].get("value"))
    if not _allowed(context, team, user):
        view = notice_modal(permissions.refusal("marketers"))
    else:
        with Session(context["engine"]) as session:
            q = store.get(session, team, question_id)
        if q is None or q.status not in store.LIVE:
            view = notice_modal(views.ERRORS["closed" if q else "not_found"])
        else:
            view = form(q)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def open_answer(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    days = review_days(context, body["team"]["id"])
    _open(ack, body, context, client, lambda q: modals.answer_modal(q, days=days))


def review_days(context: BoltContext, team: str) -> int:
    """The workspace's default review period for a new answer (`/lockstep config answer-review`)."""
    with Session(context["engine"]) as session:
        ws = session.get(Workspace, team)
    return ws.answer_review_days if ws is not None else DEFAULT_REVIEW_DAYS


def open_duplicate(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    _open(ack, body, context, client, modals.duplicate_modal)


# What a +1 click did, handed to its follow-up (bot.platform.background.NOTE).
COUNTED, NOT_COUNTED = "counted", "not-counted"


def plus_one(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """“I got this too”: counted once per person (a unique row), never for the asker; the vote
    and its follow-up (the post's update, or the clicker told) commit together."""
    ack()
    question_id = _question_id(body["actions"][0].get("value"))
    team = body["team"]["id"]
    with Session(context["engine"]) as session:
        try:
            counted = votes.plus_one(session, team, question_id, body["user"]["id"], commit=False)
        except store.QuestionError:
            context[NO_FOLLOW_UP] = True  # withdrawn or merged meanwhile: the post says so
            return
        if not counted:
            session.rollback()  # only the follow-up that tells the clicker is kept
        note = COUNTED if counted else NOT_COUNTED
        record_lazy(session.connection(), context, team, after_plus_one.__name__, body, note)
        session.commit()


def after_plus_one(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Lazy: update the triage post with the new count, or tell the clicker it was not."""
    if context.get(NOTE) == NOT_COUNTED:
        if body.get("response_url"):
            follow_up.reply(respond, {**ephemeral(views.NOT_COUNTED), "replace_original": False})
        return
    question_id = _question_id(body["actions"][0].get("value"))
    question_posts.refresh_triage(context["runtime"], body["team"]["id"], question_id)


def submit_answer(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    team, user = body["team"]["id"], body["user"]["id"]
    if not _allowed(context, team, user):
        ack(response_action="errors", errors={"answer": "Only marketers and admins can answer."})
        return
    text, link, days, errors = answer_fields(view["state"]["values"])
    if errors:
        ack(response_action="errors", errors=errors)
        return
    number, author = answer_target(view.get("private_metadata"))
    question_id = -1 if number is None else number
    if author is not None and not _allowed(context, team, author):
        author = None  # a thread reply's writer is credited only when they may answer
    with Session(context["engine"]) as session:
        record_lazy(session.connection(), context, team, after_answer.__name__, body)
        try:
            key = f"view:{view['id']}"
            store.answer(session, team, question_id, author or user, text, link, key, days)
        except store.QuestionError as exc:
            ack(response_action="errors", errors={"answer": views.ERRORS[exc.code]})
            return
    ack()


def after_answer(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Lazy: DM the answer to the asker and +1s, update the triage post in place."""
    question_posts.send_answer(context["runtime"], body["team"]["id"], f"view:{view['id']}")


def submit_duplicate(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    team, user = body["team"]["id"], body["user"]["id"]
    if not _allowed(context, team, user):
        ack(response_action="errors", errors={"original": "Only marketers and admins can merge."})
        return
    original = original_number(view["state"]["values"])
    if original is None:
        ack(response_action="errors", errors={"original": "Type the original's number, e.g. 12."})
        return
    with Session(context["engine"]) as session:
        record_lazy(session.connection(), context, team, after_duplicate.__name__, body)
        try:
            votes.merge(session, team, _question_id(view.get("private_metadata")), original)
        except store.QuestionError as exc:
            ack(response_action="errors", errors={"original": views.ERRORS[exc.code]})
            return
    ack()


def after_duplicate(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Lazy: tell the duplicate's asker and +1s, update both triage posts."""
    duplicate_id = _question_id(view.get("private_metadata"))
    question_posts.after_merge(context["runtime"], body["team"]["id"], duplicate_id)
