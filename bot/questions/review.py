"""Answers that stay true: the review DM when an answer comes due, and what a retirement posts.

The DM goes to the answer's author while they are still a marketer or an admin; otherwise
(they left, or lost the role) to every marketer (or, with none, every admin). Its outbox key
names the answer, the review date and the person, so a double tick or a restart sends it once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from bot.people.reach import reach_of, record_dm
from bot.platform import permissions
from bot.platform.delivery import Post
from bot.platform.runtime import Runtime
from bot.questions.posts import refresh_triage, triage_key
from bot.questions.views import review as views
from storage import outbox, roles, workspaces
from storage import questions_review as reviews
from storage.models import Answer

log = logging.getLogger(__name__)

# Who may verify, update or retire an answer.
REVIEWERS = "marketer"


def reviewers(session: Session, runtime: Runtime, a: Answer) -> list[str]:
    """Who gets the answer's review DM: its author, else the marketers, else the admins."""
    settings = runtime.settings
    if permissions.allowed(session, settings, a.team_id, a.answerer_id, REVIEWERS):
        return [a.answerer_id]
    marketers = roles.members_with(session, a.team_id, REVIEWERS)
    admins = set(settings.admins) | set(roles.members_with(session, a.team_id, "admin"))
    return marketers or sorted(admins)


def send_due_reviews(runtime: Runtime, now: datetime) -> int:
    """Periodic: one review DM per answer that came due (per review date and person), inside
    each person's working hours; nobody away or deactivated is asked. The answer is marked
    reminded only once no DM is left for later (a tick outside someone's hours leaves it due;
    the DMs already recorded are keyed, so the next tick adds only the rest)."""
    sent = 0
    with Session(runtime.engine, expire_on_commit=False) as session:
        due = [(a, q) for a, q in reviews.due(session, now) if runtime.installed(a.team_id)]
        plans = [(a, q, reviewers(session, runtime, a)) for a, q in due]
    for a, q, people in plans:
        assert a.id is not None and a.review_by is not None
        if not people:  # no marketer or admin yet: due again on the next tick, once there is
            log.warning("answer %s is due for review but nobody may review it", a.id)
            continue
        with Session(runtime.engine, expire_on_commit=False) as session:
            ws = workspaces.get_or_create(session, a.team_id, runtime.settings.lockstep_timezone)
            reaches = reach_of(runtime, session, ws, people, now)
            outcomes = []
            for user in people:
                message = views.review_dm(q, a, author=user == a.answerer_id)
                key = f"answer-review:{a.id}:{a.review_by:%Y%m%dT%H%M%S.%f}:{user}"
                conn = session.connection()
                outcomes.append(record_dm(conn, a.team_id, reaches[user], key, message, now,
                                          hold=True))  # fmt: skip
            if "later" in outcomes:
                session.commit()  # those in their hours now; the rest on a later tick
            else:
                reviews.mark_reminded(session, a.id, a.review_by, now)  # commits the DMs too
        sent += outcomes.count("sent")
    if sent:
        runtime.outbox.wake.set()
    return sent


def after_retire(runtime: Runtime, team_id: str, answer_id: int) -> None:
    """The question is back in triage: its post shows the Answer button again, and its thread
    says why."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        a = reviews.get(session, team_id, answer_id)
        if a is None or a.retired_at is None:
            return
        posted = outbox.get_by_key(session, team_id, triage_key(a.question_id))
    refresh_triage(runtime, team_id, a.question_id)
    if posted is not None and posted.status == "sent" and posted.result_ts:
        channel = posted.result_channel or posted.channel
        payload = {**views.retired_note(a), "thread_ts": posted.result_ts}
        post = Post("chat.postMessage", channel, payload)
        runtime.outbox.submit(team_id, f"answer-retired:{answer_id}", post)
