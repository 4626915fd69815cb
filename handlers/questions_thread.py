"""“Use as answer”: a message shortcut on a reply in a triage post's thread.

Marketers often answer in the thread. The shortcut (marketers and admins, checked here and
again when the form is sent) opens the answer form filled in with the reply; sending it is
the Answer button's submission, with the same DMs. Nothing is stored for a reply nobody chose.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot.kernel.messages import notice_modal
from bot.kernel.parsing import command_text
from bot.platform import permissions
from bot.questions.views import modals
from bot.questions.views import replies as views
from handlers import questions_triage
from storage import questions as store
from storage import questions_posts as posts

SHORTCUT = "use_as_answer"
NOT_A_REPLY = (
    ":thinking_face: *Use as answer* works on a reply in the thread of a question's triage post."
)


def register(app: Any) -> None:
    app.shortcut(SHORTCUT)(use_as_answer)


def use_as_answer(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    team, user = body["team"]["id"], body["user"]["id"]
    message = body.get("message") or {}
    thread, ts = message.get("thread_ts"), message.get("ts")
    channel = (body.get("channel") or {}).get("id", "")
    with Session(context["engine"]) as session:
        q = None
        if thread and thread != ts:
            question_id = posts.question_at(session, team, channel, str(thread))
            q = store.get(session, team, question_id) if question_id is not None else None
        if not permissions.allowed(session, context["settings"], team, user, "marketer"):
            view = notice_modal(permissions.refusal("marketers"))
        elif q is None:
            view = notice_modal(NOT_A_REPLY)
        elif q.status not in store.LIVE:
            view = notice_modal(views.ERRORS["closed"])
        else:
            reply = command_text(message.get("text"))
            days = questions_triage.review_days(context, team)
            view = modals.answer_modal(q, reply=reply, author=message.get("user"), days=days)
    client.views_open(trigger_id=body["trigger_id"], view=view)
