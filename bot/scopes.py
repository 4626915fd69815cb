"""The bot scopes Lockstep asks for, each with the reason; manifest.yml must list exactly these."""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "chat:write": "post replies, triage posts, digests, agendas and DMs",
    "commands": "the slash commands",
}
