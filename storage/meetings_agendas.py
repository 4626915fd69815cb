"""Posted agendas, their items, action items and voice turns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage.clock import utcnow
from storage.models.meetings import (
    AgendaItem,
    MeetingTopic,
    PostedAgenda,
    VoiceTurn,
)


@dataclass(frozen=True)
class NewItem:
    section: str  # topics | carried
    kind: str  # topic | note | action
    ref_id: int | None
    text: str


def agenda_for(session: Session, series_id: int, meeting_at: datetime) -> PostedAgenda | None:
    stmt = select(PostedAgenda).where(
        PostedAgenda.series_id == series_id, PostedAgenda.meeting_at == meeting_at
    )
    return session.exec(stmt).first()


def get_agenda(session: Session, team_id: str, agenda_id: int) -> PostedAgenda | None:
    row = session.get(PostedAgenda, agenda_id)
    return row if row is not None and row.team_id == team_id else None


def previous_agenda(session: Session, series_id: int, before: datetime) -> PostedAgenda | None:
    """The agenda of the series' latest meeting before `before`."""
    stmt = (
        select(PostedAgenda)
        .where(PostedAgenda.series_id == series_id, col(PostedAgenda.meeting_at) < before)
        .order_by(col(PostedAgenda.meeting_at).desc())
    )
    return session.exec(stmt.limit(1)).first()


def upcoming_agenda(session: Session, series_id: int, now: datetime) -> PostedAgenda | None:
    """The series' agenda for a meeting that has not started yet, if it is already built."""
    stmt = (
        select(PostedAgenda)
        .where(PostedAgenda.series_id == series_id, col(PostedAgenda.meeting_at) > now)
        .order_by(col(PostedAgenda.meeting_at))
    )
    return session.exec(stmt.limit(1)).first()


def agenda_at(session: Session, team_id: str, channel: str, ts: str) -> PostedAgenda | None:
    """The agenda posted as message `ts` in `channel`."""
    stmt = select(PostedAgenda).where(
        PostedAgenda.team_id == team_id, PostedAgenda.channel == channel, PostedAgenda.ts == ts
    )
    return session.exec(stmt).first()


def items_of(session: Session, agenda_id: int) -> list[AgendaItem]:
    stmt = select(AgendaItem).where(AgendaItem.agenda_id == agenda_id)
    return list(session.exec(stmt.order_by(col(AgendaItem.position), col(AgendaItem.id))))


def create_agenda(
    session: Session,
    team_id: str,
    series_id: int,
    meeting_at: datetime,
    channel: str,
    sections: list[dict[str, Any]],
    items: Sequence[NewItem],
    voices: dict[str, str],
) -> PostedAgenda | None:
    """Store a meeting's agenda with its items and voices; None when it already exists."""
    agenda = PostedAgenda(
        team_id=team_id,
        series_id=series_id,
        meeting_at=meeting_at,
        channel=channel,
        sections=sections,
    )
    session.add(agenda)
    try:
        session.flush()
    except IntegrityError:  # another process built this meeting's agenda first
        session.rollback()
        return None
    assert agenda.id is not None
    for position, item in enumerate(items):
        session.add(
            AgendaItem(
                team_id=team_id,
                agenda_id=agenda.id,
                section=item.section,
                kind=item.kind,
                ref_id=item.ref_id,
                text=item.text[:300],
                position=position,
            )
        )
    for side, user in voices.items():
        session.add(
            VoiceTurn(
                team_id=team_id,
                series_id=series_id,
                agenda_id=agenda.id,
                side=side,
                user_id=user,
                asked_at=meeting_at,
            )
        )
    session.commit()
    return agenda


def set_posted(session: Session, agenda: PostedAgenda, ts: str, channel: str | None) -> None:
    agenda.ts = ts
    if channel:
        agenda.channel = channel
    session.add(agenda)
    session.commit()


def bump_revision(session: Session, agenda: PostedAgenda) -> int:
    """The agenda's next revision, atomically (two clicks at once get two revisions)."""
    stmt = (
        update(PostedAgenda)
        .where(col(PostedAgenda.id) == agenda.id)
        .values(revision=PostedAgenda.revision + 1)
    )
    session.exec(stmt)
    session.commit()
    session.refresh(agenda)
    return agenda.revision


def get_item(session: Session, team_id: str, item_id: int) -> AgendaItem | None:
    row = session.get(AgendaItem, item_id)
    return row if row is not None and row.team_id == team_id else None


def mark_discussed(session: Session, item: AgendaItem, user: str) -> bool:
    """Mark an agenda item (and the topic behind it) discussed, in the caller's transaction;
    False when it already was (two clicks at once: one of them wins, in SQL)."""
    now = utcnow()
    marked = session.exec(
        update(AgendaItem)
        .where(col(AgendaItem.id) == item.id, col(AgendaItem.discussed_at).is_(None))
        .values(discussed_at=now, discussed_by=user)
    )
    if marked.rowcount != 1:
        return False
    if item.kind == "topic" and item.ref_id is not None:
        session.exec(
            update(MeetingTopic)
            .where(col(MeetingTopic.id) == item.ref_id, col(MeetingTopic.discussed_at).is_(None))
            .values(discussed_at=now)
        )
    set_committed_value(item, "discussed_at", now)  # the caller's copy says so too
    set_committed_value(item, "discussed_by", user)
    return True


def add_item(
    session: Session, agenda: PostedAgenda, item: NewItem, *, commit: bool = True
) -> AgendaItem:
    """Append an item to a posted agenda; `commit=False` leaves it in the caller's transaction."""
    assert agenda.id is not None
    position = len(items_of(session, agenda.id))
    row = AgendaItem(
        team_id=agenda.team_id,
        agenda_id=agenda.id,
        section=item.section,
        kind=item.kind,
        ref_id=item.ref_id,
        text=item.text[:300],
        position=position,
    )
    session.add(row)
    session.commit() if commit else session.flush()
    return row


def voice_history(session: Session, series_id: int) -> dict[str, list[tuple[str, datetime]]]:
    stmt = select(VoiceTurn.side, VoiceTurn.user_id, VoiceTurn.asked_at).where(
        VoiceTurn.series_id == series_id
    )
    history: dict[str, list[tuple[str, datetime]]] = {}
    for side, user, asked_at in session.exec(stmt):
        history.setdefault(side, []).append((user, asked_at))
    return history
