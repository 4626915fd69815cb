"""the capture ack's write as one statement: a write-only view whose trigger inserts (SQLite)

Revision ID: 0008_question_intake
Revises: 0007_deferred_search_index
"""

from collections.abc import Sequence

from alembic import op

from storage import intake

revision: str = "0008_question_intake"
down_revision: str | None = "0007_deferred_search_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    intake.install(op.get_bind())  # SQLite only: other databases need no view


def downgrade() -> None:
    intake.uninstall(op.get_bind())
