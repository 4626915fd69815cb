"""Parsing what people type: subcommands, channel and user references, numbers."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.kernel.text import unescape

CHANNEL_REF = re.compile(r"^<#(?P<id>[CG][A-Z0-9]{2,})(?:\|[^>]*)?>$")
USER_REF = re.compile(r"^<@(?P<id>[UW][A-Z0-9]{2,})(?:\|[^>]*)?>$")
BARE_CHANNEL = re.compile(r"^[CG][A-Z0-9]{6,}$")
BARE_USER = re.compile(r"^[UW][A-Z0-9]{6,}$")


def split_command(text: str | None) -> tuple[str, str]:
    """('subcommand', 'rest') from a command's text; the subcommand is lower-cased."""
    clean = (text or "").strip()
    if not clean:
        return "", ""
    head, _, rest = clean.partition(" ")
    return head.lower(), rest.strip()


def channel_id(token: str) -> str | None:
    """A channel id from `<#C123|name>` (as Slack escapes it) or a bare id."""
    token = token.strip()
    match = CHANNEL_REF.match(token)
    if match:
        return match["id"]
    return token if BARE_CHANNEL.match(token) else None


def user_id(token: str) -> str | None:
    """A user id from `<@U123|name>` or a bare id."""
    token = token.strip()
    match = USER_REF.match(token)
    if match:
        return match["id"]
    return token if BARE_USER.match(token) else None


def command_text(text: str | None) -> str:
    """A command's free text, decoded once from Slack's entity encoding and trimmed."""
    return unescape(text).strip()


def time_zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone a person typed, or None: never raises, whatever the text.

    ZoneInfo reads a file named after the key, so a long or odd key can raise OSError
    ("File name too long") as well as the documented errors.
    """
    key = (name or "").strip()
    if not key or len(key) > 64 or key.startswith(("/", ".")) or ".." in key:
        return None
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


ROW_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits that fit a 64-bit integer column


def row_id(token: str | None) -> int | None:
    """The row id in a button value, private_metadata or typed number; None for anything else
    (no sign, no unicode digits such as "²", nothing too large for the database)."""
    token = (token or "").strip()
    return int(token) if ROW_ID.fullmatch(token) else None
