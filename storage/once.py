"""Create a row once per unique key, in one statement: the ack path's write.

`INSERT … ON CONFLICT DO NOTHING RETURNING id` (SQLite ≥ 3.35 and PostgreSQL) writes the row
or, when a retried Slack delivery (or a concurrent worker) already wrote it, nothing; only then
is the existing row looked up. No select-before-insert, no ORM unit of work, no rollback: the
common case is one round trip, and the statement is compiled once per process. A conflict
leaves the caller's transaction intact, so the writes before it in that transaction stay
(a rollback, or a SAVEPOINT, which pysqlite mishandles, is never needed).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, inspect, select
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
def _statements(
    dialect: str, table: Table, unique: tuple[str, ...], any_clash: bool = False
) -> tuple[Any, Any]:
    """The two statements, built once: values come as execute parameters, so SQLAlchemy's
    compiled cache answers at once (building `.values(...)` per call costs more than the
    insert itself). With `any_clash` a clash on any unique key writes nothing (no error)."""
    module = postgresql if dialect == "postgresql" else sqlite
    target = None if any_clash else list(unique)
    insert = module.insert(table).on_conflict_do_nothing(index_elements=target)
    insert = insert.returning(table.c.id)
    find = select(table.c.id).where(*(table.c[name] == bindparam(name) for name in unique))
    return insert, find


def add_row_once(session: Session, row: T, unique: tuple[str, ...]) -> tuple[T, bool] | None:
    """Insert the new ORM `row` in the session's transaction unless it clashes with a stored row.

    Returns (the written row, True), or (the stored row with the same `unique` values, False)
    when a delivery already wrote it, or None when it clashes on another unique key (e.g. a taken
    name). Nothing is committed or rolled back: the caller commits with the rest of its work.
    """
    model = type(row)
    mapper = inspect(model)
    values = {
        column.name: getattr(row, attr.key)
        for attr in mapper.column_attrs
        for column in attr.columns
        if column.name != "id"
    }
    conn = session.connection()
    table = cast(Table, mapper.local_table)
    insert, find = _statements(conn.dialect.name, table, unique, any_clash=True)
    new_id = conn.execute(insert, values).scalar()
    created = new_id is not None
    if new_id is None:
        new_id = conn.execute(find, {name: values[name] for name in unique}).scalar()
    if new_id is None:
        return None
    stored = session.get(model, int(new_id))
    assert stored is not None
    return stored, created


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
