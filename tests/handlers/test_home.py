"""The Home tab: published on open, fits the role, refreshed after the person acts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from storage import content_requests, people, roles
from tests.blockkit import assert_valid_blocks, live_mentions
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack
from tests.goal_fixtures import MKT, make_goal
from tests.slack_signing import SlackHTTP


def opened(user: str) -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME0001",
        "tab": "home",
        "event_ts": "1700000100.000100",
    }


def published_for(slack: FakeSlack, user: str, count: int = 1) -> dict[str, Any]:
    calls = slack.wait_for("views.publish", count, where=lambda c: c.params.get("user_id") == user)
    view = calls[-1].json("view")
    assert view["type"] == "home"
    assert_valid_blocks(view["blocks"], 100)
    return dict(view)


def test_home_fits_the_role(http: SlackHTTP, slack: FakeSlack, session: Session) -> None:
    roles.grant(session, TEAM, "U0MKT00001", "marketer", ADMIN)
    http.event(opened("U0MKT00001"))
    assert "You're a marketer" in str(published_for(slack, "U0MKT00001"))
    http.event(opened("U0NEW00001"))
    assert "Ask an admin for a role" in str(published_for(slack, "U0NEW00001"))


def test_home_is_refreshed_after_the_person_acts(http: SlackHTTP, slack: FakeSlack) -> None:
    http.event(opened(ADMIN))
    published_for(slack, ADMIN, 1)
    http.command("/lockstep", "roles", user_id=ADMIN)
    published_for(slack, ADMIN, 2)


def test_no_refresh_for_people_who_never_opened_home(http: SlackHTTP, slack: FakeSlack) -> None:
    http.command("/lockstep", "roles", user_id="U0QUIET001")
    http.event(opened(ADMIN))
    published_for(slack, ADMIN)
    assert all(c.params.get("user_id") != "U0QUIET001" for c in slack.calls_to("views.publish"))


def test_messages_tab_is_not_the_home(http: SlackHTTP, slack: FakeSlack) -> None:
    http.event({**opened(ADMIN), "tab": "messages"})
    http.event(opened("U0OTHER001"))
    published_for(slack, "U0OTHER001")
    assert all(c.params.get("user_id") != ADMIN for c in slack.calls_to("views.publish"))


def test_marketer_sees_queue_and_scores_rep_sees_own_requests(
    http: SlackHTTP, slack: FakeSlack, session: Session
) -> None:
    from storage import assets, content_requests

    roles.grant(session, TEAM, "U0MKT00001", "marketer", ADMIN)
    assets.add(
        session,
        TEAM,
        "U0MKT00001",
        title="SSO <!channel> whitepaper",
        url="https://example.com/sso",
        kind="whitepaper",
        stage="consideration",
        owner_id="U0MKT00001",
    )
    content_requests.create(session, TEAM, "req-1", "U0REP00001", what="Okta SSO one-pager")
    http.event(opened("U0MKT00001"))
    marketer = str(published_for(slack, "U0MKT00001"))
    assert "Asset scores" in marketer and "SSO &lt;!channel&gt; whitepaper" in marketer
    assert "Content requests by priority" in marketer and "Okta SSO one-pager" in marketer
    assert "Add an asset" in marketer
    http.event(opened("U0REP00001"))
    rep = str(published_for(slack, "U0REP00001"))
    assert "Your content requests" in rep and "Okta SSO one-pager" in rep and "submitted" in rep
    assert "Asset scores" not in rep and "Add an asset" not in rep


def test_start_buttons_open_the_forms(http: SlackHTTP, slack: FakeSlack) -> None:
    from tests.slack_signing import block_action_payload

    http.action(block_action_payload("home_start:request", user_id="U0REP00001"))
    view = slack.wait_for("views.open")[0].json("view")
    assert view["callback_id"] == "content_request"


def test_leader_sees_goal_pace_and_next_meetings(
    http: SlackHTTP, slack: FakeSlack, session: Session
) -> None:
    from datetime import timedelta

    from storage import goals
    from storage.clock import utcnow
    from storage.models.goals import GoalInput
    from tests.meeting_helpers import make_series

    today = utcnow().date()
    roles.grant(session, TEAM, "U0LEAD0001", "leader", ADMIN)
    goals.create(
        session,
        TEAM,
        GoalInput(
            "Signed <!here> contracts",
            "deals",
            40.0,
            today - timedelta(days=10),
            today + timedelta(days=50),
            "U0REP00001",
            "U0MKT00001",
            None,
        ),
        "U0LEAD0001",
    )
    make_series(session, "Weekly <!channel> check-in")
    http.event(opened("U0LEAD0001"))
    leader = str(published_for(slack, "U0LEAD0001"))
    assert "Shared goals" in leader and "Signed &lt;!here&gt; contracts" in leader
    assert "Next meetings" in leader and "Weekly &lt;!channel&gt; check-in" in leader
    assert "<!here>" not in leader and "<!channel>" not in leader
    http.event(opened("U0REP00001"))
    assert "Signed &lt;!here&gt; contracts" in str(published_for(slack, "U0REP00001"))


def test_rep_sees_own_questions_with_the_latest_answer(
    http: SlackHTTP, slack: FakeSlack, session: Session
) -> None:
    from storage import questions

    rep, other = "U0REP00001", "U0REP00002"
    roles.grant(session, TEAM, rep, "rep", ADMIN)
    waiting, _ = questions.capture(session, TEAM, "k1", rep, "Do you <!channel> support SSO?")
    done, _ = questions.capture(session, TEAM, "k2", rep, "Is there an API?")
    questions.capture(session, TEAM, "k3", other, "Someone else's question?")
    questions.capture(session, "T0FAKE0002", "k4", rep, "Other workspace question?")
    assert done.id is not None and waiting.id is not None
    questions.answer(session, TEAM, done.id, ADMIN, "First <@U0BOSS0001> answer", None, "a1")
    questions.answer(session, TEAM, done.id, ADMIN, "Yes: REST " + "x" * 400, None, "a2")
    http.event(opened(rep))
    view = published_for(slack, rep)
    home = str(view)
    assert "Your questions" in home and "Ask a prospect question" in home
    assert f"#{waiting.id}* Do you &lt;!channel&gt; support SSO?" in home
    assert "waiting for an answer" in home
    assert "Yes: REST" in home and "First" not in home and "x" * 289 + "…" in home
    assert "Someone else's" not in home and "Other workspace" not in home
    assert "Triage queue" not in home
    assert live_mentions(view["blocks"]) == []


def test_marketer_triage_queue_by_demand_then_age(
    http: SlackHTTP, slack: FakeSlack, session: Session
) -> None:
    from datetime import timedelta

    from storage import questions
    from storage import questions_votes as question_votes
    from storage.clock import utcnow

    roles.grant(session, TEAM, "U0MKT00001", "marketer", ADMIN)

    def ask(key: str, text: str, days_ago: int) -> int:
        at = utcnow() - timedelta(days=days_ago)
        q, _ = questions.capture(session, TEAM, key, "U0REP00001", text, created_at=at)
        assert q.id is not None
        return q.id

    old = ask("k1", "Oldest, no +1s?", 30)
    new = ask("k2", "Newer, no +1s?", 20)
    wanted = ask("k3", "Most wanted <!here>?", 10)
    answered = ask("k4", "Already answered?", 30)
    ask("k5", "Stale?", 91)
    for user in ("U0REP00002", "U0REP00003"):
        question_votes.plus_one(session, TEAM, wanted, user)
        question_votes.plus_one(session, TEAM, answered, user)
    questions.answer(session, TEAM, answered, "U0MKT00001", "Done.", None, "a1")
    http.event(opened("U0MKT00001"))
    home = str(published_for(slack, "U0MKT00001"))
    assert "Triage queue" in home and "Your questions" not in home
    order = [home.index(f"*#{i}*") for i in (wanted, old, new)]
    assert order == sorted(order)
    assert "Most wanted &lt;!here&gt;? · +2" in home and f"*#{answered}*" not in home
    assert "Stale?" not in home  # older than the queue's window


def test_ask_button_opens_the_prospect_question_modal(http: SlackHTTP, slack: FakeSlack) -> None:
    from tests.slack_signing import block_action_payload

    http.action(block_action_payload("home_start:question", user_id="U0REP00001"))
    view = slack.wait_for("views.open")[0].json("view")
    assert view["callback_id"] == "question_capture"
    assert view["blocks"][0]["element"].get("initial_value") is None


def test_home_shows_what_is_waiting_on_the_person(
    http: SlackHTTP, slack: FakeSlack, session: Session
) -> None:
    roles.grant(session, TEAM, MKT, "marketer", ADMIN)
    make_goal(session, TEAM)
    request, _ = content_requests.create(session, TEAM, "view:r1", "U0REP00001", what="ROI <sheet>")
    yesterday = date.today() - timedelta(days=1)
    content_requests.transition(session, TEAM, request.id or 0, "accepted", priority="P1",
                                owner_id=MKT, expected_date=yesterday)  # fmt: skip
    people.set_away(session, TEAM, MKT, date.today() - timedelta(days=1), None, "")
    http.event(opened(MKT))
    home = str(published_for(slack, MKT))
    assert "Waiting on you" in home and "You are away" in home
    assert "*Signed contracts* — nothing logged this week" in home
    assert "ROI &lt;sheet&gt; — expected " + yesterday.isoformat() + " — *overdue*" in home
    http.event(opened("U0REP00001"))
    assert "Nothing is waiting on you" in str(published_for(slack, "U0REP00001"))
