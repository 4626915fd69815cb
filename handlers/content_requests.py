"""`/content-request`: the request modal, the queue, and +1 votes on triage posts."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot.content_requests import notices as request_notices
from bot.content_requests.views import forms as views
from bot.content_requests.views import posts
from bot.gaps import report as gap_report
from bot.kernel.messages import usage
from bot.kernel.parsing import command_text, row_id, split_command
from bot.platform import follow_up, permissions
from bot.platform.background import NOTE, record_lazy
from storage import content_requests
from storage import gaps as gap_store
from storage import questions_lists as question_lists
from storage.clock import utcnow

COMMAND = "/content-request"
EXAMPLES = ("/content-request", "/content-request list")


def register(app: Any) -> None:
    app.command(COMMAND)(request_command)
    app.view(views.REQUEST_CALLBACK)(ack=request_submitted, lazy=[announce])
    app.action(posts.PLUS_ONE_BUTTON)(ack=plus_one, lazy=[refresh_after_vote])


def today_somewhere() -> date:
    """The earliest calendar date anywhere on Earth now (UTC-12): no rep is told that their
    today is in the past."""
    return (utcnow() - timedelta(hours=12)).date()


def request_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    sub, _ = split_command(command_text(command.get("text")))
    team, user = command["team_id"], command["user_id"]
    if sub == "":
        client.views_open(trigger_id=command["trigger_id"], view=views.request_modal())
        ack()
        return
    if sub not in ("list", "mine"):
        ack(usage("`/content-request` opens the form; `list` shows the queue.", *EXAMPLES))
        return
    with Session(context["engine"], expire_on_commit=False) as session:
        triager = permissions.allowed(session, context["settings"], team, user, "marketer")
        if sub == "list" and triager:
            ack(posts.queue_list(content_requests.queue(session, team, utcnow())))
        else:
            ack(posts.my_list(content_requests.mine(session, team, user)))


def source_key(view: dict[str, Any], user: str) -> str:
    """The request's key: its form's view, or, for a knowledge gap's form, the gap (and its
    report) and the rep: two forms one rep opened by a double click on Request content make
    one request; another rep's request from the same gap is theirs."""
    metadata = str(view.get("private_metadata") or "")
    if gap_report.parse_source(metadata) is None:
        return f"view:{view['id']}"
    return f"{metadata[:200]}:{user}"


def _link_gap_questions(
    session: Session, team: str, request_id: int | None, view: dict[str, Any]
) -> None:
    """A knowledge gap's request answers all of the gap's questions, not only those its form
    cites: linked, so the delivered asset reaches every rep who asked or +1'd one."""
    parsed = gap_report.parse_source(str(view.get("private_metadata") or ""))
    if parsed is None or request_id is None:
        return
    days, key = parsed
    ids = gap_report.question_ids(gap_store.snapshot(session, team, days), key)
    content_requests.link_questions(session, team, request_id, ids)
    session.commit()


def request_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    team, user = body["team"]["id"], body["user"]["id"]
    form, errors = views.read_request_form(view["state"]["values"], today_somewhere())
    if form is None:
        ack(response_action="errors", errors=errors)
        return
    with Session(context["engine"], expire_on_commit=False) as session:
        refs = views.ref_numbers(form.question_refs)
        known = question_lists.texts(session, team, refs)
        missing = [n for n in refs if n not in known]
        if missing:
            ack(response_action="errors", errors=views.unknown_questions(missing))
            return
        record_lazy(session.connection(), context, team, announce.__name__, body)
        content_requests.create(session, team, source_key(view, user), user, **asdict(form))
    ack()


def announce(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """Lazy: a gap's questions linked; the triage post and the requester's confirmation (each
    once, by outbox key)."""
    team, user = body["team"]["id"], body["user"]["id"]
    with Session(context["engine"], expire_on_commit=False) as session:
        request = content_requests.by_key(session, team, source_key(view, user))
        if request is not None:
            _link_gap_questions(session, team, request.id, view)
    if request is not None and request.id is not None:
        request_notices.announce(context["runtime"], team, request.id)


# What a +1 did, handed from the ack to its follow-up (bot.platform.background.NOTE).
NOT_NOW, OWN, VOTED, ALREADY = "not-now", "own", "voted", "already"


def _request_id(body: dict[str, Any]) -> int:
    return row_id(str(body["actions"][0].get("value", ""))) or 0


def plus_one(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """A +1 from another rep: counted once per person, while the request is open; the vote
    and the follow-up that answers the clicker and updates the triage post, one transaction."""
    ack()
    team, user = body["team"]["id"], body["user"]["id"]
    with Session(context["engine"], expire_on_commit=False) as session:
        request = content_requests.get(session, team, _request_id(body))
        if request is None or request.status not in content_requests.OPEN:
            note = NOT_NOW
        elif request.requester_id == user:
            note = OWN
        else:  # the vote checks the status again, in SQL: it may have closed since the read
            counted = content_requests.vote(session, team, request.id or 0, user)
            note = NOT_NOW if counted is None else VOTED if counted else ALREADY
        record_lazy(session.connection(), context, team, refresh_after_vote.__name__, body, note)
        session.commit()


def refresh_after_vote(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Lazy: show the new demand on the triage post (keyed by version: no duplicate update);
    tell the clicker what the +1 did (a reply Slack did not take is retried)."""
    team, note = body["team"]["id"], context.get(NOTE)
    with Session(context["engine"], expire_on_commit=False) as session:
        request = content_requests.get(session, team, _request_id(body))
        demand = (
            1 + len(content_requests.voters(session, request.id)) if request and request.id else 1
        )
    replies = {
        NOT_NOW: lambda: posts.not_now(request),
        OWN: posts.own_request,
        VOTED: lambda: posts.voted(demand),
        ALREADY: posts.already_voted,
    }
    if note == VOTED:  # first: keyed by version, so a retry for the reply adds no update
        request_notices.refresh_post(context["runtime"], team, _request_id(body))
    if note in replies and body.get("response_url"):
        follow_up.reply(respond, {**replies[note](), "replace_original": False})
