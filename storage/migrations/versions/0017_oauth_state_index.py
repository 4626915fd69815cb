"""an index on the OAuth state (every visit to /slack/install adds a row; expired ones are purged
by a periodic task, bot.system.installs.purge_states)

Revision ID: 0017_oauth_state_index
Revises: 0016_gap_request_questions
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017_oauth_state_index"
down_revision: str | None = "0016_gap_request_questions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("slack_oauth_states_state_idx", "slack_oauth_states", ["state"])


def downgrade() -> None:
    op.drop_index("slack_oauth_states_state_idx", table_name="slack_oauth_states")
