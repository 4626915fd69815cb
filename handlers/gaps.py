"""`/lockstep gaps` (routed by handlers.admin) and the report's Request content buttons.

The reply is the kept report when it is fresh (an ack that only reads); otherwise the ack says
it is working on it and the follow-up builds the report, keeps it and sends it.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot.content_requests.views.forms import request_modal
from bot.gaps import report
from bot.gaps.views import report as views
from bot.kernel.messages import ephemeral, notice_modal, usage
from bot.kernel.parsing import command_text, split_command
from bot.platform.background import NO_FOLLOW_UP
from storage import gaps as store
from storage.clock import utcnow
from storage.models.gaps import WINDOWS

EXAMPLES = ("/lockstep gaps", "/lockstep gaps 30")
GONE = ":thinking_face: That gap is not in the latest report any more: run `/lockstep gaps` again."


def register(app: Any) -> None:
    app.action(views.REQUEST_BUTTON)(request_content)


def window(rest: str) -> int | None:
    """The report's window in days: 90 unless “30” (or “90”) is asked for."""
    token = rest.strip().lower().removesuffix("d").removesuffix(" days")
    if not token:
        return WINDOWS[-1]
    return int(token) if token.isdigit() and int(token) in WINDOWS else None


def gaps(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    """`/lockstep gaps [30|90]`: the kept report if fresh, else “working on it” and a
    follow-up (after_gaps) that builds and sends it."""
    days = window(rest)
    if days is None:
        return usage("The knowledge gaps cover the last 30 or 90 days.", *EXAMPLES)
    now = utcnow()
    with Session(context["engine"], expire_on_commit=False) as session:
        kept = store.snapshot(session, command["team_id"], days)
    if report.is_fresh(kept, now):
        assert kept is not None
        return views.gaps_reply(report.gaps_of(kept), days, kept.computed_at)
    context[NO_FOLLOW_UP] = False
    return ephemeral(views.WORKING)


def after_gaps(command: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Lazy (of `/lockstep`): build the report the ack had no fresh copy of, and send it."""
    sub, rest = split_command(command_text(command.get("text")))
    days = window(rest)
    if sub != "gaps" or days is None:
        return
    snapshot = report.current(context["runtime"].engine, command["team_id"], days, utcnow())
    if command.get("response_url"):
        respond(views.gaps_reply(report.gaps_of(snapshot), days, snapshot.computed_at))


def request_content(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """The content-request form, filled in from the gap and citing its questions."""
    ack()
    parsed = views.parse_button(body["actions"][0].get("value"))
    view = notice_modal(GONE)
    if parsed is not None:
        days, key = parsed
        with Session(context["engine"], expire_on_commit=False) as session:
            kept = store.snapshot(session, body["team"]["id"], days)
        found = [g for g in report.gaps_of(kept) if g.key == key]
        if kept is not None and found:
            what, why, refs = views.prefill(found[0])
            metadata = report.source(days, key, kept.computed_at)
            view = request_modal(what, why, refs, metadata=metadata)
    client.views_open(trigger_id=body["trigger_id"], view=view)
