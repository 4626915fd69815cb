"""index only answered questions by answer time: a new question adds no entry

Revision ID: 0009_partial_answered_index
Revises: 0008_question_intake
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_partial_answered_index"
down_revision: str | None = "0008_question_intake"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANSWERED = sa.text("answered_at IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_question_team_answered", table_name="question")
    op.create_index(
        "ix_question_team_answered",
        "question",
        ["team_id", "answered_at"],
        sqlite_where=ANSWERED,
        postgresql_where=ANSWERED,
    )


def downgrade() -> None:
    op.drop_index("ix_question_team_answered", table_name="question")
    op.create_index("ix_question_team_answered", "question", ["team_id", "answered_at"])
