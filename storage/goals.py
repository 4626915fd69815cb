"""Goals and their progress history."""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import update as sa_update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Goal, GoalUpdate
from storage.models.goals import GoalInput
from storage.once import add_row_once

CLOSE = 0.6  # difflib ratio from which a name counts as a match
CLEAR_WIN = 0.1  # a best match this much closer than the next is taken alone


def create(
    session: Session, team_id: str, data: GoalInput, created_by: str, source_key: str | None = None
) -> Goal | None:
    """A new goal, committed; None when the team already has a goal of that name."""
    found = add(session, team_id, data, created_by, source_key)
    if found is None:
        return None
    session.commit()
    return found[0]


def add(
    session: Session, team_id: str, data: GoalInput, created_by: str, source_key: str | None
) -> tuple[Goal, bool] | None:
    """A new goal in the caller's transaction: (goal, True); (the goal this delivery already
    created, False); None when the team has another goal of that name (nothing written)."""
    key = source_key[:255] if source_key is not None else None
    row = Goal(team_id=team_id, created_by=created_by, source_key=key, **_fields(data))
    return add_row_once(session, row, ("team_id", "source_key"))


def edit(session: Session, team_id: str, goal_id: int, data: GoalInput) -> Goal | None:
    """Change a goal's definition (not its progress) and commit; None when it is gone or the
    name is taken."""
    goal = change(session, team_id, goal_id, data)
    if goal is not None:
        session.commit()
    return goal


def change(session: Session, team_id: str, goal_id: int, data: GoalInput) -> Goal | None:
    """Change a goal's definition in the caller's transaction (make it the first write there:
    None when it is gone, or, after a rollback, when the name is taken)."""
    goal = get(session, team_id, goal_id)
    if goal is None:
        return None
    for name, value in _fields(data).items():
        setattr(goal, name, value)
    session.add(goal)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return None
    return goal


def _fields(data: GoalInput) -> dict[str, Any]:
    return {
        "name": data.name,
        "unit": data.unit,
        "target": data.target,
        "start_date": data.start,
        "end_date": data.end,
        "sales_owner": data.sales_owner,
        "marketing_owner": data.marketing_owner,
        "channel": data.channel,
    }


def archive(session: Session, goal: Goal) -> None:
    """Take a goal out of lists and digests (its history stays)."""
    goal.archived = True
    session.add(goal)
    session.commit()


def get(session: Session, team_id: str, goal_id: int) -> Goal | None:
    goal = session.get(Goal, goal_id)
    return goal if goal is not None and goal.team_id == team_id else None


def by_source(session: Session, team_id: str, source_key: str) -> Goal | None:
    """The goal a Slack delivery (a form submission) created, if it did."""
    stmt = select(Goal).where(Goal.team_id == team_id, Goal.source_key == source_key[:255])
    return session.exec(stmt).first()


def name_taken(session: Session, team_id: str, name: str, except_id: int | None = None) -> bool:
    """True when another goal of the team already has this name."""
    stmt = select(Goal.id).where(Goal.team_id == team_id, Goal.name == name)
    return any(goal_id != except_id for goal_id in session.exec(stmt))


def active(session: Session, team_id: str) -> list[Goal]:
    """The team's goals that are not archived, oldest first."""
    stmt = select(Goal).where(Goal.team_id == team_id, col(Goal.archived).is_(False))
    return list(session.exec(stmt.order_by(col(Goal.id))))


def find(session: Session, team_id: str, query: str) -> list[Goal]:
    """Goals named like `query`: the exact one, else those containing it, else close ones."""
    goals = active(session, team_id)
    wanted = query.strip().casefold()
    exact = [g for g in goals if g.name.casefold() == wanted]
    if exact or not wanted:
        return exact
    containing = [g for g in goals if wanted in g.name.casefold()]
    if containing:
        return containing
    scored = sorted(
        ((difflib.SequenceMatcher(None, wanted, g.name.casefold()).ratio(), g) for g in goals),
        key=lambda pair: -pair[0],
    )
    close = [(score, g) for score, g in scored if score >= CLOSE][:5]
    if len(close) > 1 and close[0][0] - close[1][0] >= CLEAR_WIN:
        return [close[0][1]]  # one name is clearly the closest
    return [g for _, g in close]


