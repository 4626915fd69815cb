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
