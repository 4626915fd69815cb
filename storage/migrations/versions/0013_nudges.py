"""nudges: each person's zone and away days, workspace holidays, working hours and nudge settings,
and which unanswered questions were reminded

Revision ID: 0013_nudges
Revises: 0012_home_and_leases
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013_nudges"
down_revision: str | None = "0012_home_and_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WORKSPACE = (
    ("work_start", sqlmodel.sql.sqltypes.AutoString(length=5), "09:00"),
    ("work_end", sqlmodel.sql.sqltypes.AutoString(length=5), "18:00"),
    ("work_days", sqlmodel.sql.sqltypes.AutoString(length=7), "12345"),
    ("nudge_goals", sa.Boolean(), sa.true()),
    ("nudge_goal_hours", sa.Integer(), "24"),
    ("nudge_questions", sa.Boolean(), sa.true()),
    ("nudge_question_hours", sa.Integer(), "24"),
    ("nudge_requests", sa.Boolean(), sa.true()),
)


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("tz", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("fetched_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("away_from", sa.Date(), nullable=True),
        sa.Column("away_to", sa.Date(), nullable=True),
        sa.Column("away_note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id"),
    )
    op.create_table(
        "holiday",
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "day"),
    )
    with op.batch_alter_table("workspace") as batch:
        for name, kind, default in _WORKSPACE:
            batch.add_column(sa.Column(name, kind, nullable=False, server_default=default))
    op.create_table(
        "question_reminder",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("reminded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("question_id"),
    )


def downgrade() -> None:
    op.drop_table("question_reminder")
    with op.batch_alter_table("workspace") as batch:
        for name, _kind, _default in reversed(_WORKSPACE):
            batch.drop_column(name)
    op.drop_table("holiday")
    op.drop_table("person")
