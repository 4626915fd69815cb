"""The fake Slack Web API server lives in the package (bot.standin) so the demo can ship it."""

from bot.standin.fake_slack import *  # noqa: F403
from bot.standin.fake_slack import Call, FakeSlack

__all__ = ["Call", "FakeSlack"]
