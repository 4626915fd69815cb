"""Block Kit as a person would read it in a terminal, and links to Slack's Block Kit Builder."""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

BUILDER = "https://app.slack.com/block-kit-builder/#"


def builder_link(blocks: list[dict[str, Any]], modal: bool = False) -> str:
    """A link that opens `blocks` in Slack's Block Kit Builder."""
    surface: dict[str, Any] = {"blocks": blocks}
    if modal:
        surface = {"type": "modal", "title": {"type": "plain_text", "text": "Preview"}, **surface}
    return BUILDER + urllib.parse.quote(json.dumps(surface, separators=(",", ":")))


EMOJI = {
    "white_check_mark": "✅",
    "warning": "⚠️",
    "lock": "🔒",
    "wave": "👋",
    "thinking_face": "🤔",
    "hourglass": "⏳",
    "eyes": "👀",
    "raised_hands": "🙌",
    "question": "❓",
    "bulb": "💡",
    "tada": "🎉",
    "memo": "📝",
    "chart_with_upwards_trend": "📈",
    "calendar": "📅",
    "+1": "👍",
    "mag": "🔍",
    "bell": "🔔",
    "inbox_tray": "📥",
    "speech_balloon": "💬",
    "star": "⭐",
    "hammer_and_wrench": "🛠️",
    "package": "📦",
    "x": "❌",
    "speaking_head_in_silhouette": "🗣️",
    "pushpin": "📌",
    "white_circle": "⚪",
    "dart": "🎯",
    "spiral_calendar_pad": "🗓️",
    "large_green_circle": "🟢",
    "large_yellow_circle": "🟡",
    "red_circle": "🔴",
    "large_orange_circle": "🟠",
    "raising_hand": "🙋",
    "microphone": "🎤",
    "arrow_right_hook": "↪️",
    "ballot_box_with_check": "☑️",
    "ballot_box": "🗳️",
    "information_source": "ℹ️",
    "file_cabinet": "🗄️",
    "point_right": "👉",
    "link": "🔗",
    "wastebasket": "🗑️",
    "pencil2": "✏️",
}


def mrkdwn_to_text(text: str, names: dict[str, str]) -> str:
    """Show mentions by name, emoji as emoji, and decode Slack's three entities."""
    text = re.sub(r":([a-z0-9_+-]+):", lambda m: EMOJI.get(m[1], m[0]), text)
    text = re.sub(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", lambda m: "@" + names.get(m[1], m[1]), text)
    text = re.sub(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>", lambda m: "#" + names.get(m[1], m[1]), text)
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(obj: Any, names: dict[str, str]) -> str:
    if isinstance(obj, dict):
        return mrkdwn_to_text(str(obj.get("text", "")), names)
    return ""


def render_blocks(blocks: list[dict[str, Any]], names: dict[str, str]) -> list[str]:
    """One or more lines per block."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(_text(block.get("text"), names).upper())
        elif kind == "section":
            if block.get("text"):
                lines.extend(_text(block["text"], names).splitlines())
            for f in block.get("fields", []):
                lines.append("  " + _text(f, names).replace("\n", " "))
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                lines.append(f"  [{_text(accessory.get('text'), names)}]")
        elif kind == "context":
            lines.append("  " + " · ".join(_text(e, names) for e in block.get("elements", [])))
        elif kind == "actions":
            buttons = [
                f"[{_text(e.get('text'), names) or e.get('placeholder', {}).get('text', '…')}]"
                for e in block.get("elements", [])
            ]
            lines.append("  " + " ".join(buttons))
        elif kind == "divider":
            lines.append("  ────────")
        elif kind == "input":
            lines.append(f"  {_text(block.get('label'), names)}: ____")
        elif kind == "image":
            lines.append(f"  [image: {block.get('alt_text', '')}]")
    return lines


def render_message(payload: dict[str, Any], names: dict[str, str]) -> list[str]:
    blocks = payload.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if blocks:
        return render_blocks(blocks, names)
    return mrkdwn_to_text(str(payload.get("text", "")), names).splitlines()
