"""The digest's content and Block Kit: limits, escaping, 0 and 60 goals, loop lines."""

from __future__ import annotations

from datetime import date

import pytest

from bot.goals.digest import (
    DigestData,
    Engagement,
    GoalFigures,
    LoopStats,
    loop_lines,
    number,
    pack,
)
from bot.goals.views.digest import LOG_PROGRESS, digest_message, preview_message
from tests.blockkit import assert_valid_message, live_mentions

TODAY = date(2026, 6, 1)
SALES, MKT = "U0SALES001", "U0MKTG0001"


def goal(
    i: int = 1, name: str = "Signed contracts", value: float = 50, **kw: object
) -> GoalFigures:
    fields: dict = dict(
        goal_id=i,
        name=name,
        unit="deals",
        target=100,
        value=value,
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        sales_owner=SALES,
        marketing_owner=MKT,
        week_change=3,
        contributors=("U0REP00001",),
    )
    fields.update(kw)
    return GoalFigures(**fields)


def text_of(message: dict) -> str:
    return "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")


def test_zero_goals_is_a_valid_digest() -> None:
    message = digest_message(DigestData(TODAY, []))
    assert_valid_message(message)
    assert "/goal new" in text_of(message)
    assert not [b for b in message["blocks"] if b["type"] == "actions"]


def test_goal_line_shows_bar_value_percent_pace_change_and_contributors() -> None:
    message = digest_message(DigestData(TODAY, [goal(value=45)]))
    assert_valid_message(message)
    text = text_of(message)
    assert "45/100 deals (45%)" in text and "▰" in text
    assert "on track" in text and "+3 this week" in text and "<@U0REP00001>" in text
    assert f"<@{SALES}>" not in text  # owners are pinged only when behind
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    assert actions[0]["elements"][0]["action_id"] == LOG_PROGRESS


def test_behind_goal_mentions_both_owners_with_a_prompt() -> None:
    text = text_of(digest_message(DigestData(TODAY, [goal(value=5)])))
    assert "behind" in text and f"<@{SALES}> <@{MKT}>" in text and "next step" in text


@pytest.mark.parametrize("count", [1, 60, 500])
def test_many_goals_with_long_hostile_names_stay_within_limits(count: int) -> None:
    name = "<!channel> <@U0EVIL0001> & " + "x" * 300
    contributors = tuple(f"U0REP{i:05d}" for i in range(12))
    goals = [
        goal(i, name=f"{name}{i}", value=i % 100, unit="<!here>", contributors=contributors)
        for i in range(count)
    ]
    data = DigestData(
        TODAY,
        goals,
        LoopStats(top_questions=[("<!everyone> pricing?", 9)], questions_answered=4),
        Engagement(3, 2),
    )
    message = digest_message(data)
    assert_valid_message(message)
    allowed = (SALES, MKT, *contributors)
    assert live_mentions(message, allowed) == []
    assert "&lt;!channel&gt;" in text_of(message)
    assert "and 7 more" in text_of(message)
    if count == 500:
        assert "/goal list" in text_of(message)  # beyond 50 blocks: pointer to the full list


def test_sixty_goals_are_all_shown() -> None:
    goals = [goal(i, name=f"Goal number {i}") for i in range(60)]
    text = text_of(digest_message(DigestData(TODAY, goals)))
    assert all(f"Goal number {i}*" in text for i in range(60))


def test_loop_lines_render_only_when_there_is_data() -> None:
    assert loop_lines(LoopStats()) == []
    empty = digest_message(DigestData(TODAY, [goal()]))
    assert "in the loop" not in str(empty)
    stats = LoopStats(
        top_questions=[("Does it do SSO?", 12), ("<b>Pricing</b>", 8)],
        questions_answered=14,
        best_assets=[("Case study", 4.8)],
        worst_assets=[("Old deck", 1.5)],
        requests_delivered=3,
        requests_open=7,
    )
    lines = loop_lines(stats)
    assert len(lines) == 6
    joined = "\n".join(lines)
    assert "“Does it do SSO?” (+12)" in joined and "&lt;b&gt;Pricing" in joined
    assert "4.8★" in joined and "1.5★" in joined and "delivered: 3" in joined
    assert "still open: 7" in joined
    assert loop_lines(LoopStats(requests_open=2)) == [
        ":hourglass_flowing_sand: Content requests still open: 2"
    ]
    full = digest_message(DigestData(TODAY, [goal()], stats))
    assert_valid_message(full)
    assert "This week in the loop" in text_of(full)


def test_engagement_and_legend() -> None:
    message = digest_message(DigestData(TODAY, [goal()], engagement=Engagement(1, 4, 2)))
    contexts = str([b for b in message["blocks"] if b["type"] == "context"])
    assert "1 marketer and 4 reps reacted (and 2 other people)" in contexts
    assert ":raised_hands: I can help" in contexts and ":warning: I see a risk" in contexts


@pytest.mark.parametrize("count", [0, 60, 500])
def test_preview_is_ephemeral_and_valid(count: int) -> None:
    goals = [
        goal(i, name=f"G{i} " + "y" * 90, contributors=("U0REP00001",) * 9) for i in range(count)
    ]
    message = preview_message(DigestData(TODAY, goals, engagement=Engagement(1, 1)))
    assert message["response_type"] == "ephemeral"
    assert_valid_message(message)
    assert message["blocks"][0]["type"] == "context"
    assert (message["blocks"][-1]["type"] == "actions") == bool(count)


def test_numbers_and_packing() -> None:
    assert number(1250) == "1,250" and number(3.5) == "3.5" and number(2.0) == "2"
    assert pack(["a" * 2000, "b" * 900, "c" * 200]) == ["a" * 2000 + "\n\n" + "b" * 900, "c" * 200]
