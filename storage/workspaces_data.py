"""A workspace's data as a whole: delete all of it, or take one person out of it.

Every Lockstep table carries `team_id`, slack_sdk's installation
tables too, so "every row of a workspace" is every row with its team id, children first.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from sqlalchemy import JSON, Table, Text, cast, delete, select, update
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers every table)

# Columns that name a person; forget_user puts a pseudonym there.
PERSON_COLUMNS = (
    "user_id",
    "asker_id",
    "answerer_id",
    "requester_id",
    "owner_id",
    "owner",
    "sales_owner",
    "marketing_owner",
    "created_by",
    "granted_by",
    "added_by",
    "done_by",
    "discussed_by",
)
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
    them; the pseudonym and rows changed per table."""
    alias = "UFORGOTTEN" + secrets.token_hex(5).upper()
    counts: dict[str, int] = {}

    def count(table: Table, n: int) -> None:
        if n:
            counts[table.name] = counts.get(table.name, 0) + n

    for table in team_tables():
        mine = table.c.team_id == team_id
        if table.name in ABOUT_THE_PERSON:
            count(
                table, conn.execute(delete(table).where(mine, table.c.user_id == user_id)).rowcount
            )
        elif table.name == "outbox_message":  # DMs to them, sent or not
            count(
                table, conn.execute(delete(table).where(mine, table.c.channel == user_id)).rowcount
            )
        elif table.name not in KEEP:
            for name in PERSON_COLUMNS:
                if name in table.c:
                    column = table.c[name]
                    changed = conn.execute(
                        update(table).where(mine, column == user_id).values({name: alias})
                    )
                    count(table, changed.rowcount)
        if table.name not in KEEP:
            for column in table.c:
                if isinstance(column.type, JSON):
                    count(table, _replace_in_json(conn, table, column, team_id, user_id, alias))
    return alias, counts


def _replace_in_json(
    conn: Connection, table: Table, column: Any, team_id: str, user_id: str, alias: str
) -> int:
    """The id in JSON values (series members, agenda sections, posts' blocks and mentions)."""
    whole_id = re.compile(rf"\b{re.escape(user_id)}\b")
    changed = 0
    keys = list(table.primary_key.columns)  # `id`, or a composite key (gap_snapshot)
    rows = conn.execute(
        select(*keys, column).where(
            table.c.team_id == team_id, cast(column, Text).contains(user_id)
        )
    )
    for *key, value in list(rows):
        text = json.dumps(value)
        if whole_id.search(text):
            new: Any = json.loads(whole_id.sub(alias, text))
            where = [c == v for c, v in zip(keys, key, strict=True)]
            conn.execute(update(table).where(*where).values({column.name: new}))
            changed += 1
    return changed
