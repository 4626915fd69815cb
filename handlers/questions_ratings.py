"""“This answers it” / “Not quite” on a suggested answer (the similar-question reply and the
capture modal's last page) and on the answer DM.

Only the question's asker, the reps who +1'd it, and marketers or admins may rate; checked
here. “This answers it” on a suggestion resolves the rep's new question, while it is open, with
that answer (it counts as a +1 on the original); only the asker or a marketer may do that (a
+1'er may still say “Not quite”); the rating and the resolution commit with their follow-up,
and a second click (or a retried delivery) changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.kernel.messages import ephemeral
from bot.platform import follow_up, permissions
from bot.platform.background import NOTE, record_lazy
from bot.questions import ratings
from bot.questions.views import ratings as views
from storage import questions as store
from storage import questions_ratings as rated
from storage import questions_review as reviews
from storage import questions_votes as votes

log = logging.getLogger(__name__)
# views.update's answers for a form the person has closed (or that moved on): nothing to show.
GONE_VIEW = frozenset({"not_found", "hash_conflict"})

# What a click did, handed to its follow-up.
RESOLVED, THANKED, MISSED, UNCHANGED, REFUSED = "resolved", "thanked", "missed", "same", "no"


def register(app: Any) -> None:
    app.action(views.ANSWERS_BUTTON)(ack=answers_it, lazy=[after_rating])
    app.action(views.NOT_QUITE_BUTTON)(ack=not_quite, lazy=[after_rating])


def _may_rate(
    session: Session, context: BoltContext, team: str, user: str, q: Any, resolves: bool
) -> bool:
    """The asker, or a marketer; a +1'er too, unless the click would resolve the question."""
    if user == q.asker_id or (not resolves and user in votes.voters(session, q.id)):
        return True
    return permissions.allowed(session, context["settings"], team, user, "marketer")


def _rate(body: dict[str, Any], context: BoltContext, verdict: str) -> str:
    """The click's one transaction: the rating (and the resolution); what it did."""
    team, user = body["team"]["id"], body["user"]["id"]
    parsed = views.parse(body["actions"][0].get("value"))
    with Session(context["engine"]) as session:
        a = reviews.get(session, team, parsed[1]) if parsed else None
        q = store.get(session, team, parsed[0]) if parsed else None
        if a is None or q is None or a.retired_at is not None:
            note = UNCHANGED
        elif not _may_rate(session, context, team, user, q, resolves(verdict, q.id, a)):
            note = REFUSED
        else:
            note = _record(session, team, user, q.id or 0, a.id or 0, a.question_id, verdict)
        record_lazy(session.connection(), context, team, after_rating.__name__, body, note)
        session.commit()
    return note


def resolves(verdict: str, question_id: int | None, a: Any) -> bool:
    """“This answers it” on a suggestion (another question's answer) resolves the question."""
    return verdict == "answers" and question_id != a.question_id


def _record(
    session: Session, team: str, user: str, question_id: int, answer_id: int, original: int,
    verdict: str,
) -> str:  # fmt: skip
    if not rated.rate(session, team, answer_id, question_id, user, verdict):
        return UNCHANGED
    if verdict == "not_quite":
        return MISSED
    if question_id == original:  # the answer DM: the question is answered already
        return THANKED
    try:
        votes.fold(session, team, question_id, original, "resolved")
    except store.QuestionError:  # answered or closed (resolved, merged, withdrawn) meanwhile
        session.rollback()
        return UNCHANGED
    return RESOLVED


def answers_it(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    _rate(body, context, "answers")


def not_quite(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    _rate(body, context, "not_quite")


REPLIES = {
    THANKED: views.THANKS,
    MISSED: views.MISSED,
    UNCHANGED: views.UNCHANGED,
    REFUSED: views.NOT_YOURS,
}


def after_rating(
    body: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient
) -> None:
    """Lazy: the triage posts after a resolution, a thread note after an answer DM's “Not
    quite”; then the rep is told (in the modal, when they rated from its last page). What comes
    before the reply is keyed in the outbox, so a reply Slack did not take is retried."""
    runtime, team, user = context["runtime"], body["team"]["id"], body["user"]["id"]
    note = context.get(NOTE)
    parsed = views.parse(body["actions"][0].get("value"))
    if parsed is None:
        return
    question_id, answer_id = parsed
    text = REPLIES.get(str(note), views.UNCHANGED)
    if note == RESOLVED:
        ratings.after_resolved(runtime, team, question_id)
        with Session(runtime.engine) as session:
            q = store.get(session, team, question_id)
        text = views.resolved(question_id, q.duplicate_of if q and q.duplicate_of else 0)
    elif note == MISSED:
        with Session(runtime.engine) as session:
            a = reviews.get(session, team, answer_id)
        if a is not None and a.question_id == question_id:  # from the answer DM
            ratings.after_missed(runtime, team, question_id, user)
            text = views.MISSED_ANSWER
    if body.get("view"):
        try:
            client.views_update(view_id=body["view"]["id"], view=views.rated_modal(text))
        except SlackApiError as exc:  # closed since: the rating is stored, nothing to show
            if exc.response.get("error") not in GONE_VIEW:
                raise  # an outage: the outbox tries again
            log.info("the rated capture form is closed (%s)", exc.response.get("error"))
    elif body.get("response_url"):
        follow_up.reply(respond, {**ephemeral(text), "replace_original": False})
