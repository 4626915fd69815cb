"""Each workspace's token: one token, or the installation store's (cached, forgotten on cue)."""

from __future__ import annotations

from typing import Any

from slack_sdk.oauth.installation_store import Bot, InstallationStore

from bot.platform.tokens import Tokens


class CountingStore(InstallationStore):
    """An in-memory installation store that counts its reads."""

    def __init__(self) -> None:
        self.bots: dict[str, Bot] = {}
        self.reads = 0

    def save(self, installation: Any) -> None:
        raise NotImplementedError

    def save_bot(self, bot: Bot) -> None:
        self.bots[bot.team_id or ""] = bot

    def find_bot(self, *, enterprise_id: str | None, team_id: str | None, **_: Any) -> Bot | None:
        self.reads += 1
        return self.bots.get(team_id or "")

    def find_team(self, team_id: str) -> Bot | None:
        return self.find_bot(enterprise_id=None, team_id=team_id)


def bot(team: str, token: str) -> Bot:
    return Bot(app_id="A1", team_id=team, bot_token=token, bot_id="B1", bot_user_id="U1",
               installed_at=0.0)  # fmt: skip


def test_one_token_serves_every_workspace() -> None:
    tokens = Tokens("xoxb-one")
    assert not tokens.per_workspace
    assert tokens.bot_token("T1") == tokens.bot_token("T2") == "xoxb-one"


def test_installed_tokens_are_cached_and_read_again_when_forgotten() -> None:
    store = CountingStore()
    store.save_bot(bot("T1", "xoxb-t1"))
    tokens = Tokens("", store)  # type: ignore[arg-type]
    assert tokens.bot_token("T1") == tokens.bot_token("T1") == "xoxb-t1"
    assert store.reads == 1
    store.save_bot(bot("T1", "xoxb-t1-new"))  # e.g. rotated by another process
    tokens.forget("T1")
    assert tokens.bot_token("T1") == "xoxb-t1-new" and store.reads == 2
    assert tokens.bot_token("T2") is None  # not installed: nothing to send with
    assert tokens.bot_token("T2") is None and store.reads == 4  # never cached
