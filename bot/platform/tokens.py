"""Each workspace's bot token: SLACK_BOT_TOKEN for the one workspace, or, when installed with
OAuth in many, the installation store's (cached a minute; rotated before it expires)."""

from __future__ import annotations

import threading
import time
from typing import Any

from slack_sdk.oauth.installation_store import Bot, InstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator

CACHE_SECONDS = 60.0  # another process may have rotated or removed the token meanwhile


class Tokens:
    """Resolves `team_id -> bot token` for everything Lockstep sends on its own (outbox,
    follow-ups, jobs, Home refresh, doctor)."""

    def __init__(
        self,
        single_token: str,
        store: InstallationStore | None = None,
        rotator: TokenRotator | None = None,
        rotate_minutes: int = 120,
    ) -> None:
        self.single_token = single_token
        self.store = store
        self.rotator = rotator
        self.rotate_minutes = rotate_minutes
        self._cache: dict[str, tuple[float, Bot]] = {}
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict[int, Any]) -> Tokens:
        return self  # one per process, shared by lazy listeners' copied contexts

    @property
    def per_workspace(self) -> bool:
        return self.store is not None

    def bot_token(self, team_id: str) -> str | None:
        """The team's bot token; None when Lockstep is not installed there."""
        if self.store is None:
            return self.single_token or None
        with self._lock:
            cached = self._cache.get(team_id)
            bot = cached[1] if cached and time.monotonic() - cached[0] < CACHE_SECONDS else None
            if bot is None:
                bot = self.store.find_bot(enterprise_id=None, team_id=team_id)
                if bot is None:
                    self._cache.pop(team_id, None)
                    return None
            if self.rotator is not None and bot.bot_refresh_token:
                refreshed = self.rotator.perform_bot_token_rotation(
                    bot=bot, minutes_before_expiration=self.rotate_minutes
                )
                if refreshed is not None:
                    self.store.save_bot(refreshed)
                    bot = refreshed
            self._cache[team_id] = (time.monotonic(), bot)
            return bot.bot_token

    def forget(self, team_id: str) -> None:
        """Drop the cached token (the workspace uninstalled Lockstep or revoked it)."""
        with self._lock:
            self._cache.pop(team_id, None)
