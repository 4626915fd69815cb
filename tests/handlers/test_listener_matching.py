"""How requests find their listener: on the body alone, the busiest listeners first."""

from __future__ import annotations

import json

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher

from bot.app import BodyMatcher
from tests.slack_signing import slash_command_body

FORM = "application/x-www-form-urlencoded"


def test_built_in_matchers_are_called_with_the_body_alone(app: App) -> None:
    matchers = [m for listener in app._listeners for m in listener.matchers]
    slow = [m for m in matchers if isinstance(m, BuiltinListenerMatcher)]
    assert slow == []  # fails if a Bolt upgrade changes how listeners keep their matchers
    assert sum(isinstance(m, BodyMatcher) for m in matchers) >= len(app._listeners)


def test_a_request_matches_exactly_the_listener_it_did_before(app: App) -> None:
    """The swapped matchers answer as Bolt's own do, for a command, an event and a miss."""
    from handlers.questions import prospect_question
    from handlers.reactions import reaction_changed

    def first_match(body: str | dict[str, object]) -> str | None:
        if isinstance(body, str):  # a slash command's form body
            req = BoltRequest(body=body, headers={"content-type": FORM})
        else:
            req = BoltRequest(body=json.dumps(body), headers={"content-type": "application/json"})
        resp = BoltResponse(status=200)
        for listener in app._listeners:
            if listener.matches(req=req, resp=resp):
                return listener.ack_function.__name__
        return None

    assert first_match(slash_command_body("/prospect-question", "SSO?")) == (
        prospect_question.__name__
    )
    reaction = {
        "type": "event_callback",
        "team_id": "T0FAKE0001",
        "event": {"type": "reaction_added", "user": "U1", "reaction": "+1",
                  "item": {"type": "message", "channel": "C1", "ts": "1.2"}},
    }  # fmt: skip
    assert first_match(reaction) == reaction_changed.__name__
    assert first_match(slash_command_body("/no-such-command", "")) is None


def test_the_busiest_listeners_are_tried_first(app: App) -> None:
    names = [listener.ack_function.__name__ for listener in app._listeners]
    assert names[0] == "prospect_question"
    assert names.index("reaction_changed") <= 10  # after the question listeners
