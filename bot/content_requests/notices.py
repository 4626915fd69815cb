"""Posts that close the content-request loop: the triage post (posted once, then updated in
place) and a DM to the requester on every status change (and, on delivery, to the +1'ers and
to the reps who asked or +1'd the prospect questions it answers)."""

from __future__ import annotations

from sqlmodel import Session

from bot.content_requests.views import posts as views
from bot.platform.delivery import Post
from bot.platform.runtime import Runtime
from storage import assets, content_requests, outbox, roles
from storage import questions_lists as question_lists
from storage.clock import utcnow
from storage.models import Asset, ContentRequest, Workspace


def post_key(request_id: int) -> str:
    return f"content-request-post:{request_id}"


def _dm(
    runtime: Runtime, request: ContentRequest, user: str, asset: Asset | None, asker: bool = False
) -> None:
    voter = user != request.requester_id
    message = views.status_dm(request, asset, voter=voter, asker=asker)
    key = f"content-request-dm:{request.id}:{request.status}:{user}"
    runtime.outbox.submit(request.team_id, key, Post("chat.postMessage", user, message))


def _question_texts(session: Session, request: ContentRequest) -> dict[int, str]:
    """The text of the team's questions this request answers, by number."""
    numbers = [int(n) for n in request.question_refs.split(",") if n.isdigit()]
    return question_lists.texts(session, request.team_id, numbers)


def announce(runtime: Runtime, team_id: str, request_id: int) -> None:
    """Post a new request to the triage channel and confirm to the requester; without a triage
    channel, tell the requester it is queued and tell the admins how to set one."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        request = content_requests.get(session, team_id, request_id)
        if request is None:
            return
        ws = session.get(Workspace, team_id)
        channel = ws.triage_channel if ws is not None else None
        demand = 1 + len(content_requests.voters(session, request_id))
        asset = assets.get(session, team_id, request.asset_id) if request.asset_id else None
        questions = _question_texts(session, request)
        admins = sorted(
            set(runtime.settings.admins) | set(roles.members_with(session, team_id, "admin"))
        )
    if channel:
        post = Post(
            "chat.postMessage", channel, views.triage_post(request, demand, asset, questions)
        )
        runtime.outbox.submit(team_id, post_key(request_id), post)
        with Session(runtime.engine) as session:
            content_requests.mark_posted(session, request_id, utcnow())
        _dm(runtime, request, request.requester_id, asset)
        return
    queued = Post("chat.postMessage", request.requester_id, views.queued_without_triage(request))
    runtime.outbox.submit(team_id, f"content-request-dm:{request_id}:submitted:queued", queued)
    day = utcnow().date().isoformat()  # at most one reminder per admin per day, not per request
    for admin in admins:
        post = Post("chat.postMessage", admin, views.admin_set_triage(request))
        runtime.outbox.submit(team_id, f"content-request-no-triage:{day}:{admin}", post)


def refresh_post(runtime: Runtime, team_id: str, request_id: int) -> None:
    """Update the triage post in place with the request's current state (once per version)."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        request = content_requests.get(session, team_id, request_id)
        posted = outbox.get_by_key(session, team_id, post_key(request_id))
        if request is None or posted is None or not posted.result_ts or request.version == 0:
            return  # never posted (no triage channel), not sent yet, or unchanged since
        demand = 1 + len(content_requests.voters(session, request_id))
        asset = assets.get(session, team_id, request.asset_id) if request.asset_id else None
        questions = _question_texts(session, request)
    message = views.triage_post(request, demand, asset, questions)
    channel = posted.result_channel or posted.channel
    post = Post("chat.update", channel, {**message, "ts": posted.result_ts})
    runtime.outbox.submit(team_id, f"{post_key(request_id)}:v{request.version}", post)


def status_changed(
    runtime: Runtime, team_id: str, request_id: int, expected: str | None = None
) -> None:
    """DM the requester (and, on delivery, every +1'er) the change to `expected` (default: the
    current status), then update the triage post. A change the request has moved on from since
    (accepted, then delivered before this ran) is still told, as it was: each once, by key."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        request = content_requests.get(session, team_id, request_id)
        if request is None or request.status == "submitted":
            return
        if expected is not None and request.status != expected:
            request = request.model_copy(update={"status": expected})
        asset = assets.get(session, team_id, request.asset_id) if request.asset_id else None
        delivered = request.status == "delivered"
        voters = content_requests.voters(session, request_id) if delivered else []
        # On delivery, the reps who asked or +1'd the questions it answers get it too: those
        # its form cites and, for a knowledge gap's request, all of the gap's.
        numbers = [int(n) for n in request.question_refs.split(",") if n.strip().isdigit()]
        if delivered:
            numbers += content_requests.linked_questions(session, request_id)
        askers = question_lists.askers_and_voters(session, team_id, numbers) if delivered else []
    _dm(runtime, request, request.requester_id, asset)
    for voter in voters:
        if voter != request.requester_id:
            _dm(runtime, request, voter, asset)
    for asker in askers:
        if asker != request.requester_id and asker not in voters:
            _dm(runtime, request, asker, asset, asker=True)
    refresh_post(runtime, team_id, request_id)
