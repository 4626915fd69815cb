"""Each person's cached Slack time zone and away days, and the workspace's holidays."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import Holiday, Person


def _upsert(session: Session, team_id: str, user_id: str, **values: object) -> None:
    """Insert the person's row with `values`, or change those columns of the existing row."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    row = Person(team_id=team_id, user_id=user_id).model_dump()
    row.update(values)
    stmt = insert(Person).values(**row)
    session.exec(stmt.on_conflict_do_update(index_elements=["team_id", "user_id"], set_=values))


def get(session: Session, team_id: str, user_id: str) -> Person | None:
    return session.get(Person, (team_id, user_id), populate_existing=True)


def of(session: Session, team_id: str, user_ids: Iterable[str]) -> dict[str, Person]:
    """The known rows of these people, by user id (one select)."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(Person).where(Person.team_id == team_id, col(Person.user_id).in_(ids))
    )
    return {p.user_id: p for p in rows}


def save_zone(
    session: Session,
    team_id: str,
    user_id: str,
    tz: str | None,
    deleted: bool,
    fetched_at: datetime,
) -> None:
    """What Slack said of the person (tz None: it did not answer; retried sooner). Commits."""
    _upsert(session, team_id, user_id, tz=tz, deleted=deleted, fetched_at=fetched_at)
    session.commit()


def save_attempt(session: Session, team_id: str, user_id: str, fetched_at: datetime) -> None:
    """Slack did not answer for the person: keep what is known, only move `fetched_at`. Commits."""
    _upsert(session, team_id, user_id, fetched_at=fetched_at)
    session.commit()


def set_away(
    session: Session, team_id: str, user_id: str, start: date, end: date | None, note: str
) -> None:
    """Mark the person away from `start` to `end` (inclusive; None: until they say they're back)."""
    _upsert(session, team_id, user_id, away_from=start, away_to=end, away_note=note[:200])
    session.commit()


def clear_away(session: Session, team_id: str, user_id: str) -> bool:
    """The person is back; False when they were not marked away."""
    person = get(session, team_id, user_id)
    if person is None or person.away_from is None:
        return False
    _upsert(session, team_id, user_id, away_from=None, away_to=None, away_note="")
    session.commit()
    return True


def is_away(person: Person | None, day: date) -> bool:
    """Whether `person` is away on `day` (their local date)."""
    if person is None or person.away_from is None or day < person.away_from:
        return False
    return person.away_to is None or day <= person.away_to


def away_on(session: Session, team_id: str, day: date) -> list[Person]:
    """Everyone in the team who is away on `day`."""
    rows = session.exec(
        select(Person).where(
            Person.team_id == team_id,
            col(Person.away_from).is_not(None),
            col(Person.away_from) <= day,
        )
    )
    return [p for p in rows if is_away(p, day)]


def add_holiday(session: Session, team_id: str, day: date, name: str) -> bool:
    """Add (or rename) a holiday; True when the day was not one yet. Commits."""
    existing = session.get(Holiday, (team_id, day))
    if existing is not None:
        existing.name = name[:100]
        session.add(existing)
    else:
        session.add(Holiday(team_id=team_id, day=day, name=name[:100]))
    session.commit()
    return existing is None


def remove_holiday(session: Session, team_id: str, day: date) -> bool:
    existing = session.get(Holiday, (team_id, day))
    if existing is None:
        return False
    session.delete(existing)
    session.commit()
    return True


def holidays(session: Session, team_id: str, start: date, end: date) -> list[Holiday]:
    """The team's holidays in [start, end], by date."""
    return list(
        session.exec(
            select(Holiday)
            .where(Holiday.team_id == team_id, Holiday.day >= start, Holiday.day <= end)
            .order_by(col(Holiday.day))
        )
    )
