"""indexes for windowed question reads

Revision ID: 0006_question_indexes
Revises: 0005_meetings
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_question_indexes"
down_revision: str | None = "0005_meetings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain CREATE INDEX (no batch table rebuild): rebuilding `question` on SQLite would drop
    # the full-text sync triggers that storage.questions_search.install() created.
    op.create_index("ix_question_team_answered", "question", ["team_id", "answered_at"])
    op.create_index("ix_question_team_created", "question", ["team_id", "created_at"])
    op.create_index("ix_question_vote_team_created", "question_vote", ["team_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_question_vote_team_created", table_name="question_vote")
    op.drop_index("ix_question_team_created", table_name="question")
    op.drop_index("ix_question_team_answered", table_name="question")
