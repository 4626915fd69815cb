from __future__ import annotations

import io
import logging
from pathlib import Path

from bot.platform.logs import RedactSecrets, guard_library_loggers
from storage.db import make_engine
from storage.installations import state_store


def record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("t", logging.ERROR, __file__, 1, msg, args, info)


def test_known_secrets_and_token_shapes_are_redacted() -> None:
    f = RedactSecrets(["my-signing-secret-123"])
    rec = record("auth %s with %s", "xoxb-1234-abcd", "my-signing-secret-123")
    assert f.filter(rec)
    assert rec.getMessage() == "auth [redacted-token] with [redacted]"


def test_tracebacks_are_redacted() -> None:
    try:
        raise ValueError("token xapp-1-AAA-123 rejected")
    except ValueError as exc:
        rec = record("boom", exc=exc)
    RedactSecrets().filter(rec)
    assert (
        rec.exc_text and "xapp-1-AAA-123" not in rec.exc_text and "[redacted-token]" in rec.exc_text
    )


def test_oauth_secrets_are_redacted_and_status_codes_kept() -> None:
    f = RedactSecrets(["client-secret-abcdef"])
    text = (
        "request: {'code': ['1234.5678.abcd'], 'state': ['0ad77d18-f304']} "
        "'refresh_token': 'xoxe-1-My0xLTEyMw' 'access_token': 'xoxe.xoxb-1-MS0y' "
        "client-secret-abcdef status_code: 200"
    )
    clean = f.redact(text)
    for secret in ("1234.5678.abcd", "0ad77d18-f304", "xoxe-1-My0x", "xoxe.xoxb-1", "client-sec"):
        assert secret not in clean
    assert "status_code: 200" in clean


def test_library_loggers_redact_their_records_where_they_are_made() -> None:
    """A handler without the filter (a test's, a library's) still sees no OAuth secret."""
    from bot.platform.logs import guard_library_loggers

    guard_library_loggers(["client-secret-abcdef"])
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    logger = logging.getLogger("slack_sdk.oauth.state_store.sqlalchemy")
    keep = Keep()
    logger.addHandler(keep)
    try:
        logger.warning("consume's query result: %s", {"state": "0ad77d18-f304"})
    finally:
        logger.removeHandler(keep)
    assert seen and "0ad77d18-f304" not in seen[0]


def test_a_database_error_in_the_state_store_logs_no_state(tmp_path: Path) -> None:
    """slack_sdk's state store logs the SQLAlchemy error of a failed consume, whose
    `[parameters: ...]` holds the state being checked (here: a database without tables)."""
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    logger = logging.getLogger("slack_sdk.oauth.state_store.sqlalchemy")
    logger.addHandler(handler)
    guard_library_loggers()
    state = "3f2a9c1e-1111-4c2b-9d7e-abcdefabcdef"
    try:
        assert state_store(make_engine(f"sqlite:///{tmp_path}/empty.db")).consume(state) is False
    finally:
        logger.removeHandler(handler)
    assert "no such table" in lines.getvalue() and state not in lines.getvalue()


def test_sql_parameters_are_redacted() -> None:
    error = "(sqlite3.OperationalError) locked\n[SQL: SELECT 1]\n[parameters: ('xyz-secret', 1)]"
    clean = RedactSecrets().redact(error)
    assert "xyz-secret" not in clean and "[SQL: SELECT 1]" in clean
