"""Small builders for modal state values and roles in the asset / content-request tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.kernel.forms import INPUT
from storage import roles
from tests.conftest import ADMIN, TEAM

MARKETER = "U0MKT00001"
REP = "U0REP00001"
OTHER_REP = "U0REP00002"


def grant(engine: Engine, user: str, role: str = "marketer") -> None:
    with Session(engine) as session:
        roles.grant(session, TEAM, user, role, ADMIN)


def txt(value: str) -> dict[str, Any]:
    return {INPUT: {"type": "plain_text_input", "value": value}}


def sel(value: str, kind: str = "static_select") -> dict[str, Any]:
    return {
        INPUT: {
            "type": kind,
            "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
        }
    }


def day(value: str) -> dict[str, Any]:
    return {INPUT: {"type": "datepicker", "selected_date": value}}


def person(value: str) -> dict[str, Any]:
    return {INPUT: {"type": "users_select", "selected_user": value}}


def empty(kind: str = "plain_text_input") -> dict[str, Any]:
    return {INPUT: {"type": kind, "value": None}}
