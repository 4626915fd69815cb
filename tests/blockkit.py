"""Check Block Kit output against Slack's limits with slack_sdk.models (it knows them)."""

from __future__ import annotations

import json
import re
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

# A mention or a link that mrkdwn would turn into a ping or a disguised link.
LIVE_MENTION = re.compile(r"<(!channel|!here|!everyone|@U|@W|https?://)")


def assert_valid_blocks(blocks: list[dict[str, Any]], limit: int = 50) -> None:
    """Every block parses and validates; at most `limit` blocks."""
    assert 0 < len(blocks) <= limit, f"{len(blocks)} blocks (limit {limit})"
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, f"unknown block {raw.get('type')}"
        block.validate_json()
        text = raw.get("text")
        if isinstance(text, dict):
            assert len(text.get("text", "")) <= 3000
        assert raw == json.loads(json.dumps(raw))


def assert_valid_message(message: dict[str, Any]) -> None:
    """A message has a text fallback under 4000 chars and valid blocks."""
    assert message.get("text"), "messages need a text fallback"
    assert len(message["text"]) <= 4000
    if message.get("blocks"):
        assert_valid_blocks(message["blocks"], 50)


def assert_valid_modal(view: dict[str, Any]) -> None:
    """A modal validates (title/submit/close <= 24 chars, <= 100 blocks...)."""
    View(**view).validate_json()
    assert len(view["title"]["text"]) <= 24
    assert len(view.get("private_metadata", "")) <= 3000
    assert_valid_blocks(view["blocks"], 100)


def live_mentions(payload: Any, allowed: tuple[str, ...] = ()) -> list[str]:
    """Every live mention or link in the mrkdwn/text of `payload`, except `allowed` ids/urls."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") != "plain_text":
                for key in ("text",):
                    value = node.get(key)
                    if isinstance(value, str):
                        found.extend(_mentions(value, allowed))
            for child in node.values():
                if isinstance(child, dict | list):
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(payload)
    return found


def _mentions(text: str, allowed: tuple[str, ...]) -> list[str]:
    out = []
    for match in re.finditer(r"<([^>]*)>", text):
        inner = match.group(1)
        if LIVE_MENTION.match("<" + inner) and inner.lstrip("@#!").split("|")[0] not in allowed:
            out.append(inner)
    return out
