"""The shared replies are valid Block Kit within Slack's limits."""

from __future__ import annotations

from bot.kernel.messages import notice_modal, refusal
from tests.blockkit import assert_valid_modal


def test_the_notice_modal_is_valid_and_read_only() -> None:
    modal = notice_modal(refusal("marketers"))
    assert_valid_modal(modal)
    assert "submit" not in modal and modal["close"]["text"] == "OK"
    assert refusal("marketers") in modal["blocks"][0]["text"]["text"]
