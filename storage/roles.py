"""Who holds which role (admin, leader, marketer, rep) in a team."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import RoleAssignment
from storage.models.core import ROLES


def roles_of(session: Session, team_id: str, user_id: str) -> set[str]:
    rows = session.exec(
        select(RoleAssignment.role).where(
            RoleAssignment.team_id == team_id, RoleAssignment.user_id == user_id
        )
    )
    return set(rows)


def grant(session: Session, team_id: str, user_id: str, role: str, granted_by: str | None) -> bool:
    """Give `role` to a user; False when they already had it."""
    if role not in ROLES:
        raise ValueError(role)
    if role in roles_of(session, team_id, user_id):
        return False
    session.add(RoleAssignment(team_id=team_id, user_id=user_id, role=role, granted_by=granted_by))
    try:
        session.commit()
    except IntegrityError:  # a concurrent grant won the race: same result
        session.rollback()
        return False
    return True


def revoke(session: Session, team_id: str, user_id: str, role: str) -> bool:
    """Take `role` away; False when the user did not have it (or a concurrent revoke won)."""
    result = session.exec(
        delete(RoleAssignment).where(
            col(RoleAssignment.team_id) == team_id,
            col(RoleAssignment.user_id) == user_id,
            col(RoleAssignment.role) == role,
        )
    )
    session.commit()
    return bool(result.rowcount)


def members_with(session: Session, team_id: str, role: str) -> list[str]:
    rows = session.exec(
        select(RoleAssignment.user_id)
        .where(RoleAssignment.team_id == team_id, RoleAssignment.role == role)
        .order_by(RoleAssignment.user_id)
    )
    return list(rows)
