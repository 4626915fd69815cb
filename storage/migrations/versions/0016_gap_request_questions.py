"""a knowledge gap's content request keeps all of the gap's questions (its form cites at most
200 characters of them), so its delivery reaches every rep who asked or +1'd one

Revision ID: 0016_gap_request_questions
Revises: 0015_installations
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_gap_request_questions"
down_revision: str | None = "0015_installations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "content_request_question",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["content_request.id"]),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"]),
        sa.PrimaryKeyConstraint("request_id", "question_id"),
    )
    op.create_index("ix_content_request_question_team_id", "content_request_question", ["team_id"])


def downgrade() -> None:
    op.drop_index("ix_content_request_question_team_id", table_name="content_request_question")
    op.drop_table("content_request_question")
