"""Agenda Block Kit: within 50 blocks at full load, valid by slack_sdk.models, user text escaped."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.meetings.agenda import AgendaInputs, Entry, SinceLastTime, build
from bot.meetings.lines import ContentItem, GoalItem, QuestionItem
from bot.meetings.views import agenda as views
from bot.meetings.views import forms
from tests.blockkit import assert_valid_message, assert_valid_modal, live_mentions

EVIL = "<!channel> <@U0EVIL0001> <https://evil.example|bank> & " + "x" * 400
MEETING = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def loaded(kind: str = "weekly") -> AgendaInputs:
    many = range(1, 40)
    return AgendaInputs(
        kind=kind,
        since=SinceLastTime(5, 3, 2, 4, 1),
        questions=[QuestionItem(i, EVIL, i, False, T0) for i in many],
        goals=[GoalItem(EVIL, "behind", ("U0SALES001",), 1.5, 2) for _ in many],
        content=[ContentItem(i, EVIL, "asset", resonance=1.0) for i in many],
        topics=[Entry("topic", i, EVIL, votes=i) for i in many],
        carried=[Entry("note", i, EVIL) for i in many],
        actions=[Entry("action", i, EVIL, owner="U0MKTG0001", due=date(2026, 12, 1)) for i in many],
        voices={"sales": "U0SALES001", "marketing": "U0MKTG0001"},
    )


def with_ids(inputs: AgendaInputs) -> list:
    sections = build(inputs)
    out = []
    for s in sections:
        entries = tuple(
            Entry(e.kind, e.ref_id, e.text, e.votes, owner=e.owner, due=e.due, item_id=n + 1)
            for n, e in enumerate(s.entries)
        )
        out.append(type(s)(s.key, s.title, s.lines, entries, s.more))
    return out


def test_full_agenda_fits_in_50_valid_blocks_for_every_kind() -> None:
    for kind in ("weekly", "brainstorm", "quarterly", "custom"):
        message = views.agenda_message(EVIL, kind, MEETING, with_ids(loaded(kind)), agenda_id=7)
        assert_valid_message(message)
        assert len(message["blocks"]) <= 50
        allowed = ("U0SALES001", "U0MKTG0001")
        assert live_mentions(message, allowed=allowed) == []
        assert "&lt;!channel&gt;" in str(message["blocks"])
        assert "<!channel>" not in message["text"]
        assert "+34 more" in str(message["blocks"])  # 39 topics, 5 shown


def test_preview_has_no_buttons_and_discussed_items_none() -> None:
    preview = views.agenda_message("Sync", "weekly", MEETING, build(loaded()))
    assert_valid_message(preview)
    assert '"button"' not in str(preview).replace("'", '"')
    sections = with_ids(AgendaInputs(topics=[Entry("topic", 1, "Done one")]))
    done = sections[0].entries[0]
    sections[0] = type(sections[0])(
        "topics",
        "T",
        entries=(Entry("topic", 1, "Done one", item_id=done.item_id, discussed=True),),
    )
    message = views.agenda_message("Sync", "weekly", MEETING, sections, agenda_id=1)
    assert "~Done one~" in str(message["blocks"])
    assert views.VOTE not in str(message["blocks"])


def test_empty_agenda_still_valid() -> None:
    assert_valid_message(views.agenda_message("Sync", "weekly", MEETING, [], agenda_id=1))


def test_reminder_dm_is_valid_and_escaped() -> None:
    message = views.reminder_dm(EVIL, EVIL, date(2026, 12, 1), 5)
    assert_valid_message(message)
    assert live_mentions(message) == []


def test_modals_are_valid() -> None:
    assert_valid_modal(forms.setup_modal("Europe/Paris"))
    assert_valid_modal(forms.topic_modal(3))
    assert_valid_modal(forms.action_modal(3))
