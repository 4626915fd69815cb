"""The weekly digest on its schedule (freezegun): right local time across DST, exactly once when
the tick fires twice or the process restarts mid-post, the chart uploaded once in its thread."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from bot.goals.digest_jobs import post_due_digests
from bot.goals.digest_schedule import digest_key, parse_schedule
from bot.goals.input import InputError
from bot.platform.runtime import Runtime, build_runtime
from bot.system import jobs
from storage import goals, outbox, people, workspaces
from storage import goals_digests as digest_store
from storage.models import Digest
from tests.blockkit import assert_valid_message
from tests.conftest import OTHER_TEAM, TEAM
from tests.fake_slack import FakeSlack
from tests.goal_fixtures import DIGEST_CHANNEL, MKT, make_goal

# Europe/Paris leaves summer time on Sunday 2026-10-25: 09:00 is 07:00 UTC before, 08:00 after.
BEFORE_DST_END = datetime(2026, 10, 19, 7, 0, tzinfo=UTC)
AFTER_DST_END = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def setup_team(engine: Engine, zone: str = "Europe/Paris", team: str = TEAM) -> None:
    with Session(engine, expire_on_commit=False) as session:
        workspaces.update(
            session, team, "UTC", timezone=zone, digest_channel=DIGEST_CHANNEL, digest_time="09:00"
        )
        goal = make_goal(session, team)
        assert goal.id is not None
        with freeze_time(BEFORE_DST_END - timedelta(days=3)):
            goals.log_progress(session, team, goal.id, "U0REP00001", 70, is_delta=False)


def tick(runtime: Runtime, now: datetime) -> dict:
    with freeze_time(now):
        return jobs.tick(now, runtime)


def digests(engine: Engine) -> list[Digest]:
    with Session(engine) as session:
        return list(session.exec(select(Digest).order_by(Digest.id)))


def posts(slack: FakeSlack) -> list:
    return [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == DIGEST_CHANNEL]


def test_digest_posts_at_nine_local_on_both_sides_of_the_dst_change(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    assert tick(runtime, BEFORE_DST_END - timedelta(minutes=1))["digest"]["submitted"] == 0
    assert tick(runtime, BEFORE_DST_END)["digest"]["submitted"] == 1
    # A week later 07:00 UTC is 08:00 in Paris: not yet.
    assert tick(runtime, AFTER_DST_END - timedelta(hours=1))["digest"]["submitted"] == 0
    assert tick(runtime, AFTER_DST_END)["digest"]["submitted"] == 1
    assert [d.occurrence for d in digests(engine)] == [BEFORE_DST_END, AFTER_DST_END]
    assert len(posts(slack)) == 2
    message = posts(slack)[0].params
    assert_valid_message(message)
    assert "week of Oct 19: 1 goal" in message["text"]
    assert "Signed contracts" in str(message["blocks"])


def test_tick_firing_twice_posts_once_and_uploads_the_chart_once(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    tick(runtime, BEFORE_DST_END)
    tick(runtime, BEFORE_DST_END)
    tick(runtime, BEFORE_DST_END + timedelta(minutes=1))
    (post,) = posts(slack)
    (digest,) = digests(engine)
    assert digest.ts is not None and digest.chart_status == "done"
    assert len(slack.calls_to("files.getUploadURLExternal")) == 1
    assert len(slack.calls_to("upload")) == 1
    assert slack.calls_to("upload")[0].body.startswith(b"\x89PNG")
    (complete,) = slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == DIGEST_CHANNEL
    assert complete.params["thread_ts"] == digest.ts


def test_a_digest_run_for_a_time_other_than_the_clock_still_gets_its_ts_and_chart(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    """`lockstep demo` runs the job as if it were next Monday while rows get today's clock:
    which digests still need their ts and chart goes by their occurrence, not the clock."""
    setup_team(engine)
    with freeze_time(BEFORE_DST_END - timedelta(days=6)):
        post_due_digests(runtime, BEFORE_DST_END)
    (digest,) = digests(engine)
    assert digest.ts is not None and digest.chart_status == "done"
    assert len(slack.calls_to("files.completeUploadExternal")) == 1


def test_concurrent_ticks_post_once(runtime: Runtime, slack: FakeSlack, engine: Engine) -> None:
    setup_team(engine)
    with freeze_time(BEFORE_DST_END):
        threads = [
            threading.Thread(target=jobs.tick, args=(BEFORE_DST_END, runtime)) for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(posts(slack)) == 1 and len(digests(engine)) == 1
    assert len(slack.calls_to("files.getUploadURLExternal")) == 1


def test_a_restart_within_the_grace_window_still_posts(
    settings: object, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    restarted = build_runtime(settings, engine=engine)  # type: ignore[arg-type]
    assert tick(restarted, BEFORE_DST_END + timedelta(hours=2))["digest"]["submitted"] == 1
    assert len(posts(slack)) == 1
    # Down for longer than LOCKSTEP_MISSED_GRACE_HOURS (6): that week's digest is skipped.
    assert tick(restarted, AFTER_DST_END + timedelta(hours=7))["digest"]["submitted"] == 0


def test_a_digest_missed_beyond_grace_is_skipped_with_one_log_line(
    settings: object, slack: FakeSlack, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    setup_team(engine)
    restarted = build_runtime(settings, engine=engine)  # type: ignore[arg-type]
    with caplog.at_level("WARNING", logger="bot.goals.digest_jobs"):
        for minutes in (0, 1, 2):  # three ticks after the restart
            late = AFTER_DST_END + timedelta(hours=7, minutes=minutes)
            assert tick(restarted, late)["digest"]["submitted"] == 0
    lines = [r.getMessage() for r in caplog.records if "was missed" in r.getMessage()]
    assert len(lines) == 1 and "skipped" in lines[0]
    assert posts(slack) == []


def test_a_crash_after_recording_posts_exactly_once_after_restart(
    runtime: Runtime, settings: object, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    slack.fail("chat.postMessage", status=503, times=1)  # the post is cut short
    tick(runtime, BEFORE_DST_END)
    (digest,) = digests(engine)
    assert digest.ts is None and len(slack.calls_to("chat.postMessage")) == 1
    restarted = build_runtime(settings, engine=engine)  # type: ignore[arg-type]
    later = BEFORE_DST_END + timedelta(minutes=1)
    tick(restarted, later)  # the digest is not rebuilt: its outbox row exists
    with freeze_time(later):
        assert restarted.outbox.deliver_due() == {"sent": 1}
    tick(restarted, later + timedelta(minutes=1))
    assert len(posts(slack)) == 2  # one failed attempt, one delivery
    (digest,) = digests(engine)
    assert digest.ts is not None
    assert digest.chart_status == "done"


def test_a_crash_between_recording_and_submitting_is_completed(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    key = digest_key(BEFORE_DST_END, DIGEST_CHANNEL)
    from storage import goals_digests as digest_store

    with Session(engine) as session:
        digest_store.record(session, TEAM, DIGEST_CHANNEL, BEFORE_DST_END, key)
    tick(runtime, BEFORE_DST_END + timedelta(minutes=3))
    assert len(posts(slack)) == 1
    with Session(engine) as session:
        assert outbox.get_by_key(session, TEAM, key) is not None


def test_chart_upload_failure_still_posts_the_digest(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    slack.fail("files.getUploadURLExternal", status=200, error="internal_error", times=-1)
    result = tick(runtime, BEFORE_DST_END)
    assert result["digest"]["chart_failures"] == 1
    assert len(posts(slack)) == 1
    for minutes in (1, 2, 3):
        tick(runtime, BEFORE_DST_END + timedelta(minutes=minutes))
    (digest,) = digests(engine)
    assert digest.ts is not None and digest.chart_status == "failed" and digest.chart_attempts == 3
    assert len(slack.calls_to("files.getUploadURLExternal")) == 3  # then it gives up
    assert len(posts(slack)) == 1


def shared_charts(slack: FakeSlack) -> list:
    """Every sharing call Slack received, answered or not (a dropped one may have shared)."""
    return slack.calls_to("files.completeUploadExternal")


def test_a_chart_whose_sharing_call_drops_is_not_shared_again(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    """Slack received the sharing call and the connection dropped before its answer: the
    chart may be in the thread, so neither the client nor a later tick sends it again."""
    setup_team(engine)
    slack.drop("files.completeUploadExternal", times=-1)
    tick(runtime, BEFORE_DST_END)
    for minutes in (1, 2, 11, 30):  # past the chart's 10-minute lease too
        tick(runtime, BEFORE_DST_END + timedelta(minutes=minutes))
    assert len(shared_charts(slack)) == 1
    (digest,) = digests(engine)
    assert digest.chart_status == "completing" and digest.chart_attempts == 1
    assert len(posts(slack)) == 1


def test_a_crash_after_the_chart_was_shared_does_not_share_it_again(
    runtime: Runtime, slack: FakeSlack, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack shared the chart, then the process could not record it (a database error, or it
    died there): after the claim's lease a later tick finds it being shared, not pending."""
    setup_team(engine)

    def database_gone(*args: object, **kwargs: object) -> str:
        raise OperationalError("UPDATE digest", {}, Exception("database is locked"))

    monkeypatch.setattr(digest_store, "finish_chart", database_gone)
    tick(runtime, BEFORE_DST_END)
    monkeypatch.undo()
    for minutes in (1, 11, 30):
        tick(runtime, BEFORE_DST_END + timedelta(minutes=minutes))
    (complete,) = shared_charts(slack)
    assert complete.status == 200
    (digest,) = digests(engine)
    assert digest.chart_status == "completing"


