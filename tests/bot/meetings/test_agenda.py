"""The agenda builder: ranking, kind emphasis, empty sections left out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.meetings.agenda import (
    CAP,
    AgendaInputs,
    Entry,
    SinceLastTime,
    build,
    rank_content,
    rank_goals,
    rank_questions,
    rank_topics,
)
from bot.meetings.lines import ContentItem, GoalItem, QuestionItem

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def q(id: int, plus: int, answered: bool = False, days: int = 0) -> QuestionItem:
    return QuestionItem(id, f"question {id}", plus, answered, T0 + timedelta(days=days))


def test_questions_unanswered_first_then_plus_ones_then_recency() -> None:
    items = [q(1, 9, answered=True), q(2, 1, days=1), q(3, 5), q(4, 1, days=3), q(5, 0)]
    assert [x.id for x in rank_questions(items)] == [3, 4, 2, 5, 1]


def test_goals_behind_and_at_risk_first_and_flags_raise_goals() -> None:
    goals = [
        GoalItem("Alpha", "on_track"),
        GoalItem("Beta", "on_track", risks=2),
        GoalItem("Gamma", "at_risk"),
        GoalItem("Delta", "behind"),
        GoalItem("Eps", "on_track", risks=1, helps=3),
        GoalItem("Done", "done"),
    ]
    assert [g.name for g in rank_goals(goals)] == ["Delta", "Gamma", "Beta", "Eps", "Alpha", "Done"]


def test_content_waiting_requests_then_lowest_resonance_then_unused_assets() -> None:
    items = [
        ContentItem(1, "Deck", "asset", resonance=4.5, uses=10),
        ContentItem(2, "Battlecard", "request", waiting=True, demand=1),
        ContentItem(3, "Old PDF", "asset", resonance=2.0, uses=0),
        ContentItem(4, "Delivered one", "request", waiting=False),
        ContentItem(5, "Case study", "asset", resonance=1.5, uses=3),
        ContentItem(6, "Forgotten", "asset", uses=2, unused=True),
        ContentItem(7, "Never used", "asset", uses=0, unused=True),
        ContentItem(8, "ROI sheet", "request", waiting=True, demand=3),
        ContentItem(9, "Pricing FAQ", "request", waiting=True, demand=1),
    ]
    assert [c.id for c in rank_content(items)] == [8, 2, 9, 5, 3, 1, 7, 6]


def test_content_lines_say_demand_confidence_and_disuse() -> None:
    lines = build(
        AgendaInputs(
            content=[
                ContentItem(1, "ROI sheet", "request", waiting=True, demand=3),
                ContentItem(2, "Deck", "asset", resonance=1.5, uses=4, confidence="low"),
                ContentItem(3, "Video", "asset", uses=2, unused=True),
            ]
        )
    )[0].lines
    assert "ROI sheet (3 asking)" in lines[0]
    assert "Deck (rated 1.5, low confidence, used 4×)" in lines[1]
    assert "Video (used 2×, none in the last 60 days)" in lines[2]


def test_topics_by_votes_then_oldest() -> None:
    topics = [
        Entry("topic", 1, "a", votes=1, created_at=T0 + timedelta(hours=2)),
        Entry("topic", 2, "b", votes=3, created_at=T0),
        Entry("topic", 3, "c", votes=1, created_at=T0),
    ]
    assert [t.ref_id for t in rank_topics(topics)] == [2, 3, 1]


def full_inputs(kind: str) -> AgendaInputs:
    return AgendaInputs(
        kind=kind,
        since=SinceLastTime(questions_asked=4, questions_answered=2),
        questions=[q(1, 2)],
        goals=[GoalItem("Pipeline", "behind", ("U0SALES001",), delta=-3)],
        content=[ContentItem(1, "Battlecard", "request", waiting=True)],
        topics=[Entry("topic", 1, "Pricing")],
        carried=[Entry("note", None, "Old item")],
        voices={"sales": "U0SALES001", "marketing": "U0MKTG0001"},
    )


def keys(kind: str) -> list[str]:
    return [s.key for s in build(full_inputs(kind))]


def test_each_kind_has_its_emphasis() -> None:
    assert keys("weekly")[0] == "since"
    assert keys("brainstorm")[:2] == ["questions", "content"]
    assert keys("quarterly")[0] == "goals"
    assert keys("custom") == keys("weekly")


def test_quarterly_shows_goal_trend_over_the_quarter() -> None:
    goals = next(s for s in build(full_inputs("quarterly")) if s.key == "goals")
    assert "-3 this quarter" in goals.lines[0]
    weekly = next(s for s in build(full_inputs("weekly")) if s.key == "goals")
    assert "since last time" in weekly.lines[0]


def test_goal_line_shows_progress_and_no_change() -> None:
    goal = GoalItem("Pipeline", "on_track", delta=0.0, progress=0.625, updates=0)
    (section,) = build(AgendaInputs(goals=[goal]))
    assert "(62% of target, no change since last time)" in section.lines[0]
    big = GoalItem("Revenue", "on_track", delta=1250000.5)
    (section,) = build(AgendaInputs(goals=[big]))
    assert "+1,250,000.5 since last time" in section.lines[0]


def test_sections_without_data_are_left_out() -> None:
    assert build(AgendaInputs()) == []
    only_topics = build(AgendaInputs(topics=[Entry("topic", 1, "x")]))
    assert [s.key for s in only_topics] == ["topics"]


def test_sections_are_capped_with_more() -> None:
    inputs = AgendaInputs(questions=[q(i, i) for i in range(1, 12)])
    (section,) = build(inputs)
    assert len(section.lines) == CAP and section.more == 11 - CAP
    assert "question 11" in section.lines[0]


def test_user_text_is_escaped() -> None:
    inputs = AgendaInputs(questions=[QuestionItem(1, "<!channel> & <@U123>", 0, False, T0)])
    (section,) = build(inputs)
    assert "<!channel>" not in section.lines[0] and "&lt;!channel&gt; &amp;" in section.lines[0]


def test_since_last_time_counts_read_naturally() -> None:
    one = build(AgendaInputs(since=SinceLastTime(1, 0, 1, 1, 1)))[0]
    assert one.lines == (
        "• 1 prospect question asked",
        "• 1 content request delivered",
        "• 1 topic added",
        "• 1 action item done",
    )
    two = build(AgendaInputs(since=SinceLastTime(2, 2, 0, 3, 0)))[0]
    assert two.lines == ("• 2 prospect questions asked", "• 2 answered", "• 3 topics added")
