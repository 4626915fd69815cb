"""`/prospect-question`, the "Log prospect question" shortcut and the capture modal.

Capture is keyed on the Slack delivery (f"trigger:{trigger_id}" for the command,
f"view:{view_id}" for the modal), so a retried delivery finds the same question and the
triage post (outbox key f"triage:{id}") is made once.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot.admin.views.config import clip
from bot.kernel.messages import usage
from bot.kernel.parsing import command_text, row_id, split_command
from bot.platform.background import NO_FOLLOW_UP, record_lazy
from bot.questions import posts as question_posts
from bot.questions.forms import capture_fields
from bot.questions.views import modals
from bot.questions.views import replies as views
from handlers import questions_ratings, questions_review, questions_thread, questions_triage
from storage import questions as store
from storage import workspaces
from storage.models.questions import MAX_TEXT

SUBCOMMANDS = ("help", "search", "edit", "withdraw")


def register(app: Any) -> None:
    app.command(views.COMMAND)(ack=prospect_question, lazy=[after_command])
    app.shortcut(views.SHORTCUT)(log_from_message)
    app.view(modals.CAPTURE_MODAL)(ack=submit_capture, lazy=[after_capture])
    questions_triage.register(app)
    questions_review.register(app)
    questions_ratings.register(app)
    questions_thread.register(app)


def prospect_question(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Capture, search, edit or withdraw; the reply is the ack's ephemeral body. Only a
    capture, an edit and a withdrawal have a follow-up (after_command)."""
    text = command_text(command.get("text"))
    sub, rest = split_command(text)
    # A usage reply, help, a search or a refusal changed nothing: no follow-up, so no write in
    # this ack. A capture, an edit and a withdrawal record theirs with their write.
    context[NO_FOLLOW_UP] = True
    if not text:
        view = modals.capture_modal(metadata={"channel": command.get("channel_id", "")})
        client.views_open(trigger_id=command["trigger_id"], view=view)
        ack()
    elif _is_subcommand(sub, rest):
        ack(_subcommand(sub, rest, command, context))
    elif " " not in text and "?" not in text:
        ack(usage(f"I don't know `{clip(sub)}`; ask a whole question.", *views.EXAMPLES))
    elif len(text) > MAX_TEXT:
        ack(views.too_long(len(text)))
    else:
        ack(_capture(text, command, context))


def _is_subcommand(sub: str, rest: str) -> bool:
    """“help”, “edit 12 …”, “withdraw 12”, “search …”; but “Help desk: do you integrate with
    Zendesk?” is a question (a `?` and nothing number-like after the word). “edit -1 …” or
    “edit ² …” is a mistyped edit, answered with the usage, never logged as a question."""
    if sub not in SUBCOMMANDS:
        return False
    first = rest.partition(" ")[0].lstrip("#+-")
    numberish = bool(first) and (first[0].isdigit() or first[0].isnumeric())
    return sub == "search" or "?" not in rest or numberish


def _capture(text: str, command: dict[str, Any], context: BoltContext) -> dict[str, Any]:
    """The ack's write, one transaction: the question (once per delivery) and the run of
    `after_command` (similar questions, the triage post) that follows it."""
    team, key = command["team_id"], f"trigger:{command['trigger_id']}"
    context[NO_FOLLOW_UP] = False
    with context["engine"].begin() as conn:
        question_id, _ = store.insert_question(conn, team, key, command["user_id"], text)
        channel = workspaces.triage_channel(conn, team)
        record_lazy(conn, context, team, after_command.__name__, command)
    return views.captured(question_id, [], channel)


