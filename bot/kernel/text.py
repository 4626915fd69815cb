"""The one place user text is made safe for Slack: mrkdwn escaping and truncation."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

ELLIPSIS = "…"


def escape(text: str | None) -> str:
    """Escape exactly Slack's three mrkdwn control characters (`&` first)."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str | None) -> str:
    """Decode the entities Slack puts in inbound text, once."""
    if not text:
        return ""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters with a visible ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def safe(text: str | None, limit: int) -> str:
    """User text escaped for mrkdwn, then cut to `limit` without splitting an entity."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(limit - 1, 0)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]  # never leave half an &amp;
    return cut.rstrip() + ELLIPSIS


def plain(text: str, limit: int = 3000, emoji: bool = True) -> dict[str, Any]:
    """A plain_text object (never parsed for mentions)."""
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": emoji}


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn object for text that is already escaped."""
    return {"type": "mrkdwn", "text": text}


def section(text: str, limit: int = 3000) -> dict[str, Any]:
    """A section of already-escaped mrkdwn, cut to Slack's limit."""
    return {"type": "section", "text": mrkdwn(truncate(text, limit))}


def user_mention(user_id: str) -> str:
    """A mention of a Slack user id (ids are validated before they reach here)."""
    return f"<@{html.escape(user_id, quote=False)}>"


def duration(delta: timedelta) -> str:
    """“3d 4h”, “2h 5m”, “7m” or “under a minute”."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m" if mins else "under a minute"
