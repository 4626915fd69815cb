"""What Lockstep posts about questions, always through the outbox under per-thing keys:
the triage post (and its in-place updates), answer DMs, merge DMs and the setup nudge."""

from __future__ import annotations

import json
import logging
from datetime import datetime

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.platform.delivery import Post
from bot.platform.runtime import Runtime
from bot.questions.views import posts as views
from storage import outbox, roles, workspaces
from storage import questions as store
from storage import questions_posts as posts
from storage import questions_votes as votes
from storage.models import OutboxMessage, Question

log = logging.getLogger(__name__)


def triage_key(question_id: int) -> str:
    return f"triage:{question_id}"


def _message(session: Session, q: Question) -> dict[str, object]:
    assert q.id is not None
    answer = store.latest_answer(session, q.id)
    return views.triage_post(q, votes.asked_by_count(session, q.id), answer)


def post_triage(runtime: Runtime, team_id: str, question_id: int) -> str:
    """Post a new question to the triage channel once; "queued" while none is configured.

    The question counts as triaged only once its post was sent: until then `post_queued`
    comes back to it."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        q = store.get(session, team_id, question_id)
        if q is None or q.status not in store.LIVE:
            return "skipped"
        ws = workspaces.get_or_create(session, team_id, runtime.settings.lockstep_timezone)
        session.commit()
        channel = ws.triage_channel
        if channel is None:
            admins = set(runtime.settings.admins) | set(
                roles.members_with(session, team_id, "admin")
            )
        else:
            message = _message(session, q)
    if channel is None:
        for admin in sorted(admins):  # once per admin and team, however many are queued
            post = Post("chat.postMessage", admin, views.triage_missing_dm())
            runtime.outbox.submit(team_id, f"triage-missing:{admin}", post)
        return "queued"
    post = Post("chat.postMessage", channel, message)
    row = runtime.outbox.submit(team_id, triage_key(question_id), post, renew=True)
    if row.status != "sent":
        # Not triaged yet: the outbox retries it (post_queued marks it once sent), or it failed
        # for good and waits for an admin (a new channel, or `lockstep outbox retry`).
        return row.status
    _settle(runtime, row, question_id)
    return "posted"


def _settle(runtime: Runtime, row: OutboxMessage, question_id: int) -> None:
    """The triage post was sent: the question counts as triaged, a reply in its thread can
    become the answer (Use as answer), and a post older than the question is updated."""
    team_id, channel = row.team_id, row.result_channel or row.channel
    with Session(runtime.engine) as session:
        store.mark_triaged(session, question_id, channel)
        if row.result_ts:
            posts.remember(session, team_id, question_id, channel, row.result_ts)
        q = store.get(session, team_id, question_id)
        current = _message(session, q) if q is not None else None
    # What was sent is what was recorded: the background worker may have sent it long after,
    # while a +1, an answer or a merge changed the question (refresh_triage skipped it then).
    sent = {k: v for k, v in row.payload.items() if k != "channel"}
    if current is not None and sent != json.loads(json.dumps(current)):
        refresh_triage(runtime, team_id, question_id)


def settle_closed(runtime: Runtime, team_id: str, question_id: int) -> bool:
    """A question closed (merged, withdrawn, resolved) while its triage post waited in the
    outbox, which sent it later as it was then: give that post its final state, once."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        row = outbox.get_by_key(session, team_id, triage_key(question_id))
    if row is None or row.status != "sent":
        return False
    _settle(runtime, row, question_id)
    return True


def refresh_triage(runtime: Runtime, team_id: str, question_id: int) -> bool:
    """Update the triage post in place (chat.update) to the question's current state."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        q = store.get(session, team_id, question_id)
        posted = outbox.get_by_key(session, team_id, triage_key(question_id))
        if q is None or posted is None or posted.status != "sent" or not posted.result_ts:
            return False
        payload = {**_message(session, q), "ts": posted.result_ts}
    channel = posted.result_channel or posted.channel
    key = f"triage-update:{question_id}:v{q.version}"
    runtime.outbox.submit(team_id, key, Post("chat.update", channel, payload))
    return True


def send_answer(runtime: Runtime, team_id: str, answer_key: str) -> int:
    """DM the answer to the asker and every rep who got it too; update the triage post."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        answer = store.answer_by_key(session, team_id, answer_key)
        q = store.get(session, team_id, answer.question_id) if answer else None
        if answer is None or q is None or q.id is None:
            return 0
        people = [q.asker_id, *votes.voters(session, q.id)]
    for user in people:
        message = views.answer_dm(q, answer, asker=user == q.asker_id)
        post = Post("chat.postMessage", user, message)
        runtime.outbox.submit(team_id, f"answer-dm:{answer.id}:{user}", post)
    refresh_triage(runtime, team_id, answer.question_id)
    return len(people)


def after_merge(runtime: Runtime, team_id: str, duplicate_id: int) -> int:
    """Point the duplicate's asker and +1s to the original (with its answer) and update posts."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        dup = store.get(session, team_id, duplicate_id)
        if dup is None or dup.status != "duplicate" or dup.duplicate_of is None:
            return 0
        original = store.get(session, team_id, dup.duplicate_of)
        assert original is not None
        answer = store.latest_answer(session, dup.duplicate_of)
        people = [dup.asker_id, *votes.voters(session, duplicate_id)]
    message = views.merged_dm(dup, original, answer)
    for user in people:
        post = Post("chat.postMessage", user, message)
        runtime.outbox.submit(team_id, f"merged-dm:{duplicate_id}:{user}", post)
    refresh_triage(runtime, team_id, duplicate_id)
    refresh_triage(runtime, team_id, dup.duplicate_of)
    return len(people)


def fetch_permalink(runtime: Runtime, team_id: str, question_id: int) -> None:
    """Keep a permalink to the message a question was logged from (message shortcut)."""
    with Session(runtime.engine) as session:
        q = store.get(session, team_id, question_id)
        if q is None or not q.source_channel or not q.source_ts or q.source_permalink:
            return
        channel, ts = q.source_channel, q.source_ts
    try:
        client = runtime.client_for(team_id)
        response = client.chat_getPermalink(channel=channel, message_ts=ts)
    except SlackApiError as exc:  # the question still counts without its link
        log.warning("no permalink for question %s: %s", question_id, exc.response.get("error"))
        return
    with Session(runtime.engine) as session:
        store.set_source_permalink(session, question_id, str(response["permalink"]))


def post_queued(runtime: Runtime, now: datetime) -> int:
    """Periodic: post questions that were queued before an admin set the triage channel, or
    whose post the outbox sent late (brought up to date, closed ones too)."""
    with Session(runtime.engine) as session:
        waiting = [
            (q.team_id, q.id)
            for q in store.queued(session)
            if q.id is not None and runtime.installed(q.team_id)
        ]
        closed = [
            (q.team_id, q.id)
            for q in store.closed_before_triage(session)
            if q.id is not None and runtime.installed(q.team_id)
        ]
    for team_id, question_id in waiting:
        post_triage(runtime, team_id, question_id)
    for team_id, question_id in closed:
        settle_closed(runtime, team_id, question_id)
    return len(waiting) + len(closed)
