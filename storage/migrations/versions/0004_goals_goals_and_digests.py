"""goals and digests

Revision ID: 0004_goals
Revises: 0003_assets
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004_goals"
down_revision: str | None = "0003_assets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("occurrence", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("outbox_key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("chart_status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("chart_attempts", sa.Integer(), nullable=False),
        sa.Column("chart_claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "channel", "occurrence"),
    )
    with op.batch_alter_table("digest", schema=None) as batch_op:
        batch_op.create_index("ix_digest_message", ["team_id", "channel", "ts"], unique=False)

    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("current_value", sa.Float(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("sales_owner", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("marketing_owner", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "name"),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_team_id"), ["team_id"], unique=False)

    op.create_table(
        "digest_reaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("reaction", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["digest_id"],
            ["digest.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest_id", "user_id", "reaction"),
    )
    with op.batch_alter_table("digest_reaction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_digest_reaction_digest_id"), ["digest_id"], unique=False
        )

    op.create_table(
        "goal_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("delta", sa.Float(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["goal.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("goal_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_update_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index("ix_goal_update_team_time", ["team_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("goal_update", schema=None) as batch_op:
        batch_op.drop_index("ix_goal_update_team_time")
        batch_op.drop_index(batch_op.f("ix_goal_update_goal_id"))

    op.drop_table("goal_update")
    with op.batch_alter_table("digest_reaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_reaction_digest_id"))

    op.drop_table("digest_reaction")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_team_id"))

    op.drop_table("goal")
    with op.batch_alter_table("digest", schema=None) as batch_op:
        batch_op.drop_index("ix_digest_message")

    op.drop_table("digest")
