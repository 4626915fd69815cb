"""The Home tab shows a stale answer as such and a retired one not at all."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import questions, roles
from storage import questions_review as reviews
from storage.clock import utcnow
from storage.models import Answer
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack
from tests.handlers.test_home import opened, published_for
from tests.slack_signing import SlackHTTP


def test_rep_sees_a_stale_answer_flagged_and_a_retired_one_gone(
    http: SlackHTTP, slack: FakeSlack, session: Session
) -> None:
    rep = "U0REP00001"
    roles.grant(session, TEAM, rep, "rep", ADMIN)
    stale, _ = questions.capture(session, TEAM, "k1", rep, "Is there an API?")
    retired, _ = questions.capture(session, TEAM, "k2", rep, "Do you support SSO?")
    assert stale.id is not None and retired.id is not None
    old, _ = questions.answer(session, TEAM, stale.id, ADMIN, "Yes, REST.", None, "a1")
    gone, _ = questions.answer(session, TEAM, retired.id, ADMIN, "Only SAML.", None, "a2")
    row = session.get(Answer, old.id)
    assert row is not None and gone.id is not None
    row.review_by = utcnow() - timedelta(days=1)
    session.add(row)
    reviews.retire(session, TEAM, gone.id, ADMIN)
    session.commit()
    http.event(opened(rep))
    home = str(published_for(slack, rep))
    assert "Yes, REST." in home and "not verified since" in home
    assert "Only SAML." not in home and "waiting for an answer" in home


def test_marketers_see_the_kept_knowledge_gaps(
    http: SlackHTTP, slack: FakeSlack, session: Session, engine: Engine
) -> None:
    from bot.gaps import report

    marketer = "U0MKT00001"
    roles.grant(session, TEAM, marketer, "marketer", ADMIN)
    http.event(opened(marketer))
    assert "No knowledge gaps worked out yet" in str(published_for(slack, marketer))
    for n, text in enumerate(("Okta <b> SSO?", "Okta login?", "Okta groups?")):
        questions.capture(session, TEAM, f"k{n}", "U0REP00001", text)
    report.build(engine, TEAM, 90, utcnow())
    http.event(opened(marketer))
    home = str(published_for(slack, marketer, 2))
    assert "Knowledge gaps (90 days)" in home and "*okta* (word)" in home
