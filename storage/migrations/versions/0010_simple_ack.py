"""the ack writes through the ORM again: the SQLite intake view, trigger and table go

Follow-ups still waiting in outbox_intake move into the outbox first, so none is lost.

Revision ID: 0010_simple_ack
Revises: 0009_partial_answered_index
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0010_simple_ack"
down_revision: str | None = "0009_partial_answered_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROMOTE = (
    "INSERT INTO outbox_message (team_id, key, method, channel, payload, status, attempts, "
    "next_attempt_at, created_at) SELECT team_id, key, method, channel, payload, 'pending', 0, "
    "created_at, created_at FROM outbox_intake ORDER BY id "
    "ON CONFLICT (team_id, key) DO NOTHING"
)
DROP = (
    "DROP TRIGGER IF EXISTS question_intake_insert",
    "DROP VIEW IF EXISTS question_intake",
    "DROP TABLE IF EXISTS outbox_intake",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # only SQLite had the intake
    tables = bind.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'outbox_intake'")
    ).first()
    if tables is not None:
        op.execute(text(PROMOTE))
    for statement in DROP:
        op.execute(text(statement))


def downgrade() -> None:
    pass  # 0008's intake is not brought back: the ack no longer writes through it
