"""What follows a rep's “This answers it” / “Not quite”: the triage posts and thread notes."""

from __future__ import annotations

from sqlmodel import Session

from bot.platform.delivery import Post
from bot.platform.runtime import Runtime
from bot.questions.posts import refresh_triage, triage_key
from bot.questions.views import ratings as views
from storage import outbox
from storage import questions as store


def after_resolved(runtime: Runtime, team_id: str, question_id: int) -> None:
    """Both triage posts: the new one says it is resolved, the original counts one more rep."""
    with Session(runtime.engine) as session:
        q = store.get(session, team_id, question_id)
        original = q.duplicate_of if q is not None and q.status == "resolved" else None
    refresh_triage(runtime, team_id, question_id)
    if original is not None:
        refresh_triage(runtime, team_id, original)


def after_missed(runtime: Runtime, team_id: str, question_id: int, user_id: str) -> None:
    """An answer DM's “Not quite”: a note in the question's triage thread, once per person."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        q = store.get(session, team_id, question_id)
        posted = outbox.get_by_key(session, team_id, triage_key(question_id))
    if q is None or posted is None or posted.status != "sent" or not posted.result_ts:
        return
    payload = {**views.missed_note(q, user_id), "thread_ts": posted.result_ts}
    post = Post("chat.postMessage", posted.result_channel or posted.channel, payload)
    runtime.outbox.submit(team_id, f"not-quite:{question_id}:{user_id}", post)
