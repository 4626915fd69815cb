"""Where each question's triage post is, so a reply in its thread leads back to the question."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import QuestionPost
from storage.once import insert_once

POSTS = QuestionPost.__table__  # type: ignore[attr-defined]


def remember(session: Session, team_id: str, question_id: int, channel: str, ts: str) -> None:
    """Keep the address of a sent triage post (once, however often it is called); commits."""
    values = {"team_id": team_id, "channel": channel, "ts": ts, "question_id": question_id}
    insert_once(session.connection(), POSTS, ("team_id", "channel", "ts"), values)
    session.commit()


def question_at(session: Session, team_id: str, channel: str, ts: str) -> int | None:
    """The question whose triage post is the message at (channel, ts), if any."""
    return session.exec(
        select(QuestionPost.question_id).where(
            QuestionPost.team_id == team_id, QuestionPost.channel == channel, QuestionPost.ts == ts
        )
    ).first()
