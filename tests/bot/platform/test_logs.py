from __future__ import annotations

import logging

from bot.platform.logs import RedactSecrets


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
