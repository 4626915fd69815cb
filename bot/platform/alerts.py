"""Messages to admins about things they must fix."""

from __future__ import annotations

from typing import Any

from bot.kernel.text import escape, section
from storage.models import OutboxMessage

FIXES = {
    "channel_not_found": "the channel no longer exists; choose another with `/lockstep config`.",
    "not_in_channel": "invite me to the channel (`/invite @Lockstep`).",
    "is_archived": "the channel is archived; unarchive it or pick another with `/lockstep config`.",
    "missing_scope": "reinstall the app from manifest.yml so it gets the scopes it needs.",
}


def delivery_failed(failed: OutboxMessage) -> dict[str, Any]:
    """A DM telling an admin which post failed for good and what to do about it."""
    error = failed.error or "unknown_error"
    fix = FIXES.get(error, "check the channel and the app's installation.")
    where = (
        f"<#{escape(failed.channel)}>" if failed.channel.startswith("C") else escape(failed.channel)
    )
    if failed.method == "bolt.lazy":  # a follow-up of a click or command, not a post
        function = escape(str(failed.payload.get("function", "?")))
        text = (
            f":warning: Lockstep gave up on a follow-up (`{function}`) after {failed.attempts} "
            f"tries: `{escape(error)}`. Once the cause is fixed, `lockstep outbox retry "
            f"{failed.id}` runs it again."
        )
        return {"text": text, "blocks": [section(text)]}
    text = (
        f":warning: Lockstep could not post to {where}: `{escape(error)}`. To fix it, {fix} "
        f"Then `lockstep outbox retry {failed.id}` sends it."
    )
    return {"text": text, "blocks": [section(text)]}
