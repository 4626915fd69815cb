"""Each workspace's bot token: SLACK_BOT_TOKEN for the one workspace, or, when installed with
OAuth in many, the installation store's (cached a minute; rotated before it expires).

A refresh token works once: the rotation of a workspace's installation is done by one process
at a time (a lease in the database), reads the installation again under it (another process
may have rotated it meanwhile) and saves the whole installation (both of slack_sdk's tables),
so that Bolt's authorize, which reads `find_installation`, sees the new tokens. Bolt's
authorize rotates through the same `LeasedRotator` (bot.system.installs)."""

from __future__ import annotations

import os
import socket
import threading
import time
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlmodel import Session

from storage import leases
from storage.installations import InstallationStore

CACHE_SECONDS = 60.0  # another process may have rotated or removed the token meanwhile
LEASE_TTL = timedelta(seconds=30)  # well above one oauth.v2.access call (10 s timeout)
LEASE_WAIT = 15.0  # how long a rotation waits for another process's to end


class LeasedRotator(TokenRotator):
    """slack_sdk's TokenRotator, one rotation per workspace at a time across processes."""

    def __init__(
        self, *, client_id: str, client_secret: str, client: WebClient, store: InstallationStore
    ) -> None:
        super().__init__(client_id=client_id, client_secret=client_secret, client=client)
        self.store = store
        self.holder = f"{socket.gethostname()}:{os.getpid()}"

    def perform_token_rotation(
        self, *, installation: Installation, minutes_before_expiration: int = 120
    ) -> Installation | None:
        """The rotated and saved installation; the one another process rotated meanwhile; or
        None when no rotation is due. Raises SlackTokenRotationError when Slack refuses."""
        if not _due(installation, minutes_before_expiration):
            return None
        # team ids are unique across Enterprise Grid orgs; an org-wide install has only its own
        name = f"token-rotation:{installation.team_id or installation.enterprise_id or ''}"
        holder = f"{self.holder}:{threading.get_ident()}"
        engine = self.store.engine
        deadline = time.monotonic() + LEASE_WAIT
        with Session(engine) as session:
            while not leases.acquire(session, name, holder, LEASE_TTL):
                if time.monotonic() > deadline:  # the other rotation hangs: keep today's token
                    return None
                time.sleep(0.05)
            try:
                current = self.store.find_installation(
                    enterprise_id=installation.enterprise_id,
                    team_id=installation.team_id,
                    is_enterprise_install=installation.is_enterprise_install,
                )
                if current is None:  # uninstalled meanwhile
                    return None
                refreshed = super().perform_token_rotation(
                    installation=current, minutes_before_expiration=minutes_before_expiration
                )
                if refreshed is not None:
                    self.store.save(refreshed)  # both tables: Bolt's authorize reads this one
                    return refreshed
                if current.bot_token != installation.bot_token:
                    return current  # another process rotated it
                return None
            finally:
                leases.release(session, name, holder)


def _due(installation: Installation, minutes: int) -> bool:
    deadline = time.time() + minutes * 60
    bot_due = bool(
        installation.bot_refresh_token and (installation.bot_token_expires_at or 0) <= deadline
    )
    user_due = bool(
        installation.user_refresh_token and (installation.user_token_expires_at or 0) <= deadline
    )
    return bot_due or user_due


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
        self._cache: dict[str, tuple[float, Installation | Bot]] = {}
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict[int, Any]) -> Tokens:
        return self  # one per process, shared by lazy listeners' copied contexts

    @property
    def per_workspace(self) -> bool:
        return self.store is not None

    def bot_token(self, team_id: str) -> str | None:
        """The team's bot token; None when Lockstep is not installed there. Raises
        SlackTokenRotationError when Slack refuses to refresh an expiring token."""
        if self.store is None:
            return self.single_token or None
        with self._lock:
            cached = self._cache.get(team_id)
            fresh = cached and time.monotonic() - cached[0] < CACHE_SECONDS
            found = cached[1] if cached and fresh else None
            if found is None:
                # by team alone: a workspace of an Enterprise Grid org has an enterprise id
                found = self.store.find_team(team_id)
                if found is None or not found.bot_token:
                    self._cache.pop(team_id, None)
                    return None
            try:
                found = self._rotated(found)
            except SlackTokenRotationError:
                self._cache.pop(team_id, None)  # read it again next time
                raise
            self._cache[team_id] = (time.monotonic(), found)
            return found.bot_token

    def _rotated(self, found: Installation | Bot) -> Installation | Bot:
        if self.rotator is None or self.store is None:
            return found
        minutes = self.rotate_minutes
        if isinstance(found, Installation):
            refreshed = self.rotator.perform_token_rotation(
                installation=found, minutes_before_expiration=minutes
            )
            return refreshed or found
        if not found.bot_refresh_token:
            return found
        # only the bot row is left (its installer's user token was revoked): Bolt's authorize
        # reads find_bot then, so saving the bot row is saving what both read
        bot = self.rotator.perform_bot_token_rotation(bot=found, minutes_before_expiration=minutes)
        if bot is None:
            return found
        self.store.save_bot(bot)
        return bot

    def installed(self, team_id: str) -> bool:
        """Whether the team has an installation (no token rotation on the way)."""
        if self.store is None:
            return bool(self.single_token)
        with self._lock:
            cached = self._cache.get(team_id)
            if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
                return True
        return self.store.find_team(team_id) is not None

    def forget(self, team_id: str) -> None:
        """Drop the cached token (the workspace uninstalled Lockstep or revoked it)."""
        with self._lock:
            self._cache.pop(team_id, None)
