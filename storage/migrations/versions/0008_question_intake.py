"""the capture ack's write as one statement: a write-only view whose trigger inserts (SQLite)

Revision ID: 0008_question_intake
Revises: 0007_deferred_search_index
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0008_question_intake"
down_revision: str | None = "0007_deferred_search_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The objects as this revision made them (storage.intake is gone since 0010).
INTAKE_COLUMNS = (
    "team_id", "capture_key", "asker_id", "text", "created_at",
    "followup_key", "followup_method", "followup_channel", "followup_payload",
)  # fmt: skip
SQLITE_INTAKE = (
    "CREATE TABLE IF NOT EXISTS outbox_intake (id INTEGER PRIMARY KEY, team_id TEXT NOT NULL, "
    "key TEXT NOT NULL, method TEXT NOT NULL, channel TEXT NOT NULL, payload TEXT NOT NULL, "
    "created_at TEXT NOT NULL)",
    "CREATE VIEW question_intake ({}) AS SELECT {} WHERE 0".format(
        ", ".join(INTAKE_COLUMNS), ", ".join(["NULL"] * len(INTAKE_COLUMNS))
    ),
    # changes(): rows the question insert just made (0 for a delivery seen before).
    "CREATE TRIGGER question_intake_insert INSTEAD OF INSERT ON question_intake BEGIN "
    "INSERT INTO question (team_id, capture_key, asker_id, text, status, version, created_at, "
    "updated_at) VALUES (new.team_id, new.capture_key, new.asker_id, new.text, 'open', 0, "
    "new.created_at, new.created_at) ON CONFLICT (team_id, capture_key) DO NOTHING; "
    "INSERT INTO outbox_intake (team_id, key, method, channel, payload, created_at) "
    "SELECT new.team_id, new.followup_key, new.followup_method, new.followup_channel, "
    "new.followup_payload, new.created_at WHERE new.followup_key IS NOT NULL AND changes() = 1; "
    "END",
)
DROP = (
    "DROP TRIGGER IF EXISTS question_intake_insert",
    "DROP VIEW IF EXISTS question_intake",
    "DROP TABLE IF EXISTS outbox_intake",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # other databases need no view
        for statement in SQLITE_INTAKE:
            op.execute(text(statement))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in DROP:
            op.execute(text(statement))
