"""collect_inputs from real goals, digest reactions, content requests and assets, through the
builder and the Block Kit render."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.meetings.agenda import build
from bot.meetings.collect import collect_inputs
from bot.meetings.views.agenda import agenda_message
from storage.clock import utcnow
from tests.agenda_seed import BEHIND, OWNERS, seed_content, seed_goals
from tests.blockkit import assert_valid_message, live_mentions
from tests.conftest import OTHER_TEAM
from tests.meeting_helpers import make_series


def test_goals_and_content_fill_the_agenda_escaped(session: Session) -> None:
    series = make_series(session)
    now = utcnow()
    seed_goals(session, now)
    seed_content(session, now)
    since, until = now - timedelta(days=7), now + timedelta(days=1)
    inputs = collect_inputs(session, series.team_id, series, since, until)

    by_name = {g.name: g for g in inputs.goals}
    assert set(by_name) == {BEHIND, "Webinars", "Signed contracts"}  # archived one left out
    behind = by_name[BEHIND]
    assert behind.status == "behind" and behind.owners == OWNERS
    assert behind.delta == 4.0 and behind.updates == 2
    assert (behind.risks, behind.helps) == (2, 1)  # the older digest's signals do not count
    assert (by_name["Webinars"].risks, by_name["Webinars"].helps) == (1, 0)
    # Reactions on its digest (and on the other one) flag no goal: only signals do.
    assert (by_name["Signed contracts"].risks, by_name["Signed contracts"].helps) == (0, 0)
    assert inputs.since.requests_delivered == 1
    assert inputs.since.goal_updates == 4 and inputs.since.goals_moved == 3
    assert inputs.since.questions_asked == 0 and inputs.questions == []  # not merged yet

    sections = {s.key: s for s in build(inputs)}
    goals = sections["goals"].lines
    assert "Pipeline &lt;!channel&gt;" in goals[0] and ":red_circle: behind" in goals[0]
    assert "<@U0SALES001>, <@U0MKTG0001>" in goals[0] and "risk seen by 2" in goals[0]
    assert "1 can help" in goals[0] and "risk" not in goals[2] and "help" not in goals[2]
    assert "+4 since last time" in goals[0]
    assert "Webinars" in goals[1] and "Signed contracts" in goals[2]  # flagged goal moves up
    content = sections["content"].lines
    assert "Battlecard &lt;!channel&gt; (3 asking)" in content[0]
    assert "Pricing FAQ" in content[1]
    assert "Deck &lt;!channel&gt; (rated 1." in content[2] and "low confidence" in content[2]
    assert "Dusty whitepaper &lt;!here&gt; (never used)" in content[3]
    assert len(content) == 4  # the accepted request and the well-rated asset are not issues
    since_lines = "\n".join(sections["since"].lines)
    assert "1 content request delivered" in since_lines and "4 goal updates" in since_lines

    meeting = until.astimezone(ZoneInfo(series.timezone))
    message = agenda_message(series.name, series.kind, meeting, build(inputs))
    assert_valid_message(message)
    assert live_mentions(message, allowed=OWNERS) == []
    assert "<!channel>" not in json.dumps(message) and "<!here>" not in json.dumps(message)


def test_quarterly_trend_covers_the_quarter_and_leads(session: Session) -> None:
    series = make_series(session, "Quarterly", kind="quarterly")
    now = utcnow()
    seed_goals(session, now)
    inputs = collect_inputs(
        session, series.team_id, series, now + timedelta(hours=1), now + timedelta(days=1)
    )
    behind = next(g for g in inputs.goals if g.name == BEHIND)
    assert behind.delta == 4.0 and behind.updates == 2  # a quarter back, not the short window
    assert inputs.since.goal_updates == 0  # "since last time" keeps the meeting window
    sections = build(inputs)
    assert sections[0].key == "goals" and "+4 this quarter" in sections[0].lines[0]


def test_other_teams_see_none_of_it(session: Session) -> None:
    series = make_series(session, team_id=OTHER_TEAM)
    now = utcnow()
    seed_goals(session, now)
    seed_content(session, now)
    inputs = collect_inputs(
        session, OTHER_TEAM, series, now - timedelta(days=7), now + timedelta(days=1)
    )
    assert inputs.goals == [] and inputs.content == [] and inputs.since.requests_delivered == 0
