"""Action items decided at meetings: on every agenda of their series until done."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage.clock import utcnow
from storage.meetings_agendas import NewItem, add_item
from storage.models.meetings import ActionItem, AgendaItem, PostedAgenda


def agendas_with_action(session: Session, action_id: int) -> list[int]:
    """Ids of the agendas listing an action item (to update them when it is done)."""
    stmt = select(AgendaItem.agenda_id).where(
        AgendaItem.kind == "action", AgendaItem.ref_id == action_id
    )
    return sorted(set(session.exec(stmt)))


def add_action(
    session: Session,
    agenda: PostedAgenda,
    text: str,
    owner: str,
    due: date,
    user: str,
    *,
    commit: bool = True,
) -> ActionItem:
    """An action item decided at this agenda's meeting; it also joins the agenda's list (both
    in one transaction; `commit=False` leaves them in the caller's)."""
    action = ActionItem(
        team_id=agenda.team_id,
        series_id=agenda.series_id,
        agenda_id=agenda.id,
        text=text[:300],
        owner=owner,
        due=due,
        created_by=user,
    )
    session.add(action)
    session.flush()
    add_item(session, agenda, NewItem("carried", "action", action.id, text), commit=commit)
    return action


def get_action(session: Session, team_id: str, action_id: int) -> ActionItem | None:
    row = session.get(ActionItem, action_id)
    return row if row is not None and row.team_id == team_id else None


def complete_action(session: Session, action: ActionItem, user: str) -> bool:
    """Mark it done, in the caller's transaction; False when it already was (in SQL, so two
    clicks at once mark it once)."""
    done = session.exec(
        update(ActionItem)
        .where(col(ActionItem.id) == action.id, col(ActionItem.done_at).is_(None))
        .values(done_at=utcnow(), done_by=user)
    )
    if done.rowcount != 1:
        return False
    set_committed_value(action, "done_at", utcnow())  # the caller's copy says so too
    set_committed_value(action, "done_by", user)
    return True


def open_actions(session: Session, series_id: int) -> list[ActionItem]:
    stmt = select(ActionItem).where(
        ActionItem.series_id == series_id, col(ActionItem.done_at).is_(None)
    )
    return list(session.exec(stmt.order_by(col(ActionItem.due), col(ActionItem.id))))


def open_actions_of(
    session: Session, team_id: str, owner: str, limit: int = 20
) -> list[ActionItem]:
    """A person's open action items, soonest due first (the Home tab's "waiting on you")."""
    stmt = select(ActionItem).where(
        ActionItem.team_id == team_id, ActionItem.owner == owner, col(ActionItem.done_at).is_(None)
    )
    return list(session.exec(stmt.order_by(col(ActionItem.due), col(ActionItem.id)).limit(limit)))


def actions_due_between(session: Session, first: date, last: date) -> list[ActionItem]:
    """Open action items of every team due from `first` to `last` (reminder candidates)."""
    stmt = select(ActionItem).where(
        col(ActionItem.done_at).is_(None),
        col(ActionItem.due) >= first,
        col(ActionItem.due) <= last,
    )
    return list(session.exec(stmt.order_by(col(ActionItem.id))))


def actions_done_between(session: Session, series_id: int, start: datetime, end: datetime) -> int:
    stmt = select(ActionItem.id).where(
        ActionItem.series_id == series_id,
        col(ActionItem.done_at) >= start,
        col(ActionItem.done_at) < end,
    )
    return len(list(session.exec(stmt)))
