"""Full-text search over questions: the one dialect-specific corner of storage.

SQLite uses an FTS5 external-content table kept in sync by triggers, ranked by summed idf
over a bounded candidate set (see _sqlite_ranked);
PostgreSQL uses an expression GIN index on to_tsvector('english', text) ranked by ts_rank.
Queries are built from the user's words only (letters and digits, each quoted), so FTS syntax
such as `"`, `*`, `NEAR`, `-` or SQL metacharacters can never raise or change the query.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from storage.db import BUSY_TIMEOUT_MS

log = logging.getLogger(__name__)

# Database objects created here, not by the models: Alembic's comparison must skip them.
TABLES = frozenset(
    {
        "question_fts",
        "question_fts_data",
        "question_fts_idx",
        "question_fts_docsize",
        "question_fts_config",
        "question_fts_content",
    }
)
INDEXES = frozenset({"ix_question_fts"})
MAX_TERMS = 12
COMMON = 2000  # a word in more questions than this does not pick candidates on its own
RECENT = 1000  # when every word is common, rank only among this many newest questions
CANDIDATES = 30  # best rows by their rarer words, re-ranked with the common words

# New questions reach the SQLite index in batches (index_pending, which every search calls
# first), not by an insert trigger: FTS5 writes a segment per transaction, and indexing each
# question inside the /prospect-question ack was about 0.22 ms of its 0.55 ms write at 1,000,000
# questions. The rows indexed are exactly those with an id up to the highest indexed rowid
# (question ids only grow; the highest may be reused after a delete, and then it is above the
# index's highest again): the triggers keep edits and deletes of indexed rows in sync, and a row
# not yet indexed needs nothing until it is.
INDEXED_THROUGH = "(SELECT coalesce(max(id), 0) FROM question_fts_docsize)"
SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS question_fts USING fts5(text, content='question', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
)
SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS question_fts_ad AFTER DELETE ON question "
    f"WHEN old.id <= {INDEXED_THROUGH} BEGIN "
    "INSERT INTO question_fts(question_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS question_fts_au AFTER UPDATE OF text ON question "
    f"WHEN old.id <= {INDEXED_THROUGH} BEGIN "
    "INSERT INTO question_fts(question_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO question_fts(rowid, text) VALUES (new.id, new.text); END",
)
SQLITE_DDL = (SQLITE_TABLE, *SQLITE_TRIGGERS)
PENDING = f"SELECT coalesce((SELECT max(id) FROM question), 0) > {INDEXED_THROUGH}"
INDEX_PENDING = (
    "INSERT INTO question_fts(rowid, text) SELECT id, text FROM question "
    f"WHERE id > {INDEXED_THROUGH} ORDER BY id"
)
# index_pending works in transactions of this many rows (about 1 ms each; 5,000 rows took 12 ms
# at 1,000,000 questions): after a burst, the acks get SQLite's one write lock between chunks.
INDEX_CHUNK = 500
# How long a search waits to index while another writer holds the database (the same thread's
# own open write, say): then it searches what is indexed, and the next search indexes the rest.
INDEX_WAIT_MS = 2000
POSTGRES_DDL = (
    "CREATE INDEX IF NOT EXISTS ix_question_fts ON question "
    "USING gin (to_tsvector('english', text))",
)

_STOP = (
    "a about an and any are as at be but by can could do does for from has have how i if in "
    "into is it its me my not of on or our so than that the their them then there these they "
    "this to us was we what when where which who why will with would you your"
)
STOPWORDS = frozenset(_STOP.split())
WORD = re.compile(r"[^\W_]+")


def install(connection: Connection) -> None:
    """Create the search objects for the connection's dialect (idempotent), and on SQLite
    index the rows already there.

    A later SQLite migration that rebuilds the question table (Alembic batch mode) drops the
    triggers with it: call install() again at its end.
    """
    statements = SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRES_DDL
    for statement in statements:
        connection.execute(text(statement))
    if connection.dialect.name == "sqlite":
        connection.execute(text(INDEX_PENDING))


def index_pending(engine: Engine) -> int:
    """Index the questions added since the last call, INDEX_CHUNK rows a transaction; how many.

    SQLite only (PostgreSQL's GIN index is kept on insert). Cheap when nothing is pending.
    """
    if engine.dialect.name != "sqlite":
        return 0
    indexed = 0
    with engine.connect() as conn:
        if not conn.execute(text(PENDING)).scalar():
            return 0
        conn.exec_driver_sql(f"PRAGMA busy_timeout={INDEX_WAIT_MS}")
        try:
            while True:
                chunk = conn.execute(text(INDEX_PENDING + " LIMIT :n"), {"n": INDEX_CHUNK})
                conn.commit()  # the lock goes back to the acks between chunks
                indexed += chunk.rowcount
                if chunk.rowcount < INDEX_CHUNK:
                    break
        except OperationalError as exc:
            conn.rollback()
            if "locked" not in str(exc):
                raise
            log.info("search index update deferred: the database is busy")
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return indexed


def uninstall(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text("DROP TABLE IF EXISTS question_fts"))
    else:
        connection.execute(text("DROP INDEX IF EXISTS ix_question_fts"))


def after_create(target: Any, connection: Connection, **_: Any) -> None:
    """SQLAlchemy `after_create` hook on the question table (create_all in tests and tools)."""
    install(connection)


def before_drop(target: Any, connection: Connection, **_: Any) -> None:
    uninstall(connection)


def terms(query: str) -> list[str]:
    """The searchable words of `query`: lower-cased, no stop words, no repeats, at most 12."""
    seen: dict[str, None] = {}
    for word in WORD.findall(query.lower()):
        if word not in STOPWORDS and len(seen) < MAX_TERMS:
            seen.setdefault(word, None)
    return list(seen)


def fts5_query(words: Sequence[str]) -> str:
    """An FTS5 MATCH expression: every word a quoted string, any of them may match."""
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)


def ranked_ids(
    session: Session,
    team_id: str,
    query: str,
    statuses: Sequence[str],
    limit: int,
    exclude_id: int | None = None,
) -> list[int]:
    """Ids of the team's questions in `statuses` that best match `query`, best first."""
    words = terms(query)
    if not words or limit <= 0:
        return []
    params: dict[str, Any] = {
        "team": team_id,
        "statuses": list(statuses),
        "limit": limit,
        "exclude": exclude_id if exclude_id is not None else -1,
    }
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite_ranked(session.connection(), words, params)
    sql = (
        "SELECT q.id FROM question q, websearch_to_tsquery('english', :match) query "
        "WHERE to_tsvector('english', q.text) @@ query AND q.team_id = :team "
        "AND q.status IN :statuses AND q.id != :exclude "
        "ORDER BY ts_rank(to_tsvector('english', q.text), query) DESC, q.id DESC "
        "LIMIT :limit"
    )
    params["match"] = " or ".join(words)  # plain words: websearch syntax cannot misfire
    return _ids(session.connection(), sql, params)


def _ids(connection: Connection, sql: str, params: dict[str, Any]) -> list[int]:
    stmt = text(sql)
    if "statuses" in params:
        stmt = stmt.bindparams(bindparam("statuses", expanding=True))
    return [row[0] for row in connection.execute(stmt, params)]


def _sqlite_ranked(connection: Connection, words: list[str], params: dict[str, Any]) -> list[int]:
    """Rank by the summed rarity (idf) of the words each question contains, in bounded work.

    FTS5's bm25 counts every posting of every query word on each query (slow for common words
    in a million questions), so candidates come from the rarer words only, scored in SQL; words
    in more than COMMON questions only re-rank those. When every word is common, the candidates
    are the newest RECENT questions.
    """
    frequency = _frequencies(connection, words)
    present = [w for w in words if frequency[w]]
    if not present:
        return []
    total = int(connection.execute(text("SELECT max(id) FROM question")).scalar() or 0)
    weight = {w: math.log(1 + total / frequency[w]) for w in present}
    rare = [w for w in present if frequency[w] <= COMMON]
    pick = rare or present
    union = " UNION ALL ".join(
        f"SELECT rowid AS id, :s{i} AS s FROM question_fts "
        f"WHERE question_fts MATCH :w{i} AND rowid >= :floor"
        for i in range(len(pick))
    )
    sql = (
        f"SELECT q.id, q.text, c.score FROM (SELECT id, sum(s) AS score FROM ({union}) GROUP BY id)"
        " c JOIN question q ON q.id = c.id WHERE q.team_id = :team AND q.status IN :statuses "
        "AND q.id != :exclude ORDER BY c.score DESC, q.id DESC LIMIT :candidates"
    )
    values = {**params, "floor": 0 if rare else max(total - RECENT, 0), "candidates": CANDIDATES}
    for i, w in enumerate(pick):
        values[f"w{i}"], values[f"s{i}"] = fts5_query([w]), weight[w]
    stmt = text(sql).bindparams(bindparam("statuses", expanding=True))
    found = [(row[0], row[1], float(row[2])) for row in connection.execute(stmt, values)]
    others = {w: weight[w] for w in present if w not in pick}

    def score(row: tuple[int, str, float]) -> float:
        contains = set(WORD.findall(row[1].lower()))
        return row[2] + sum(v for w, v in others.items() if w in contains)

    found.sort(key=score, reverse=True)  # stable: newest first among equals
    return [qid for qid, _, _ in found[: params["limit"]]]


def _frequencies(connection: Connection, words: list[str]) -> dict[str, int]:
    """How many questions contain each word, counted only up to COMMON + 1 (cheap)."""
    probes = " UNION ALL ".join(
        f"SELECT {i}, count(*) FROM (SELECT rowid FROM question_fts "
        f"WHERE question_fts MATCH :w{i} LIMIT {COMMON + 1})"
        for i in range(len(words))
    )
    rows = connection.execute(text(probes), {f"w{i}": fts5_query([w]) for i, w in enumerate(words)})
    counts: dict[int, int] = {int(i): int(n) for i, n in rows.all()}
    return {w: int(counts.get(i, 0)) for i, w in enumerate(words)}
