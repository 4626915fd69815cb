"""Workspace (team) settings."""

from __future__ import annotations

from sqlmodel import Session

from storage.models import Workspace


def get_or_create(session: Session, team_id: str, default_timezone: str = "UTC") -> Workspace:
    """The team's settings row, created with defaults on first use."""
    ws = session.get(Workspace, team_id)
    if ws is None:
        ws = Workspace(team_id=team_id, timezone=default_timezone)
        session.add(ws)
        session.flush()
    return ws


def update(
    session: Session, team_id: str, default_timezone: str = "UTC", **changes: object
) -> Workspace:
    """Change some settings of a team and commit."""
    ws = get_or_create(session, team_id, default_timezone)
    for name, value in changes.items():
        if not hasattr(ws, name):
            raise AttributeError(name)
        setattr(ws, name, value)
    session.add(ws)
    session.commit()
    return ws
