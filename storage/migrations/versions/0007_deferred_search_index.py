"""index new questions for search in batches, not by an insert trigger (SQLite)

Revision ID: 0007_deferred_search_index
Revises: 0006_question_indexes
"""

from collections.abc import Sequence

from alembic import op

from storage import questions_search as search

revision: str = "0007_deferred_search_index"
down_revision: str | None = "0006_question_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = ("question_fts_ai", "question_fts_ad", "question_fts_au")
# The triggers as 0002 created them: every insert, edit and delete indexed at once.
IMMEDIATE = (
    "CREATE TRIGGER question_fts_ai AFTER INSERT ON question BEGIN "
    "INSERT INTO question_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER question_fts_ad AFTER DELETE ON question BEGIN "
    "INSERT INTO question_fts(question_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER question_fts_au AFTER UPDATE OF text ON question BEGIN "
    "INSERT INTO question_fts(question_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO question_fts(rowid, text) VALUES (new.id, new.text); END",
)


def _replace_triggers(statements: Sequence[str]) -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL's GIN index is kept on insert
    _replace_triggers(search.SQLITE_TRIGGERS)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(search.INDEX_PENDING)  # the immediate triggers assume every row is indexed
    _replace_triggers(IMMEDIATE)
