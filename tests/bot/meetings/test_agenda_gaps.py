"""The brainstorm agenda shows the kept knowledge gaps after its top questions; others do not."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from bot.gaps import report
from bot.meetings.agenda import build
from bot.meetings.collect import collect_inputs
from bot.meetings.views.agenda import agenda_message
from storage import questions as store
from storage.clock import utcnow
from tests.blockkit import assert_valid_message, live_mentions
from tests.conftest import TEAM
from tests.meeting_helpers import make_series


def test_the_brainstorm_agenda_lists_the_gaps_escaped(session: Session) -> None:
    for n, text in enumerate(("Okta <!here> SSO?", "Okta login?", "Okta groups?")):
        store.capture(session, TEAM, f"k{n}", "U0REP00001", text, tags=None)
    store.capture(session, TEAM, "t1", "U0REP00001", "Volume deals?", tags="<b>pricing")
    store.capture(session, TEAM, "t2", "U0REP00002", "Seat prices?", tags="<b>pricing")
    now = utcnow()
    since, until = now - timedelta(days=30), now + timedelta(hours=1)
    brainstorm = make_series(session, "Brainstorm", kind="brainstorm")
    assert collect_inputs(session, TEAM, brainstorm, since, until).gaps == []  # none kept yet
    report.build(session.get_bind().engine, TEAM, 90, now)  # type: ignore[union-attr]
    inputs = collect_inputs(session, TEAM, brainstorm, since, until)
    assert any("*okta* (word)" in line for line in inputs.gaps)
    assert any("&lt;b&gt;pricing" in line for line in inputs.gaps)
    sections = build(inputs)
    assert [s.key for s in sections][:2] == ["questions", "gaps"]
    message = agenda_message("Brainstorm", "brainstorm", now, sections, 1)
    assert_valid_message(message)
    assert live_mentions(message, ("U0SALES001", "U0MKTG0001")) == []  # only the voices
    weekly = make_series(session, "Weekly sync 2")
    assert collect_inputs(session, TEAM, weekly, since, until).gaps == []
