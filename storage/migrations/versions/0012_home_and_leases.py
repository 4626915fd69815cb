"""who has a Home tab, and the scheduler's lease; APScheduler's job store table goes

Revision ID: 0012_home_and_leases
Revises: 0011_source_keys
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012_home_and_leases"
down_revision: str | None = "0011_source_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "home_viewer",
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("opened_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id"),
    )
    op.create_table(
        "lease",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("acquired_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    # The scheduler keeps its static jobs in memory now (bot/scheduler.py); the rows APScheduler's
    # SQLAlchemy job store kept here are re-added at every start and can go.
    op.execute("DROP TABLE IF EXISTS apscheduler_jobs")


def downgrade() -> None:
    # No apscheduler_jobs to recreate: APScheduler's job store creates its table when it starts.
    op.drop_table("lease")
    op.drop_table("home_viewer")
