"""Meeting series, topics and votes: the repository behind `/agenda`.

Posted agendas and their items: storage.meetings_agendas."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Text, cast, func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage.clock import utcnow
from storage.models.meetings import MeetingSeries, MeetingTopic, TopicVote
from storage.once import insert_once

VOTES = TopicVote.__table__  # type: ignore[attr-defined]
SKIP_TRIES = 20  # each failed try means another skip was written: progress, not a spin


def find_series(session: Session, team_id: str, name: str) -> MeetingSeries | None:
    """A series of the team by name (case-insensitive) or by its number."""
    clean = name.strip()
    if clean.isascii() and clean.isdigit() and len(clean) <= 18:  # an id the database can hold
        row = session.get(MeetingSeries, int(clean))
        if row is not None and row.team_id == team_id:
            return row
    return session.exec(
        select(MeetingSeries).where(
            MeetingSeries.team_id == team_id, func.lower(MeetingSeries.name) == clean.lower()
        )
    ).first()


def list_series(session: Session, team_id: str) -> list[MeetingSeries]:
    stmt = select(MeetingSeries).where(MeetingSeries.team_id == team_id)
    return list(session.exec(stmt.order_by(col(MeetingSeries.name))))


def active_series(session: Session) -> list[MeetingSeries]:
    """Every series of every team that is not paused (the scheduler's work list)."""
    stmt = select(MeetingSeries).where(col(MeetingSeries.paused).is_(False))
    return list(session.exec(stmt.order_by(col(MeetingSeries.id))))


def save_series(
    session: Session, team_id: str, name: str, created_by: str, **fields: Any
) -> tuple[MeetingSeries, bool]:
    """Create the series, or update the one with that name; returns (series, created)."""
    row = find_series(session, team_id, name)
    created = row is None
    if row is None:
        row = MeetingSeries(team_id=team_id, name=name.strip(), created_by=created_by, **fields)
    else:
        for key, value in fields.items():
            setattr(row, key, value)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # the same setup submitted twice at once: the first one won
        session.rollback()
        again = find_series(session, team_id, name)
        assert again is not None
        return again, False
    return row, created


def set_paused(session: Session, series: MeetingSeries, paused: bool) -> bool:
    """Pause or resume; False when it already was so."""
    if series.paused == paused:
        return False
    series.paused = paused
    session.add(series)
    session.commit()
    return True


def add_skip(session: Session, series: MeetingSeries, day: date) -> bool:
    """Skip the meeting on `day` (the series' local date) and commit; False when already
    skipped. The list is written only while it is still the one read (compared as stored
    text), else read again: two leaders skipping different dates at once both count."""
    iso = day.isoformat()
    stored = cast(col(MeetingSeries.skip_dates), Text)
    this_series = col(MeetingSeries.id) == series.id
    for _ in range(SKIP_TRIES):
        seen = session.exec(select(stored).where(this_series)).one()
        dates: list[str] = json.loads(seen)
        if iso in dates:
            session.rollback()
            set_committed_value(series, "skip_dates", dates)
            return False
        dates = sorted([*dates, iso])
        written = session.exec(
            update(MeetingSeries).where(this_series, stored == seen).values(skip_dates=dates)
        ).rowcount
        session.commit()
        if written:
            set_committed_value(series, "skip_dates", dates)
            return True
    raise RuntimeError(f"skip_dates of series {series.id} kept changing")


def add_topic(
    session: Session, team_id: str, series_id: int, text: str, user: str, *, commit: bool = True
) -> MeetingTopic:
    """A topic for the series' next meeting; `commit=False` leaves it in the caller's
    transaction (flushed, so it has its id)."""
    topic = MeetingTopic(team_id=team_id, series_id=series_id, text=text[:300], added_by=user)
    session.add(topic)
    session.commit() if commit else session.flush()
    return topic


def get_topic(session: Session, team_id: str, topic_id: int) -> MeetingTopic | None:
    topic = session.get(MeetingTopic, topic_id)
    return topic if topic is not None and topic.team_id == team_id else None


def open_topics(session: Session, series_id: int) -> list[MeetingTopic]:
    """Topics not yet discussed, oldest first."""
    stmt = select(MeetingTopic).where(
        MeetingTopic.series_id == series_id, col(MeetingTopic.discussed_at).is_(None)
    )
    return list(session.exec(stmt.order_by(col(MeetingTopic.created_at), col(MeetingTopic.id))))


def vote(session: Session, team_id: str, topic_id: int, user: str) -> bool:
    """One vote per person per topic, in the caller's transaction (nothing is rolled back
    on a second vote); False when this person already voted."""
    values = {"team_id": team_id, "topic_id": topic_id, "user_id": user, "created_at": utcnow()}
    _, created = insert_once(session.connection(), VOTES, ("topic_id", "user_id"), values)
    return created


def vote_counts(session: Session, topic_ids: Iterable[int]) -> dict[int, int]:
    ids = list(topic_ids)
    if not ids:
        return {}
    stmt = (
        select(TopicVote.topic_id, func.count())
        .where(col(TopicVote.topic_id).in_(ids))
        .group_by(col(TopicVote.topic_id))
    )
    return {topic_id: count for topic_id, count in session.exec(stmt)}
