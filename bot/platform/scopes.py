"""The bot scopes Lockstep asks for, each with the reason; manifest.yml must list exactly these."""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "channels:read": "member_joined_channel in public channels (the join introduction)",
    "groups:read": "member_joined_channel in private channels (the join introduction)",
    "chat:write": "post replies, triage posts, digests, agendas and DMs",
    "commands": "the slash commands",
    "files:write": "upload the weekly digest's progress chart",
    "reactions:read": "record reactions to the weekly digest (who saw it, who can help)",
    "users:read": "each person's time zone (users.info, user_change): nudges in their hours",
}
