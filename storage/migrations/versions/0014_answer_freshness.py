"""answers get a verifier, a review date and a retirement; reps rate the answers they are
shown; triage posts' addresses; the knowledge-gap report's cache; per-goal digest signals

Revision ID: 0014_answer_freshness
Revises: 0013_nudges
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014_answer_freshness"
down_revision: str | None = "0013_nudges"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STRING = sqlmodel.sql.sqltypes.AutoString
WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(
            sa.Column("answer_review_days", sa.Integer(), nullable=False, server_default="90")
        )
    with op.batch_alter_table("workspace") as batch:
        batch.alter_column("answer_review_days", server_default=None)
    with op.batch_alter_table("answer") as batch:
        batch.add_column(sa.Column("verified_by", STRING(length=32), nullable=True))
        batch.add_column(sa.Column("verified_at", WHEN(), nullable=True))
        days = sa.Column("review_days", sa.Integer(), nullable=False, server_default="90")
        batch.add_column(days)
        batch.add_column(sa.Column("review_by", WHEN(), nullable=True))
        batch.add_column(sa.Column("reminded_at", WHEN(), nullable=True))
        batch.add_column(sa.Column("retired_at", WHEN(), nullable=True))
        batch.add_column(sa.Column("retired_by", STRING(length=32), nullable=True))
        batch.create_index("ix_answer_review", ["review_by", "reminded_at"])
    # Answers given before: verified by whoever gave them, then, due 90 days after.
    op.execute("UPDATE answer SET verified_by = answerer_id, verified_at = created_at")
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLAlchemy's own text form ("2026-08-12 09:30:00.000000"): the seconds' fraction
        # kept, so the dates compare and read back like the ones the app writes.
        op.execute(
            "UPDATE answer SET review_by = "
            "strftime('%Y-%m-%d %H:%M:%S', created_at, '+90 days') || substr(created_at, 20)"
        )
    else:
        op.execute("UPDATE answer SET review_by = created_at + interval '90 days'")
    with op.batch_alter_table("answer") as batch:
        batch.alter_column("review_days", server_default=None)
    op.create_table(
        "answer_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", STRING(length=32), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", STRING(length=32), nullable=False),
        sa.Column("verdict", STRING(length=16), nullable=False),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.ForeignKeyConstraint(["answer_id"], ["answer.id"]),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("answer_id", "question_id", "user_id"),
    )
    op.create_index("ix_answer_rating_team_created", "answer_rating", ["team_id", "created_at"])
    op.create_table(
        "question_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", STRING(length=32), nullable=False),
        sa.Column("channel", STRING(length=64), nullable=False),
        sa.Column("ts", STRING(length=32), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "channel", "ts"),
    )
    op.create_index("ix_question_post_question_id", "question_post", ["question_id"])
    # The triage posts sent before: their outbox rows know where they went.
    op.execute(
        "INSERT INTO question_post (team_id, channel, ts, question_id) "
        "SELECT o.team_id, coalesce(o.result_channel, o.channel), o.result_ts, q.id "
        "FROM outbox_message o JOIN question q ON q.team_id = o.team_id "
        "AND o.key = 'triage:' || CAST(q.id AS VARCHAR(20)) "
        "WHERE o.key LIKE 'triage:%' AND o.status = 'sent' AND o.result_ts IS NOT NULL"
    )
    op.create_table(
        "gap_snapshot",
        sa.Column("team_id", STRING(length=32), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("computed_at", WHEN(), nullable=False),
        sa.Column("gaps", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "days"),
    )
    op.create_table(
        "goal_signal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", STRING(length=32), nullable=False),
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", STRING(length=32), nullable=False),
        sa.Column("kind", STRING(length=8), nullable=False),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.ForeignKeyConstraint(["digest_id"], ["digest.id"]),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest_id", "goal_id", "user_id", "kind"),
    )
    op.create_index("ix_goal_signal_digest_id", "goal_signal", ["digest_id"])


def downgrade() -> None:
    # The code before this revision knows no "resolved": such a question is the duplicate of
    # the one whose answer resolved it (duplicate_of is set), as it was shown there.
    op.execute("UPDATE question SET status = 'duplicate' WHERE status = 'resolved'")
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("answer_review_days")
    op.drop_index("ix_goal_signal_digest_id", table_name="goal_signal")
    op.drop_table("goal_signal")
    op.drop_table("gap_snapshot")
    op.drop_index("ix_question_post_question_id", table_name="question_post")
    op.drop_table("question_post")
    op.drop_index("ix_answer_rating_team_created", table_name="answer_rating")
    op.drop_table("answer_rating")
    with op.batch_alter_table("answer") as batch:
        batch.drop_index("ix_answer_review")
        for column in (
            "retired_by", "retired_at", "reminded_at", "review_by", "review_days",
            "verified_at", "verified_by",
        ):  # fmt: skip
            batch.drop_column(column)
