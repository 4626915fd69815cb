"""The suite-wide mention scan (tests/mention_scan.py) catches what it must and nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.kernel.text import escape
from storage import questions
from tests.conftest import TEAM
from tests.fake_slack import Call, FakeSlack
from tests.mention_scan import MentionGuard, tokens
from tests.slack_signing import (
    SlackHTTP,
    block_action_payload,
    message_action_payload,
    view_submission_payload,
)

ISSUE_WHAT = "Comparison sheet for the <!channel> review, ask <@U0FAKE0002>"


def call(method: str, **params: Any) -> Call:
    return Call(method, params, {}, f"/api/{method}", 0.0)


def typed_in_modal(guard: MentionGuard, text: str) -> None:
    values = {"what": {"value": {"type": "plain_text_input", "value": text}}}
    guard.payload(view_submission_payload("content_request", values))


def test_tokens_are_every_control_sequence() -> None:
    text = "a <!here> b <@U1|x> <<https://e.example|bank> &lt;!channel&gt; <unclosed"
    assert list(tokens(text)) == ["<!here>", "<@U1|x>", "<https://e.example|bank>"]


def test_the_issue_post_as_main_sent_it_is_caught() -> None:
    """The content-request triage post with the text raw in its fallback (issue 20)."""
    guard = MentionGuard()
    typed_in_modal(guard, ISSUE_WHAT)
    raw = call("chat.postMessage", text=f"Content request #1 (submitted): {ISSUE_WHAT}")
    leaks = guard.leaks([raw])
    assert len(leaks) == 2 and "<!channel>" in leaks[0] and "<@U0FAKE0002>" in leaks[1]
    fixed = call("chat.update", text=f"Content request #1 (accepted): {escape(ISSUE_WHAT)}")
    assert guard.leaks([fixed]) == []


@pytest.mark.parametrize(
    "blocks",
    [
        [{"type": "section", "text": {"type": "mrkdwn", "text": "x <!here>"}}],
        [{"type": "section", "fields": [{"type": "mrkdwn", "text": "<!everyone>"}]}],
        [{"type": "context", "elements": [{"type": "mrkdwn", "text": "<!subteam^S1>"}]}],
        json.dumps([{"type": "section", "text": {"type": "mrkdwn", "text": "<!channel|ch>"}}]),
    ],
)
def test_broadcasts_are_caught_in_every_mrkdwn_object(blocks: Any) -> None:
    """Section text and fields, context elements, blocks sent as a JSON form field."""
    guard = MentionGuard()
    assert len(guard.leaks([call("chat.postMessage", text="ok", blocks=blocks)])) == 1
    assert len(guard.leaks([call("response_url", text="ok", blocks=blocks)])) == 1


def test_plain_text_and_other_methods_are_not_scanned() -> None:
    guard = MentionGuard()
    header = [{"type": "header", "text": {"type": "plain_text", "text": "<!channel>"}}]
    assert guard.leaks([call("chat.postMessage", text="ok", blocks=header)]) == []
    assert guard.leaks([call("views.publish", view={"blocks": []}, text="<!here>")]) == []
    assert guard.leaks([call("users.info", text="<!here>")]) == []


def test_lockstep_mentions_and_links_pass_typed_ones_fail() -> None:
    guard = MentionGuard()
    typed_in_modal(guard, "ask <@U0FAKE0002> see <https://evil.example|bank>")
    own = "<@U0REP00001> rated <https://example.com/deck|Deck> 5/5"
    assert guard.leaks([call("chat.postMessage", text=own)]) == []
    echoed = "ask <@U0FAKE0002> see <https://evil.example|bank>"
    assert len(guard.leaks([call("chat.postMessage", text=echoed)])) == 2


def test_people_picked_in_an_escaping_command_are_arguments() -> None:
    """/lockstep has should_escape: Slack writes a picked person as <@U…|name>, typed angle
    brackets as &lt;…&gt;."""
    guard = MentionGuard()
    guard.command("/lockstep", "role <@U0MKT00001> marketer")
    assert guard.leaks([call("response_url", text="<@U0MKT00001> is now a marketer.")]) == []
    guard.command("/lockstep", "role &lt;@U0BOSS0001&gt; marketer")
    assert len(guard.leaks([call("response_url", text="<@U0BOSS0001> is now a marketer.")])) == 1
    # Without should_escape the raw text is what the person typed.
    guard.command("/agenda", "add Weekly <@U0MKT00002>")
    assert len(guard.leaks([call("chat.postMessage", text="Added <@U0MKT00002>")])) == 1


def test_shortcut_and_event_text_count_as_typed_but_a_bot_message_does_not() -> None:
    guard = MentionGuard()
    guard.payload(message_action_payload("log_prospect_question", "hi &lt;@U0AAA00001&gt;"))
    guard.payload({"event": {"type": "message", "text": "hey <@U0BBB00002>"}})
    bot_post = {"type": "section", "text": {"type": "mrkdwn", "text": "<@U0CCC00003>"}}
    message = {"text": "<@U0CCC00003>", "blocks": [bot_post]}
    guard.payload(block_action_payload("vote", "1", message=message))
    assert guard.tainted() == {"<@U0AAA00001>", "<@U0BBB00002>"}


def test_http_answers_are_scanned_view_actions_are_not() -> None:
    guard = MentionGuard()
    guard.ack("/asset", {"response_type": "ephemeral", "text": "Assets: <!channel>"})
    guard.ack("view_submission", {"response_action": "errors", "errors": {"a": "<!here>"}})
    assert [leak.split(":")[0] for leak in guard.leaks([])] == ["HTTP answer to /asset text"]


HOME = {
    "type": "home",
    "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "<!channel>"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "ask <@U0FAKE0002> <!here>"}},
    ],
}


@pytest.mark.parametrize("method", ["views.publish", "views.open", "views.update", "views.push"])
def test_mrkdwn_in_views_is_scanned(method: str) -> None:
    """Home and modals notify nobody, but their mrkdwn renders a typed mention or link."""
    guard = MentionGuard()
    typed_in_modal(guard, "ask <@U0FAKE0002>")
    leaks = guard.leaks([call(method, view=json.dumps(HOME))])
    assert len(leaks) == 2 and "<@U0FAKE0002>" in leaks[0] and "<!here>" in leaks[1]
    assert method in leaks[0] and "view.blocks[1].text" in leaks[0]


def test_plain_text_in_views_and_their_input_values_are_not_scanned() -> None:
    guard = MentionGuard()
    typed_in_modal(guard, "ask <@U0FAKE0002>")
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "<!here>"},
        "blocks": [
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "<!channel>"},
                "element": {"type": "plain_text_input", "initial_value": "<@U0FAKE0002>"},
            }
        ],
    }
    assert guard.leaks([call("views.open", view=modal)]) == []


def test_a_view_submissions_update_and_push_views_are_scanned() -> None:
    guard = MentionGuard()
    guard.ack("view_submission", {"response_action": "update", "view": HOME})
    guard.ack("view_submission", {"response_action": "push", "view": json.dumps(HOME)})
    leaks = guard.leaks([])
    assert len(leaks) == 2 and all(
        leak.startswith("HTTP answer to view_submission") for leak in leaks
    )


def test_double_escaping_is_caught_unless_the_entity_was_typed() -> None:
    guard = MentionGuard()
    twice = call("chat.postMessage", text="R&amp;amp;D &amp;lt;b&amp;gt;")
    assert len(guard.leaks([twice])) == 3
    typed_in_modal(guard, "the &amp; entity, &lt;b&gt; and &gt;")
    assert guard.leaks([twice]) == []


def test_commands_without_a_response_url_get_one_on_the_fake(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    """Slack always sends a response_url: the harness gives one, so respond() posts are
    recorded and scanned like the rest."""
    with Session(engine) as session:
        questions.capture(session, TEAM, "k1", "U0REP00002", "Do you support SSO with Okta?")
    http.command("/prospect-question", "Do you support SSO with Okta today?", user_id="U0REP00001")
    (similar,) = slack.wait_for("response_url")
    assert "Questions like" in similar.params["text"]
