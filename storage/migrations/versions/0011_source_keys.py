"""idempotency keys on the rows themselves: goal, goal_update and asset get a source_key

The Slack delivery that created a row is written with it (unique per team), so a redelivery
finds the row instead of a receipt committed before the write. Existing rows keep NULL.

Revision ID: 0011_source_keys
Revises: 0010_simple_ack
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011_source_keys"
down_revision: str | None = "0010_simple_ack"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("goal", "goal_update", "asset")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("source_key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True)
            )
            batch_op.create_index(f"ux_{table}_source", ["team_id", "source_key"], unique=True)


def downgrade() -> None:
    for table in reversed(TABLES):
        # Native DROP COLUMN (SQLite 3.35+): a batch rebuild of `goal` would drop the table
        # that goal_update rows point to, which foreign keys refuse once there is data.
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.drop_index(f"ux_{table}_source")
            batch_op.drop_column("source_key")
