"""Reading modal state exactly as Slack sends it (keyed by each element's own action_id)."""

from __future__ import annotations

from bot.assets.views.catalog import ASSET_SELECT
from bot.kernel.forms import INPUT, state_value


def test_select_state_is_keyed_by_its_own_action_id() -> None:
    option = {"text": {"type": "plain_text", "text": "SSO"}, "value": "7"}
    values = {"asset": {ASSET_SELECT: {"type": "external_select", "selected_option": option}}}
    assert state_value(values, "asset") == "7"


def test_text_date_user_and_empty() -> None:
    values = {
        "t": {INPUT: {"type": "plain_text_input", "value": "  hi "}},
        "d": {INPUT: {"type": "datepicker", "selected_date": "2026-12-01"}},
        "u": {INPUT: {"type": "users_select", "selected_user": "U1"}},
        "e": {INPUT: {"type": "plain_text_input", "value": None}},
    }
    assert [state_value(values, b) for b in "tdue"] == ["hi", "2026-12-01", "U1", None]
    assert state_value(values, "missing") is None
