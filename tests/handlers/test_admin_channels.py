"""Lockstep introduces itself once when it joins a channel."""

from __future__ import annotations

from sqlmodel import Session

from storage import workspaces
from tests.blockkit import assert_valid_message
from tests.conftest import TEAM
from tests.fake_slack import FakeSlack
from tests.slack_signing import SlackHTTP

JOINED = {
    "type": "member_joined_channel",
    "user": "U0FAKEBOT1",
    "channel": "C0TRIAGE01",
    "channel_type": "C",
    "team": TEAM,
    "inviter": "U0FAKE0001",
    "event_ts": "1700000060.000500",
}


def test_introduces_itself_once_with_the_channel_purpose(
    http: SlackHTTP, slack: FakeSlack, session: Session
) -> None:
    workspaces.update(session, TEAM, triage_channel="C0TRIAGE01")
    status, _ = http.event(JOINED, event_id="Ev0JOIN0001")
    assert status == 200
    post = slack.wait_for("chat.postMessage")[0]
    assert post.params["channel"] == "C0TRIAGE01"
    assert "triage posts" in post.params["text"]
    assert_valid_message(post.params)
    http.event(JOINED, event_id="Ev0JOIN0001", retry_num=1)  # Slack's retry
    http.event(JOINED, event_id="Ev0JOIN0002")  # removed and invited again
    slack.wait_for("auth.test")  # let lazy listeners run
    http.command("/lockstep", "roles")  # a round trip so both lazy runs have finished
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_other_people_joining_is_ignored(http: SlackHTTP, slack: FakeSlack) -> None:
    http.event({**JOINED, "user": "U0SOMEONE1"})
    http.event({**JOINED, "user": "U0FAKEBOT1", "channel": "C0OTHER001"})
    post = slack.wait_for("chat.postMessage")[0]
    assert post.params["channel"] == "C0OTHER001"
    assert "/lockstep config" in post.params["text"]
    assert len(slack.calls_to("chat.postMessage")) == 1
