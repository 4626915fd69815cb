"""Logging set-up with a filter that keeps tokens and the signing secret out of every record."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from bot.platform.config import Settings

# Bot/user/app tokens, and refresh tokens of rotating installations (xoxe-1-..., xoxe.xoxb-...).
TOKEN_PATTERN = re.compile(r"xox[abposre][.-][A-Za-z0-9.-]+|xapp-[A-Za-z0-9-]+")


# OAuth states and codes as Bolt and slack_sdk log them at DEBUG ({'state': ['...']},
# 'state': '...', state=...): each is a one-time secret of an install in progress.
OAUTH_PATTERN = re.compile(r"""(['"]?\b(?:state|code)\b['"]?\s*[:=]\s*\[?\s*['"]?)[\w.:-]+""")
# The bound values SQLAlchemy writes in its errors ("[parameters: ('state', ...)]"): slack_sdk's
# stores log such errors with the OAuth state or the tokens they were writing.
SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*")
# Library loggers that write tokens, refresh tokens and OAuth states in their DEBUG records
# (Web API answers of oauth.v2.access, the OAuth flow's requests, the state store's rows).
# Their records are redacted where they are made, before any handler (or test) sees them.
LIBRARY_LOGGERS = (
    "slack_sdk.web.base_client",
    "slack_sdk.oauth.state_store.sqlalchemy",
    "slack_sdk.oauth.installation_store.sqlalchemy",
    "slack_sdk.oauth.token_rotation.rotator",
    "lockstep.bolt",
)


class RedactSecrets(logging.Filter):
    """Replace known secrets and anything shaped like a Slack token with a placeholder."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 8]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        text = SQL_PARAMETERS.sub("[parameters: redacted]", text)
        text = OAUTH_PATTERN.sub(r"\1[redacted]", text)
        return TOKEN_PATTERN.sub("[redacted-token]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


def configure(level: str, secrets: Iterable[str] = ()) -> None:
    """Root logging to stderr, every handler redacting secrets."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("apscheduler").setLevel(max(logging.getLevelName(level), logging.WARNING))
    guard_library_loggers(secrets)


def guard_library_loggers(secrets: Iterable[str] = ()) -> None:
    """Redact the records of LIBRARY_LOGGERS where they are made (once per logger)."""
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets(secrets))


def secrets_of(settings: Settings) -> list[str]:
    """The values every log line is cleaned of."""
    return [
        settings.slack_bot_token,
        settings.slack_app_token,
        settings.slack_signing_secret,
        settings.slack_client_secret,
    ]
