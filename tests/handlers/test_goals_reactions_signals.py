"""Per-goal signals on the digest: picked once per goal and person, only on a posted digest,
and shown on that goal alone in the leaders' Home tab (a whole-digest reaction flags none)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.goals.views import digest as views
from bot.platform.runtime import Runtime
from storage import roles
from storage.models import Digest, GoalSignal
from tests.blockkit import assert_valid_message
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack
from tests.goal_fixtures import make_goal
from tests.handlers.test_goals_reactions import posted_digest, react
from tests.handlers.test_home import opened, published_for
from tests.slack_signing import SlackHTTP, block_action_payload

LEADER = "U0LEAD0001"


def pick(
    http: SlackHTTP, slack: FakeSlack, digest: Digest, action_id: str, goal_id: int, user: str
) -> str:
    url = slack.new_response_url()
    payload = block_action_payload(
        action_id, user_id=user, channel_id=digest.channel, message_ts=digest.ts or "",
        response_url=url, action_type="static_select",
        selected_option={"text": "goal", "value": str(goal_id)},
    )  # fmt: skip
    assert http.action(payload)[0] == 200
    path = "/response/" + url.rsplit("/", 1)[1]
    (reply,) = slack.wait_for("response_url", where=lambda c: c.path == path)
    return str(reply.params["text"])


def signals(engine: Engine) -> list[tuple[int, str, str]]:
    with Session(engine) as session:
        rows = session.exec(select(GoalSignal).order_by(GoalSignal.id))  # type: ignore[arg-type]
        return [(r.goal_id, r.user_id, r.kind) for r in rows]


def test_a_signal_is_about_one_goal_once_and_leaders_see_it_there(
    http: SlackHTTP, slack: FakeSlack, runtime: Runtime, engine: Engine
) -> None:
    digest = posted_digest(runtime, engine)
    posted = slack.calls_to("chat.postMessage")[0]
    message: dict[str, Any] = {"text": posted.params["text"], "blocks": posted.json("blocks")}
    assert_valid_message(message)
    assert views.SIGNAL_RISK in str(message["blocks"])
    with Session(engine, expire_on_commit=False) as session:
        other = make_goal(session, TEAM, "Webinars")
        roles.grant(session, TEAM, LEADER, "leader", ADMIN)
    assert other.id is not None
    said = pick(http, slack, digest, views.SIGNAL_RISK, 1, "U0REP00001")
    assert "you see a risk in *Signed contracts*" in said
    again = pick(http, slack, digest, views.SIGNAL_RISK, 1, "U0REP00001")  # a second pick
    assert "Already noted" in again
    assert "can help with" in pick(http, slack, digest, views.SIGNAL_HELP, 1, "U0MKT00001")
    react(http, digest, "U0REP00002", "warning")  # on the whole digest: "seen", no goal
    # A goal this digest did not show (another channel's digest shows it): nothing recorded.
    with Session(engine, expire_on_commit=False) as session:
        elsewhere = make_goal(session, TEAM, "Field events", channel="C0EVENTS01")
    said = pick(http, slack, digest, views.SIGNAL_HELP, elsewhere.id or 0, "U0REP00003")
    assert "posted digest" in said
    assert signals(engine) == [(1, "U0REP00001", "risk"), (1, "U0MKT00001", "help")]

    http.event(opened(LEADER))
    home = str(published_for(slack, LEADER))
    contracts, webinars = home.split("Signed contracts")[1], home.split("Webinars")[1]
    assert (
        ":warning: 1 sees a risk · :raised_hands: 1 can help" in contracts.split("*")[0] + contracts
    )
    assert "sees a risk" not in webinars and "can help" not in webinars


def test_a_pick_on_a_preview_records_nothing(
    http: SlackHTTP, slack: FakeSlack, runtime: Runtime, engine: Engine
) -> None:
    digest = posted_digest(runtime, engine)
    preview = Digest(team_id=TEAM, channel="D0PREVIEW1", occurrence=digest.occurrence,
                     outbox_key="-", ts="1700000000.000001")  # fmt: skip
    said = pick(http, slack, preview, views.SIGNAL_RISK, 1, "U0REP00001")
    assert "posted digest" in said and signals(engine) == []
