"""A button that opens a form, clicked by someone it must refuse (or at the wrong moment),
while Slack's response_url is failing: the ack must not wait on it."""

from __future__ import annotations

from typing import Any

from tests.blockkit import assert_valid_modal
from tests.fake_slack import FakeSlack
from tests.slack_signing import SlackHTTP


def notice_of_click(http: SlackHTTP, slack: FakeSlack, payload: dict[str, Any]) -> str:
    """Send the click with every response_url answering 500; assert the 200 ack came with a
    notice modal opened on the click's own trigger and nothing posted to a response_url.
    Returns the notice's text."""
    assert payload["response_url"], "the click must carry a response_url to (not) use"
    slack.fail("response_url", status=500, times=-1)
    before = len(slack.calls_to("views.open"))
    status, _ = http.action(payload)
    assert status == 200
    assert slack.calls_to("response_url") == []
    (opened,) = slack.calls_to("views.open")[before:]
    assert opened.params["trigger_id"] == payload["trigger_id"]
    view = opened.json("view")
    assert_valid_modal(view)
    assert "submit" not in view and "callback_id" not in view  # read-only: nothing to submit
    return str(view["blocks"][0]["text"]["text"])
