"""Create a row once per unique key, in one statement: the ack path's write.

`INSERT … ON CONFLICT DO NOTHING RETURNING id` (SQLite ≥ 3.35 and PostgreSQL) writes the row
or, when a retried Slack delivery (or a concurrent worker) already wrote it, nothing; only then
is the existing row looked up. No select-before-insert, no ORM unit of work, no rollback: the
common case is one round trip, and the statement is compiled once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

T = TypeVar("T")


def insert_once(
    conn: Connection, table: Table, unique: tuple[str, ...], values: dict[str, Any]
) -> tuple[int, bool]:
    """Insert `values` unless a row with the same `unique` columns exists.

    Returns (id, created). Runs inside the caller's transaction.
    """
    insert, find = _statements(conn.dialect.name, table, unique)
    new_id = conn.execute(insert, values).scalar()
    if new_id is not None:
        return int(new_id), True
    return int(conn.execute(find, {name: values[name] for name in unique}).scalar_one()), False


@cache
def _statements(dialect: str, table: Table, unique: tuple[str, ...]) -> tuple[Any, Any]:
    """The two statements, built once: values come as execute parameters, so SQLAlchemy's
    compiled cache answers at once (building `.values(...)` per call costs more than the
    insert itself)."""
    module = postgresql if dialect == "postgresql" else sqlite
    insert = module.insert(table).on_conflict_do_nothing(index_elements=list(unique))
    insert = insert.returning(table.c.id)
    find = select(table.c.id).where(*(table.c[name] == bindparam(name) for name in unique))
    return insert, find


def add_once(session: Session, row: T, find: Callable[[], T | None]) -> tuple[T, bool]:
    """The ORM form: add `row` unless `find()` (its unique key) already has one; commits.

    Returns (row, created). A concurrent insert of the same key (another process handling the
    same Slack delivery) loses on the unique constraint and gets the winner's row.
    """
    existing = find()
    if existing is not None:
        return existing, False
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        again = find()
        assert again is not None
        return again, False
    return row, True
