"""The agenda message, its buttons and the reminder DM (modals and replies: meetings_forms)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.kernel.text import mrkdwn, plain, safe, section, user_mention
from bot.meetings.agenda import CAP, Entry, Section

VOTE = "agenda_vote"
DISCUSSED = "agenda_discussed"
ADD_ACTION = "agenda_add_action"
ADD_TOPIC = "agenda_add_topic"
DONE = "agenda_action_done"
KIND_NAMES = {
    "weekly": "Weekly check-in",
    "brainstorm": "Monthly brainstorm",
    "quarterly": "Quarterly strategy",
    "custom": "Custom",
}
MAX_BLOCKS = 50
CARRIED_CAP = CAP * 2


def when_text(moment: datetime) -> str:
    """'Mon 23 Nov 2026, 09:00' in the zone `moment` carries."""
    return moment.strftime("%a %d %b %Y, %H:%M")


def due_text(day: date) -> str:
    return day.strftime("%a %d %b")


def agenda_message(
    series_name: str,
    kind: str,
    meeting_local: datetime,
    sections: list[Section],
    agenda_id: int | None = None,
) -> dict[str, Any]:
    """The agenda post; without `agenda_id` (a preview) it has no buttons."""
    title = f"Agenda: {series_name} — {when_text(meeting_local)}"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(title, 150)},
        {
            "type": "context",
            "elements": [
                mrkdwn(
                    f"{KIND_NAMES.get(kind, 'Meeting')} · {safe(str(meeting_local.tzinfo), 64)}"
                    + ("" if agenda_id else " · _preview: only you can see this_")
                )
            ],
        },
    ]
    for s in sections:
        blocks.extend(_section_blocks(s, interactive=agenda_id is not None))
    if len(sections) == 0:
        blocks.append(section("_Nothing new since last time: add a topic to get started._"))
    if agenda_id is not None:
        blocks.append(
            {
                "type": "actions",
                "block_id": f"agenda-{agenda_id}",
                "elements": [
                    _button("Add a topic", ADD_TOPIC, str(agenda_id)),
                    _button("Add action item", ADD_ACTION, str(agenda_id)),
                ],
            }
        )
    if len(blocks) > MAX_BLOCKS:  # the caps keep us well under; never send an invalid message
        blocks = blocks[: MAX_BLOCKS - 1] + [section("_…more on the next update._")]
    fallback = f"Agenda: {safe(series_name, 80)} — {when_text(meeting_local)}"
    return {"text": fallback, "blocks": blocks}


def _section_blocks(s: Section, interactive: bool) -> list[dict[str, Any]]:
    more = f"\n_+{s.more} more_" if s.more else ""
    if not s.entries:
        return [section(f"*{s.title}*\n" + "\n".join(s.lines) + more)]
    cap = CAP if s.key == "topics" else CARRIED_CAP
    shown, hidden = s.entries[:cap], len(s.entries) - len(s.entries[:cap]) + s.more
    blocks = [section(f"*{s.title}*" + (f"  _+{hidden} more_" if hidden else ""))]
    for entry in shown:
        blocks.extend(_entry_blocks(entry, interactive))
    return blocks


def entry_text(entry: Entry) -> str:
    text = safe(entry.text, 300)
    if entry.kind == "action":
        owner = user_mention(entry.owner) if entry.owner else "nobody"
        due = f", due {due_text(entry.due)}" if entry.due else ""
        line = f":ballot_box_with_check: {text} — {owner}{due}"
        return f"~{line}~ :white_check_mark: done" if entry.discussed else line
    votes = (
        f" — *{entry.votes}* vote{'s' if entry.votes != 1 else ''}" if entry.kind == "topic" else ""
    )
    if entry.discussed:
        return f"~{text}~ :white_check_mark: discussed"
    return f"• {text}{votes}"


def _entry_blocks(entry: Entry, interactive: bool) -> list[dict[str, Any]]:
    block = section(entry_text(entry))
    if not interactive or entry.discussed or entry.item_id is None:
        return [block]
    if entry.kind == "action":
        block["accessory"] = _button("Done", DONE, str(entry.ref_id), style="primary")
        return [block]
    discussed = _button("Mark discussed", DISCUSSED, str(entry.item_id))
    if entry.kind != "topic":
        block["accessory"] = discussed
        return [block]
    vote = _button(f"Vote (+{entry.votes})", VOTE, str(entry.item_id), style="primary")
    return [block, {"type": "actions", "elements": [vote, discussed]}]


def _button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": plain(label, 75),
        "action_id": action_id,
        "value": value[:2000],
    }
    if style:
        button["style"] = style
    return button


def reminder_dm(text: str, series_name: str, due: date, action_id: int) -> dict[str, Any]:
    """The DM an action item's owner gets the day before it is due."""
    body = (
        f":alarm_clock: Reminder: *{safe(text, 300)}* from *{safe(series_name, 80)}* "
        f"is due {due_text(due)}."
    )
    block = section(body)
    block["accessory"] = _button("Done", DONE, str(action_id), style="primary")
    return {
        "text": f"Reminder: {safe(text, 300)} is due {due_text(due)}",
        "blocks": [block],
    }


def holiday_notice(series_name: str, day: str) -> dict[str, Any]:
    """The one line a series' channel gets instead of an agenda for a meeting on a holiday."""
    text = (
        f":palm_tree: {safe(series_name, 100)} on {day} falls on a workspace holiday: no agenda; "
        "its topics and open items carry over to the next meeting."
    )
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}
