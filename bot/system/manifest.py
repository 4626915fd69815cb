"""The Slack app manifest, made from the code: Socket Mode, or HTTP mode with every request URL
(and the OAuth redirect URL when "Add to Slack" is on). `lockstep manifest` prints it;
manifest.yml (README's Socket Mode set-up) is this module's Socket Mode manifest."""

from __future__ import annotations

import copy
from typing import Any

from bot.platform.scopes import SCOPES

EVENTS_PATH = "/slack/events"
REDIRECT_PATH = "/slack/oauth_redirect"

COMMANDS: list[tuple[str, str, str, bool]] = [  # command, description, usage hint, escape
    ("/lockstep", "Lockstep help, settings and roles",
     "help | config triage-channel #channel | role @user marketer | away <from> [to]", True),
    ("/asset", "The marketing asset catalog with resonance scores",
     "add | list [words] | unused | edit 12 | retire 12", False),
    ("/asset-feedback", "Tell marketing how an asset worked with a prospect",
     "[asset title words]", False),
    ("/content-request", "Ask marketing for content you need (list shows the queue)",
     "[list]", False),
    ("/goal", "Shared goals of sales and marketing",
     "new | update <goal> <value | +change> [note] | list", False),
    ("/agenda", "Meeting series with auto-built agendas",
     "setup | list | add <series> <topic> | preview <series> | skip <series> <date>", False),
    ("/prospect-question", "Log what a prospect asked (or search answered questions)",
     "<question> | search <terms> | edit <number> <text> | withdraw <number>", False),
]  # fmt: skip
EVENTS = [
    "app_uninstalled",
    "app_home_opened",
    "member_joined_channel",
    "reaction_added",
    "reaction_removed",
    "user_change",
    "tokens_revoked",
]
LONG_DESCRIPTION = (
    "Lockstep keeps sales and marketing in one feedback loop inside Slack. Reps log the "
    "questions prospects ask, rate the marketing content they use and request what is missing; "
    "marketers answer, triage and prioritise, and every status change goes back to the rep. "
    "Leaders set shared goals; Lockstep posts a weekly shared-goal digest and builds the agenda "
    "of every cross-team meeting from what actually happened."
)

_SOCKET_MODE: dict[str, Any] = {
    "_metadata": {"major_version": 1, "minor_version": 1},
    "display_information": {
        "name": "Lockstep",
        "description": "One feedback loop for sales and marketing.",
        "long_description": LONG_DESCRIPTION,
        "background_color": "#2c3e50",
    },
    "features": {
        "app_home": {
            "home_tab_enabled": True,
            "messages_tab_enabled": True,
            "messages_tab_read_only_enabled": True,
        },
        "bot_user": {"display_name": "Lockstep", "always_online": True},
        "slash_commands": [
            {"command": c, "description": d, "usage_hint": u, "should_escape": e}
            for c, d, u, e in COMMANDS
        ],
        "shortcuts": [
            {
                "name": "Log prospect question",
                "type": "message",
                "callback_id": "log_prospect_question",
                "description": "Log this message as a prospect question for marketing",
            },
            {
                "name": "Use as answer",
                "type": "message",
                "callback_id": "use_as_answer",
                "description": "Marketers - make this reply the answer to the question in its "
                "triage post",
            },
        ],
    },
    "oauth_config": {"scopes": {"bot": sorted(SCOPES)}},
    "settings": {
        "event_subscriptions": {"bot_events": EVENTS},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": True,
        "token_rotation_enabled": False,
    },
}


def manifest(http_base: str | None = None, oauth: bool = False) -> dict[str, Any]:
    """Socket Mode's manifest, or (with `http_base`, e.g. https://lockstep.example.com) HTTP
    mode's: every request URL on it, and with `oauth` the "Add to Slack" redirect URL."""
    result = copy.deepcopy(_SOCKET_MODE)
    if http_base is None:
        return result
    events = http_base.rstrip("/") + EVENTS_PATH
    settings = result["settings"]
    settings["socket_mode_enabled"] = False
    settings["interactivity"]["request_url"] = events
    settings["event_subscriptions"]["request_url"] = events
    for command in result["features"]["slash_commands"]:
        command["url"] = events
    if oauth:
        result["oauth_config"]["redirect_urls"] = [http_base.rstrip("/") + REDIRECT_PATH]
    return result
