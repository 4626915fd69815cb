"""Leases: work one process at a time may do, taken and renewed in one conditional statement.

`INSERT … ON CONFLICT (name) DO UPDATE … WHERE holder = :me OR expires_at <= :now RETURNING`
(SQLite ≥ 3.35 and PostgreSQL) either creates the lease, renews it for its holder, takes over
an expired one, or changes nothing. The database serialises the statement on the row (SQLite's
single writer; PostgreSQL's row lock on the conflicting row, whose WHERE is re-checked on the
latest version), so two processes can never both win. Expiry compares the processes' clocks:
keep them in sync (NTP) and the time to live well above the clock skew.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, case, delete, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.clock import utcnow
from storage.models import Lease

LEASE = Lease.__table__  # type: ignore[attr-defined]


def acquire(session: Session, name: str, holder: str, ttl: timedelta) -> bool:
    """Take or renew lease `name` for `holder` until now + ttl; False while another holds it.

    Commits (the lease is its own transaction)."""
    now = utcnow()
    values = {"name": name, "holder": holder, "now": now, "expires": now + ttl}
    statement = _acquire_statement(session.get_bind().dialect.name)
    won = session.execute(statement, values).first() is not None
    session.commit()
    return won


@cache
def _acquire_statement(dialect: str) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    insert = module.insert(LEASE).values(
        name=bindparam("name"),
        holder=bindparam("holder"),
        acquired_at=bindparam("now"),
        expires_at=bindparam("expires"),
    )
    mine = LEASE.c.holder == insert.excluded.holder
    return insert.on_conflict_do_update(
        index_elements=[LEASE.c.name],
        set_={
            "holder": insert.excluded.holder,
            "expires_at": insert.excluded.expires_at,
            # a renewal keeps the time the holder took over; a takeover starts it again
            "acquired_at": case((mine, LEASE.c.acquired_at), else_=insert.excluded.acquired_at),
        },
        where=or_(mine, LEASE.c.expires_at <= insert.excluded.acquired_at),
    ).returning(LEASE.c.holder)


def release(session: Session, name: str, holder: str) -> bool:
    """Give lease `name` up (at shutdown) if `holder` still has it, so that another process
    takes it at its next run instead of after the expiry. Commits."""
    stmt = delete(LEASE).where(LEASE.c.name == name, LEASE.c.holder == holder)
    released = session.exec(stmt).rowcount == 1
    session.commit()
    return released


def current(session: Session, name: str, now: datetime | None = None) -> Lease | None:
    """The lease `name` while it is held (not expired), else None."""
    lease = session.get(Lease, name, populate_existing=True)
    if lease is None or lease.expires_at <= (now or utcnow()):
        return None
    return lease
