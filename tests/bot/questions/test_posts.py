"""Prospect questions in the posts other features make: the weekly digest and the agenda."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.meetings.jobs import post_due_agendas
from bot.platform.runtime import Runtime
from storage import questions
from storage import questions_votes as question_votes
from tests.blockkit import live_mentions
from tests.bot.goals.test_digest_jobs import BEFORE_DST_END, setup_team, tick
from tests.bot.goals.test_digest_jobs import posts as digest_posts
from tests.bot.meetings.test_jobs import MEETING, POST_AT, blocks_text, setup_series
from tests.bot.meetings.test_jobs import posts as agenda_posts
from tests.conftest import TEAM
from tests.fake_slack import FakeSlack

REP, MARKETER = "U0REP00001", "U0MKT00001"


def seed(engine: Engine, at: datetime) -> tuple[int, int]:
    """An open question +1'd twice, an answered one, and a withdrawn one with more +1s."""
    with freeze_time(at), Session(engine) as session:
        hot, _ = questions.capture(session, TEAM, "k1", REP, "Do you <!channel> do SSO?")
        done, _ = questions.capture(session, TEAM, "k2", REP, "Is there an API?")
        gone, _ = questions.capture(session, TEAM, "k3", REP, "Withdrawn question?")
        assert hot.id and done.id and gone.id
        for user in ("U0REP00002", "U0REP00003"):
            question_votes.plus_one(session, TEAM, hot.id, user)
        for user in ("U0REP00002", "U0REP00003", "U0REP00004"):
            question_votes.plus_one(session, TEAM, gone.id, user)
        questions.withdraw(session, TEAM, gone.id, REP)
        questions.answer(session, TEAM, done.id, MARKETER, "Yes, REST.", None, "a1")
        return hot.id, done.id


def test_digest_shows_the_weeks_questions(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    seed(engine, BEFORE_DST_END - timedelta(days=2))
    assert tick(runtime, BEFORE_DST_END)["digest"]["submitted"] == 1
    blocks = digest_posts(slack)[0].params["blocks"]
    text = str(blocks)
    assert "Most-asked prospect questions: “Do you &lt;!channel&gt; do SSO?” (+2)" in text
    assert "Withdrawn question" not in text
    assert "Questions answered: 1" in text
    found = json.loads(blocks) if isinstance(blocks, str) else blocks
    assert live_mentions(found, allowed=(REP,)) == []  # the goal's contributor only


def test_digest_without_questions_has_no_question_lines(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    seed(engine, BEFORE_DST_END - timedelta(days=9))  # the week before
    tick(runtime, BEFORE_DST_END)
    text = str(digest_posts(slack)[0].params["blocks"])
    assert "prospect questions" not in text and "Questions answered" not in text


def test_agenda_lists_questions_since_last_time(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_series(engine)
    hot, done = seed(engine, MEETING.astimezone(UTC) - timedelta(days=3))
    with freeze_time(POST_AT):
        assert post_due_agendas(runtime, POST_AT.astimezone(UTC))["posted"] == 1
    text = blocks_text(agenda_posts(slack)[0])
    assert "Top prospect questions" in text
    assert text.index("Do you &lt;!channel&gt; do SSO? (+2)") < text.index("Is there an API?")
    assert "Withdrawn question" not in text
    assert "2 prospect questions asked" in text and "1 answered" in text
