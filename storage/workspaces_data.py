"""A workspace's data as a whole: delete all of it, or take one person out of it.

Every Lockstep table carries `team_id`, slack_sdk's installation
tables too, so "every row of a workspace" is every row with its team id, children first.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from sqlalchemy import JSON, String, Table, Text, cast, delete, or_, select, update
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers every table)

# Rows that are only about the person (their roles, that they have a Home tab, their time zone
# and away days): deleted.
ABOUT_THE_PERSON = ("role_assignment", "home_viewer", "person")
KEEP = ("slack_installations", "slack_bots")  # the install record; uninstall removes it


def team_tables() -> list[Table]:
    """Every table with a team_id, children before their parents."""
    tables = reversed(SQLModel.metadata.sorted_tables)
    return [t for t in tables if "team_id" in t.c]


def delete_team(conn: Connection, team_id: str) -> dict[str, int]:
    """Delete every row of `team_id` (run it in one transaction); rows deleted per table."""
    counts: dict[str, int] = {}
    for table in team_tables():
        gone = conn.execute(delete(table).where(table.c.team_id == team_id)).rowcount
        if gone:
            counts[table.name] = int(gone)
    return counts


def forget_user(conn: Connection, team_id: str, user_id: str) -> tuple[str, dict[str, int]]:
    """Replace `user_id` everywhere in the team by a new random pseudonym (what they wrote
    stays, who wrote it goes), delete the rows only about them and the posts addressed to
    them; the pseudonym and rows changed per table.

    "Everywhere" is every text column (the person columns - asker_id, verified_by, granted_by
    on other people's roles... - keys such as goal_update's `choice:<ts>:<user>`, and the
    `<@U…>` mentions inside questions, answers, topics, notes) and every JSON column: the
    Slack user id as a whole word, so no column list can fall behind the schema."""
    alias = "UFORGOTTEN" + secrets.token_hex(5).upper()
    counts: dict[str, int] = {}

    def count(table: Table, n: int) -> None:
        if n:
            counts[table.name] = counts.get(table.name, 0) + n

    for table in team_tables():
        if table.name in KEEP:
            continue
        mine = table.c.team_id == team_id
        if table.name in ABOUT_THE_PERSON:
            gone = delete(table).where(mine, table.c.user_id == user_id)
            count(table, conn.execute(gone).rowcount)
        elif table.name == "outbox_message":  # DMs to them, sent or not
            gone = delete(table).where(mine, table.c.channel == user_id)
            count(table, conn.execute(gone).rowcount)
        count(table, _replace_in_rows(conn, table, team_id, user_id, alias))
    return alias, counts


def text_columns(table: Table) -> list[Any]:
    """The columns holding text, where a person's id or mention may be (team_id aside)."""
    found = []
    for column in table.c:
        kind = getattr(column.type, "impl", column.type)  # sqlmodel's AutoString: a String
        if column.name != "team_id" and isinstance(kind, String | JSON):
            found.append(column)
    return found


def _replace_in_rows(conn: Connection, table: Table, team_id: str, user_id: str, alias: str) -> int:
    """The id, as a whole word, in the team's text and JSON values; rows changed."""
    whole_id = re.compile(rf"\b{re.escape(user_id)}\b")
    columns = text_columns(table)
    if not columns:
        return 0
    keys = list(table.primary_key.columns)  # `id`, or a composite key (gap_snapshot)
    holds = [cast(c, Text).contains(user_id) if isinstance(c.type, JSON) else c.contains(user_id)
             for c in columns]  # fmt: skip
    rows = conn.execute(
        select(*keys, *columns).where(table.c.team_id == team_id, or_(*holds))
    ).all()
    changed = 0
    for row in rows:
        key, values = row[: len(keys)], row[len(keys) :]
        new: dict[str, Any] = {}
        for column, value in zip(columns, values, strict=True):
            if isinstance(column.type, JSON) and value is not None:
                text = json.dumps(value)
                if whole_id.search(text):
                    new[column.name] = json.loads(whole_id.sub(alias, text))
            elif isinstance(value, str) and whole_id.search(value):
                new[column.name] = whole_id.sub(alias, value)
        if new:
            where = [c == v for c, v in zip(keys, key, strict=True)]
            conn.execute(update(table).where(*where).values(new))
            changed += 1
    return changed