def test_a_sharing_call_slack_refuses_is_tried_again(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    """An answer (ok false) says the chart was not shared: the next tick uploads it again."""
    setup_team(engine)
    slack.fail("files.completeUploadExternal", status=200, error="internal_error")
    assert tick(runtime, BEFORE_DST_END)["digest"]["chart_failures"] == 1
    assert tick(runtime, BEFORE_DST_END + timedelta(minutes=1))["digest"]["charts"] == 1
    assert [c.status for c in shared_charts(slack)] == [200, 200]
    assert [c.response.get("ok") for c in shared_charts(slack)] == [False, True]
    (digest,) = digests(engine)
    assert digest.chart_status == "done" and digest.chart_attempts == 2


def test_each_team_gets_its_own_digest(runtime: Runtime, slack: FakeSlack, engine: Engine) -> None:
    setup_team(engine)
    setup_team(engine, zone="UTC", team=OTHER_TEAM)
    tick(runtime, BEFORE_DST_END)  # 09:00 Paris: only TEAM
    assert {d.team_id for d in digests(engine)} == {TEAM}
    tick(runtime, BEFORE_DST_END.replace(hour=9))  # 09:00 UTC: OTHER_TEAM
    assert [d.team_id for d in digests(engine)] == [TEAM, OTHER_TEAM]


def test_goals_with_their_own_channel_get_a_digest_there(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    with Session(engine) as session:
        make_goal(session, TEAM, name="Webinar signups", channel="C0OTHER001")
    tick(runtime, BEFORE_DST_END)
    other = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == "C0OTHER001"]
    assert len(other) == 1 and "Webinar signups" in str(other[0].params["blocks"])
    assert "Webinar signups" not in str(posts(slack)[0].params["blocks"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monday 09:00 <#C0DIGEST01|digest>", (0, "09:00", None, "C0DIGEST01")),
        ("Fri 7:30 America/New_York <#C0DIGEST01>", (4, "07:30", "America/New_York", "C0DIGEST01")),
    ],
)
def test_parse_schedule(text: str, expected: tuple) -> None:
    plan = parse_schedule(text)
    assert (plan.weekday, plan.time, plan.timezone, plan.channel) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "funday 09:00 <#C0DIGEST01>",
        "monday 25:00 <#C0DIGEST01>",
        "monday 09:00 Mars/Base <#C1X>",
        "monday 09:00 general",
        "t 09:00 <#C0DIGEST01>",
    ],
)
def test_parse_schedule_rejects_bad_input(text: str) -> None:
    with pytest.raises(InputError):
        parse_schedule(text)


