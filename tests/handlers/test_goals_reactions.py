"""Reactions on a posted digest are recorded once (retries too), removals delete, and the next
digest shows last week's engagement; `/lockstep config digest` and `/lockstep preview digest`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.platform.runtime import Runtime
from storage import roles, workspaces
from storage.models import Digest, DigestReaction, Workspace
from tests.blockkit import assert_valid_message
from tests.bot.goals.test_digest_jobs import BEFORE_DST_END, posts, setup_team, tick
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack
from tests.goal_fixtures import DIGEST_CHANNEL
from tests.slack_signing import SlackHTTP, reaction_event

MARKETER, REP, OTHER = "U0MKT00001", "U0REP00001", "U0SOMEONE1"


def posted_digest(runtime: Runtime, engine: Engine) -> Digest:
    setup_team(engine)
    tick(runtime, BEFORE_DST_END)
    with Session(engine) as session:
        digest = session.exec(select(Digest)).one()
    assert digest.ts is not None
    return digest


def recorded(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.exec(select(DigestReaction).order_by(DigestReaction.id))
        return [(r.user_id, r.reaction) for r in rows]


def react(http: SlackHTTP, digest: Digest, user: str, name: str, **kw: object) -> None:
    added = bool(kw.pop("added", True))
    event = reaction_event(
        name, user=user, item_channel=digest.channel, item_ts=digest.ts or "", added=added
    )
    status, _ = http.event(event, **kw)  # type: ignore[arg-type]
    assert status == 200


def test_reactions_are_recorded_once_and_removed(
    http: SlackHTTP, runtime: Runtime, engine: Engine
) -> None:
    digest = posted_digest(runtime, engine)
    react(http, digest, MARKETER, "eyes", event_id="Ev0REACT01")
    react(http, digest, MARKETER, "eyes", event_id="Ev0REACT01", retry_num=1)  # redelivery
    react(http, digest, MARKETER, "eyes", event_id="Ev0REACT02")  # same reaction, new event
    react(http, digest, REP, "raised_hands")
    assert recorded(engine) == [(MARKETER, "eyes"), (REP, "raised_hands")]
    react(http, digest, REP, "raised_hands", added=False)
    react(http, digest, REP, "raised_hands", added=False)
    assert recorded(engine) == [(MARKETER, "eyes")]


def test_reactions_on_other_messages_are_ignored(
    http: SlackHTTP, runtime: Runtime, engine: Engine
) -> None:
    digest = posted_digest(runtime, engine)
    event = reaction_event("eyes", user=MARKETER, item_channel=DIGEST_CHANNEL, item_ts="1.000001")
    assert http.event(event)[0] == 200
    other_team = reaction_event(
        "eyes", user=MARKETER, item_channel=digest.channel, item_ts=digest.ts or ""
    )
    assert http.event(other_team, team_id="T0FAKE0002")[0] == 200
    assert recorded(engine) == []


def test_next_digest_shows_last_weeks_engagement(
    http: SlackHTTP, runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    digest = posted_digest(runtime, engine)
    with Session(engine) as session:
        roles.grant(session, TEAM, MARKETER, "marketer", ADMIN)
        roles.grant(session, TEAM, REP, "rep", ADMIN)
    react(http, digest, MARKETER, "eyes")
    react(http, digest, MARKETER, "warning")
    react(http, digest, REP, "raised_hands")
    react(http, digest, OTHER, "eyes")
    first = posts(slack)[0].params
    assert "reacted" not in str(first["blocks"])
    assert ":eyes: seen" in str(first["blocks"])  # the legend
    tick(runtime, BEFORE_DST_END + timedelta(days=7, hours=1))
    second = posts(slack)[1].params
    assert_valid_message(second)
    assert "Last week's digest: 1 marketer and 1 rep reacted (and 1 other person)." in str(
        second["blocks"]
    )


def test_config_digest_is_for_admins_and_validated(http: SlackHTTP, engine: Engine) -> None:
    text = "config digest tuesday 08:30 America/New_York <#C0DIGEST01|digest>"
    _, body = http.command("/lockstep", text, user_id=REP)
    assert ":lock:" in body["text"]
    _, body = http.command("/lockstep", "config digest someday 8 <#C0DIGEST01>", user_id=ADMIN)
    assert "weekday" in body["text"] and "/lockstep config digest monday" in body["text"]
    _, body = http.command("/lockstep", text, user_id=ADMIN)
    assert "Tuesday 08:30 (America/New_York) in <#C0DIGEST01>" in body["text"]
    with Session(engine) as session:
        ws = session.get(Workspace, TEAM)
        assert ws is not None
        assert (ws.digest_weekday, ws.digest_time, ws.timezone, ws.digest_channel) == (
            1,
            "08:30",
            "America/New_York",
            "C0DIGEST01",
        )


def test_preview_digest_shows_it_to_the_asker_only(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    _, body = http.command("/lockstep", "preview digest", user_id=REP)
    assert body["response_type"] == "ephemeral" and "No shared goals yet" in str(body["blocks"])
    setup_team(engine)
    _, body = http.command("/lockstep", "preview digest", user_id=REP)
    assert_valid_message(body)
    assert "Signed contracts" in str(body["blocks"]) and "Preview" in str(body["blocks"])
    assert slack.calls_to("chat.postMessage") == []
    _, body = http.command("/lockstep", "preview agenda", user_id=REP)
    assert "/lockstep preview digest" in body["text"]
    with Session(engine) as session:
        assert workspaces.get_or_create(session, TEAM).digest_channel == DIGEST_CHANNEL