def _subcommand(
    sub: str, rest: str, command: dict[str, Any], context: BoltContext
) -> dict[str, Any]:
    team, user = command["team_id"], command["user_id"]
    if sub == "help":
        return views.help_reply()
    if sub == "search":
        if not rest:
            return usage("Tell me what to search for.", views.EXAMPLES[1])
        with Session(context["engine"]) as session:
            found = store.similar_questions(session, team, rest, 5, True, index_first=False)
            return views.search_results(rest, found)
    number, _, new_text = rest.partition(" ")
    question_id = _number(number)
    if question_id is None or (sub == "edit" and not new_text.strip()):
        return usage(
            f"`{sub}` needs a question number{' and the new text' * (sub == 'edit')}.",
            *views.EXAMPLES[2:],
        )
    if len(new_text) > MAX_TEXT:
        return views.too_long(len(new_text))
    with Session(context["engine"], expire_on_commit=False) as session:
        try:
            if sub == "edit":
                q = store.edit(session, team, question_id, user, new_text.strip(), commit=False)
                reply = views.edited(q)
            else:
                reply = views.withdrawn(
                    store.withdraw(session, team, question_id, user, commit=False)
                )
        except store.QuestionError as exc:  # not theirs, or closed: nothing changed
            return views.error(exc.code)
        # The change and the refresh of its triage post (after_command) commit together.
        context[NO_FOLLOW_UP] = False
        record_lazy(session.connection(), context, team, after_command.__name__, command)
        session.commit()
    return reply


def _number(token: str) -> int | None:
    token = token.strip().lstrip("#")
    return row_id(token)


def after_command(command: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Lazy: similar questions to the asker, the triage post; or refresh it after an edit."""
    runtime, team = context["runtime"], command["team_id"]
    text = command_text(command.get("text"))
    sub, rest = split_command(text)
    if sub in ("edit", "withdraw") and _is_subcommand(sub, rest):
        question_id = _number(rest.partition(" ")[0])
        if question_id is not None:
            question_posts.refresh_triage(runtime, team, question_id)
        return
    key = f"trigger:{command['trigger_id']}"
    with Session(runtime.engine, expire_on_commit=False) as session:
        q = store.by_capture_key(session, team, key)
        if q is None or q.id is None:
            return
        similar = store.similar_questions(session, team, q.text, limit=3, exclude_id=q.id)
    if similar and command.get("response_url"):  # a retried delivery may repeat this ephemeral
        respond(**views.similar_found(q, similar))
    question_posts.post_triage(runtime, team, q.id)


def log_from_message(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """Message shortcut: the capture modal, pre-filled with the message and its address."""
    ack()
    message = body.get("message") or {}
    metadata = {"channel": body.get("channel", {}).get("id", ""), "ts": message.get("ts", "")}
    view = modals.capture_modal(command_text(message.get("text")), metadata)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def submit_capture(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    """Validate the form (inline errors), store the question once per view, show its number."""
    fields, errors = capture_fields(view["state"]["values"])
    if errors:
        ack(response_action="errors", errors=errors)
        return
    team, settings = body["team"]["id"], context["settings"]
    source = _metadata(view)
    if source.get("ts"):
        fields.update(source_channel=source.get("channel") or None, source_ts=source["ts"])
    with Session(context["engine"], expire_on_commit=False) as session:
        key = f"view:{view['id']}"
        record_lazy(session.connection(), context, team, after_capture.__name__, body)
        q, _ = store.capture(session, team, key, body["user"]["id"], **fields)
        ws = workspaces.get_or_create(session, team, settings.lockstep_timezone)
        session.commit()
        similar = store.similar_questions(
            session, team, q.text, limit=3, exclude_id=q.id, index_first=False
        )
        reply = modals.captured_modal(q, similar, ws.triage_channel)
    ack(response_action="update", view=reply)


def _metadata(view: dict[str, Any]) -> dict[str, str]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return {k: str(v)[:32] for k, v in data.items()} if isinstance(data, dict) else {}


def after_capture(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Lazy: fetch the source permalink, then post the question to triage."""
    runtime, team = context["runtime"], body["team"]["id"]
    with Session(runtime.engine) as session:
        q = store.by_capture_key(session, team, f"view:{view['id']}")
    if q is None or q.id is None:
        return
    question_posts.fetch_permalink(runtime, team, q.id)
    question_posts.post_triage(runtime, team, q.id)