def test_the_digest_says_which_owner_of_a_behind_goal_is_away(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        workspaces.update(session, TEAM, "UTC", timezone="Europe/Paris",
                          digest_channel=DIGEST_CHANNEL, digest_time="09:00")  # fmt: skip
        make_goal(session, TEAM)  # nothing logged by October: behind
        people.set_away(session, TEAM, MKT, date(2026, 10, 12), date(2026, 10, 23), "leave")
    tick(runtime, BEFORE_DST_END)
    (post,) = posts(slack)
    assert f":palm_tree: <@{MKT}> is away." in str(post.params["blocks"])


def test_away_is_read_on_the_workspaces_own_date(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    """Monday 09:00 in Auckland is still Sunday in UTC: the owner away that Monday is away."""
    with Session(engine, expire_on_commit=False) as session:
        workspaces.update(session, TEAM, "UTC", timezone="Pacific/Auckland",
                          digest_channel=DIGEST_CHANNEL, digest_time="09:00")  # fmt: skip
        make_goal(session, TEAM)
        people.set_away(session, TEAM, MKT, date(2026, 10, 19), date(2026, 10, 19), "day off")
    tick(runtime, datetime(2026, 10, 18, 20, 0, tzinfo=UTC))  # Monday 19th 09:00 NZDT
    (post,) = posts(slack)
    assert f":palm_tree: <@{MKT}> is away." in str(post.params["blocks"])