class GoalError(Exception):
    """An update refused: `code` is gone (no such goal) or negative (it would go below 0)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def log_progress(
    session: Session,
    team_id: str,
    goal_id: int,
    user_id: str,
    amount: float,
    *,
    is_delta: bool,
    note: str = "",
) -> GoalUpdate | None:
    """Record an update (new value or change) and commit; None when the goal is gone."""
    try:
        update, _ = add_progress(
            session, team_id, goal_id, user_id, amount, is_delta=is_delta, note=note
        )
    except GoalError as exc:
        session.rollback()
        if exc.code == "gone":
            return None
        raise
    session.commit()
    return update


def add_progress(
    session: Session,
    team_id: str,
    goal_id: int,
    user_id: str,
    amount: float,
    *,
    is_delta: bool,
    note: str = "",
    source_key: str | None = None,
) -> tuple[GoalUpdate, bool]:
    """Record an update and move the goal's value, in the caller's transaction (commit it).

    Returns (update, created); with `source_key` a delivery already recorded returns its
    update and changes nothing. Raises GoalError (roll back then): gone, or negative.
    """
    if get(session, team_id, goal_id) is None:
        raise GoalError("gone")
    key = source_key[:255] if source_key is not None else None
    row = GoalUpdate(
        team_id=team_id,
        goal_id=goal_id,
        user_id=user_id,
        note=note[:300],
        value=0.0,
        delta=0.0,
        source_key=key,
    )
    # The insert comes first: on SQLite it takes the write lock, so no other update of the
    # goal runs between the read of its value below and the write.
    added = add_row_once(session, row, ("team_id", "source_key"))
    assert added is not None  # goal_update has no other unique key
    update, created = added
    if not created:
        return update, False
    # PostgreSQL: lock the goal row. NO KEY, as the update below takes it: the insert's
    # foreign key holds a KEY SHARE lock on it, which a plain FOR UPDATE would deadlock on.
    old = session.exec(
        select(Goal.current_value)
        .where(Goal.id == goal_id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE
    ).one()
    delta = amount if is_delta else amount - old
    if old + delta < 0:
        raise GoalError("negative")
    # In SQL, never a value read earlier: two updates at once both count.
    session.exec(
        sa_update(Goal)
        .where(col(Goal.id) == goal_id)
        .values(current_value=Goal.current_value + delta)
    )
    update.value, update.delta = old + delta, delta
    session.add(update)
    session.flush()
    goal = session.get(Goal, goal_id)
    if goal is not None:
        session.refresh(goal)
    return update, True


def updates_between(
    session: Session, team_id: str, since: datetime, until: datetime
) -> list[GoalUpdate]:
    """The team's updates in [since, until), oldest first (indexed by team and time)."""
    stmt = (
        select(GoalUpdate)
        .where(
            GoalUpdate.team_id == team_id,
            col(GoalUpdate.created_at) >= since,
            col(GoalUpdate.created_at) < until,
        )
        .order_by(col(GoalUpdate.created_at), col(GoalUpdate.id))
    )
    return list(session.exec(stmt))


def week_summary(
    session: Session, team_id: str, since: datetime, until: datetime
) -> tuple[dict[int, float], dict[int, list[str]]]:
    """Per goal, the net change in [since, until) and who logged it (first contributor first).

    Aggregated in the database over the (team, time) index: cost grows with the goals, not
    with how many updates the week had.
    """
    window = (
        GoalUpdate.team_id == team_id,
        col(GoalUpdate.created_at) >= since,
        col(GoalUpdate.created_at) < until,
    )
    change = session.exec(
        select(GoalUpdate.goal_id, func.sum(GoalUpdate.delta))
        .where(*window)
        .group_by(col(GoalUpdate.goal_id))
    )
    first = func.min(GoalUpdate.created_at)
    people: dict[int, list[str]] = {}
    pairs = session.exec(
        select(GoalUpdate.goal_id, GoalUpdate.user_id)
        .where(*window)
        .group_by(col(GoalUpdate.goal_id), col(GoalUpdate.user_id))
        .order_by(first, col(GoalUpdate.user_id))
    )
    for goal_id, user_id in pairs:
        people.setdefault(goal_id, []).append(user_id)
    return {goal_id: float(total or 0.0) for goal_id, total in change}, people


def history(session: Session, goal_id: int, since: datetime) -> list[tuple[datetime, float]]:
    """(when, value) of a goal's updates since `since`, oldest first (for the chart)."""
    stmt = (
        select(GoalUpdate.created_at, GoalUpdate.value)
        .where(GoalUpdate.goal_id == goal_id, col(GoalUpdate.created_at) >= since)
        .order_by(col(GoalUpdate.created_at), col(GoalUpdate.id))
    )
    return [(when, value) for when, value in session.exec(stmt)]


def match_update(
    session: Session, team_id: str, readings: list[tuple[str, str, str]]
) -> tuple[list[Goal], str, str]:
    """For `/goal update` readings (name, progress, note): the matching goals and the reading used.

    An exact name wins at any split; otherwise the first reading with fuzzy matches.
    """
    by_name = {g.name.casefold(): g for g in active(session, team_id)}
    for name, progress, note in readings:
        goal = by_name.get(" ".join(name.split()).casefold())
        if goal is not None:
            return [goal], progress, note
    for name, progress, note in readings:
        found = find(session, team_id, name)
        if found:
            return found, progress, note
    return [], "", ""
