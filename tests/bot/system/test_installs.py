"""'Add to Slack' for many workspaces, end to end: Bolt's OAuth flow over real HTTP against the
fake Slack, two workspaces each posting with its own token, an uninstall, a token rotation."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl

import pytest
from freezegun import freeze_time
from slack_sdk.errors import SlackTokenRotationError
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.people import reach
from bot.platform.background import BackgroundWorker
from bot.platform.config import Settings
from bot.platform.delivery import LAZY_METHOD, NOT_INSTALLED, ChannelPacer, Post
from bot.platform.runtime import Runtime, build_runtime
from bot.questions.views import replies
from bot.system import jobs
from bot.system.app import create_app
from storage import outbox as outbox_rows
from storage import questions, roles, workspaces
from storage.clock import utcnow
from storage.models import OutboxMessage
from storage.models.installations import installations_table, oauth_states_table
from tests.conftest import (
    CLIENT_SECRET,
    OAUTH_TOKENS,
    RUNTIME_SECRETS,
    SIGNING_SECRET,
    SUITE_LOG,
    make_settings,
    outbox_settled,
    serve_on_loopback,
)
from tests.fake_slack import FakeSlack
from tests.mention_scan import MentionGuard, RecordingSlackHTTP
from tests.slack_signing import slash_command_body

TEAMS = dict(zip(("T0AAAAAAA1", "T0BBBBBBB2"), OAUTH_TOKENS[:2], strict=True))
INSTALLER = "U0INSTALL1"
TRIAGE = "C0TRIAGE01"


@pytest.fixture
def engine(any_engine: Engine) -> Engine:
    """slack_sdk's stores on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
    return any_engine


@pytest.fixture
def oauth_settings(slack: FakeSlack, engine: Engine) -> Settings:
    return make_settings(
        slack.base_url,
        str(engine.url),
        SLACK_BOT_TOKEN="",
        SLACK_CLIENT_ID="1111.2222",
        SLACK_CLIENT_SECRET=CLIENT_SECRET,
    )


@pytest.fixture
def oauth_runtime(oauth_settings: Settings, engine: Engine) -> Runtime:
    runtime = build_runtime(oauth_settings, engine=engine)
    runtime.outbox.pacer = ChannelPacer(interval=0)
    return runtime


@pytest.fixture
def base(oauth_settings: Settings, oauth_runtime: Runtime) -> Iterator[str]:
    app = create_app(oauth_settings, runtime=oauth_runtime)
    worker = BackgroundWorker(oauth_runtime.outbox, idle=0.05).start()
    with serve_on_loopback(app) as url:
        yield url
    # A follow-up still running would hold its transaction while PostgreSQL's schema is dropped.
    outbox_settled(oauth_runtime.engine)
    worker.stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


def get(url: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read().decode(),
            )
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read().decode()


def access(team: str, token: str, **extra: Any) -> dict[str, Any]:
    """oauth.v2.access's answer, as Slack shapes it."""
    return {
        "access_token": token,
        "token_type": "bot",
        "scope": "chat:write,commands",
        "bot_user_id": "U0BOT" + team[-4:],
        "app_id": "A0FAKE0001",
        "team": {"id": team, "name": f"Team {team}"},
        "enterprise": None,
        "is_enterprise_install": False,
        "authed_user": {"id": INSTALLER},
        **extra,
    }


def start_install(base: str) -> tuple[str, str]:
    """Open /slack/install as a browser does: the state in its link, and its cookie."""
    status, headers, page = get(base + "/slack/install")
    assert status == 200
    state = re.search(r"state=([\w-]+)", page)
    assert state is not None
    cookie = headers["set-cookie"].split(";")[0]
    RUNTIME_SECRETS.add(state.group(1))
    return state.group(1), cookie


def install(base: str, slack: FakeSlack, team: str, token: str, **extra: Any) -> None:
    state, cookie = start_install(base)
    slack.set_response("oauth.v2.access", access(team, token, **extra))
    status, _, page = get(f"{base}/slack/oauth_redirect?code=code-{team}&state={state}", cookie)
    assert status == 200, page


def test_two_workspaces_install_and_each_posts_with_its_own_token(
    base: str, slack: FakeSlack, mention_guard: MentionGuard, engine: Engine, oauth_runtime: Runtime
) -> None:
    for team, token in TEAMS.items():
        install(base, slack, team, token)
    (exchange, _) = slack.calls_to("oauth.v2.access")
    assert exchange.headers["authorization"].startswith("Basic ")  # client id and secret
    assert exchange.params["code"].startswith("code")
    http = RecordingSlackHTTP(base, SIGNING_SECRET, mention_guard, slack)
    with Session(engine) as session:
        for team in TEAMS:
            assert roles.members_with(session, team, "admin") == [INSTALLER]  # first admin
            workspaces.update(session, team, triage_channel=TRIAGE)
    for team in TEAMS:  # a request and its follow-up (the triage post) with the team's token
        status, body = http.command(replies.COMMAND, f"Question from {team}?", team_id=team)
        assert status == 200 and "Logged your question" in str(body)
    posts = slack.wait_for("chat.postMessage", 2, where=lambda c: c.params["channel"] == TRIAGE)
    for post in posts:
        team = next(t for t in TEAMS if t in post.params["text"])
        assert post.token == TEAMS[team]
    for team, token in TEAMS.items():  # a post of Lockstep's own (jobs, DMs) through the outbox
        row = oauth_runtime.outbox.submit(
            team, "hello", Post("chat.postMessage", "C1", {"text": team})
        )
        assert row.status == "sent"
        (call,) = [c for c in slack.calls_to("chat.postMessage") if c.params.get("text") == team]
        assert call.token == token


def test_a_replayed_or_forged_state_is_refused(base: str, slack: FakeSlack) -> None:
    state, cookie = start_install(base)
    slack.set_response("oauth.v2.access", access("T0AAAAAAA1", TEAMS["T0AAAAAAA1"]))
    redirect = f"{base}/slack/oauth_redirect?code=c1&state={state}"
    assert get(redirect, cookie)[0] == 200
    assert get(redirect, cookie)[0] == 401  # single use: consumed by the first
    forged = "forged-state-0000"
    status, _, _ = get(
        f"{base}/slack/oauth_redirect?code=c2&state={forged}", f"slack-app-oauth-state={forged}"
    )
    assert status == 401  # no such state
    other, other_cookie = start_install(base)
    assert get(f"{base}/slack/oauth_redirect?code=c3&state={other}")[0] == 400  # no cookie
    assert len(slack.calls_to("oauth.v2.access")) == 1


def test_a_workspace_that_did_not_install_gets_bolts_answer_not_a_500(
    base: str, slack: FakeSlack, mention_guard: MentionGuard
) -> None:
    http = RecordingSlackHTTP(base, SIGNING_SECRET, mention_guard, slack)
    url = slack.new_response_url()
    status, _ = http.command(
        replies.COMMAND, "Anyone there?", team_id="T0NOTINST1", response_url=url
    )
    assert status == 200
    (answer,) = slack.wait_for("response_url")
    assert "install" in str(answer.params.get("text")).lower()


def test_uninstall_stops_that_workspace_only(
    base: str, slack: FakeSlack, mention_guard: MentionGuard, engine: Engine, oauth_runtime: Runtime
) -> None:
    for team, token in TEAMS.items():
        install(base, slack, team, token)
    gone, kept = TEAMS
    outbox = oauth_runtime.outbox
    slack.fail("chat.postMessage", status=503)  # the post waits to be tried again
    waiting = outbox.submit(gone, "later", Post("chat.postMessage", "C1", {"text": "x"}))
    assert waiting.status == "pending"
    http = RecordingSlackHTTP(base, SIGNING_SECRET, mention_guard, slack)
    status, _ = http.event({"type": "app_uninstalled"}, team_id=gone)
    assert status == 200
    assert oauth_runtime.tokens.store is not None
    assert oauth_runtime.tokens.store.find_bot(enterprise_id=None, team_id=gone) is None
    with Session(engine) as session:
        row = session.get(OutboxMessage, waiting.id)
        assert row is not None and (row.status, row.error) == ("failed", NOT_INSTALLED)
    after = outbox.submit(gone, "after", Post("chat.postMessage", "C1", {"text": "no"}))
    assert after.status == "failed" and after.attempts <= 1
    assert not [c for c in slack.calls_to("chat.postMessage") if c.params.get("text") == "no"]
    sent = outbox.submit(kept, "still", Post("chat.postMessage", "C1", {"text": "yes"}))
    assert sent.status == "sent"
    install(base, slack, gone, TEAMS[gone])  # a reinstall resumes
    again = outbox.submit(gone, "back", Post("chat.postMessage", "C1", {"text": "back"}))
    assert again.status == "sent"


def test_a_token_about_to_expire_is_rotated_before_a_post(
    base: str, slack: FakeSlack, oauth_runtime: Runtime
) -> None:
    team = "T0AAAAAAA1"
    old, new, old_refresh, new_refresh = OAUTH_TOKENS[2:]
    install(base, slack, team, old, refresh_token=old_refresh, expires_in=600)
    slack_rotates_to(slack, team, new, new_refresh)
    row = oauth_runtime.outbox.submit(team, "k", Post("chat.postMessage", "C1", {"text": "rot"}))
    assert row.status == "sent"
    refresh = slack.calls_to("oauth.v2.access")[-1]
    assert refresh.params["grant_type"] == "refresh_token"
    (call,) = [c for c in slack.calls_to("chat.postMessage") if c.params.get("text") == "rot"]
    assert call.token == new and refresh.params["refresh_token"] == old_refresh
    assert oauth_runtime.tokens.store is not None
    bot = oauth_runtime.tokens.store.find_bot(enterprise_id=None, team_id=team)
    assert bot is not None and bot.bot_token == new
    assert time.time() < (bot.bot_token_expires_at or 0)


def test_revoked_bot_token_stops_posts_and_user_tokens_alone_do_not(
    base: str, slack: FakeSlack, mention_guard: MentionGuard, oauth_runtime: Runtime
) -> None:
    team, token = next(iter(TEAMS.items()))
    install(base, slack, team, token)
    http = RecordingSlackHTTP(base, SIGNING_SECRET, mention_guard, slack)
    assert (
        http.event({"type": "tokens_revoked", "tokens": {"oauth": [INSTALLER]}}, team_id=team)[0]
        == 200
    )
    assert oauth_runtime.tokens.bot_token(team) == token  # a user token only: posts go on
    revoked = {"type": "tokens_revoked", "tokens": {"bot": ["U0BOT" + team[-4:]]}}
    assert http.event(revoked, team_id=team)[0] == 200
    row = oauth_runtime.outbox.submit(team, "x", Post("chat.postMessage", "C1", {"text": "rv"}))
    assert (row.status, row.error) == ("failed", NOT_INSTALLED)
    assert not [c for c in slack.calls_to("chat.postMessage") if c.params.get("text") == "rv"]


def test_each_workspaces_home_tab_is_published_with_its_own_token(
    base: str, slack: FakeSlack, mention_guard: MentionGuard
) -> None:
    for team, token in TEAMS.items():
        install(base, slack, team, token)
    http = RecordingSlackHTTP(base, SIGNING_SECRET, mention_guard, slack)
    for n, team in enumerate(TEAMS):
        user = f"U0HOME000{n}"
        assert (
            http.event({"type": "app_home_opened", "user": user, "tab": "home"}, team_id=team)[0]
            == 200
        )
        (call,) = slack.wait_for(
            "views.publish", where=lambda c, u=user: c.params.get("user_id") == u
        )
        assert call.token == TEAMS[team]


def test_a_refused_rotation_leaves_the_post_to_be_tried_again(
    base: str, slack: FakeSlack, oauth_runtime: Runtime
) -> None:
    team = "T0AAAAAAA1"
    old, _, old_refresh, _ = OAUTH_TOKENS[2:]
    install(base, slack, team, old, refresh_token=old_refresh, expires_in=600)
    slack.fail("oauth.v2.access", status=200, error="invalid_refresh_token")
    row = oauth_runtime.outbox.submit(team, "k", Post("chat.postMessage", "C1", {"text": "later"}))
    assert (row.status, row.error) == ("pending", "paused: token rotation: invalid_refresh_token")
    assert not [c for c in slack.calls_to("chat.postMessage") if c.params.get("text") == "later"]


def posts_of(slack: FakeSlack, text: str) -> list[Any]:
    return [c for c in slack.calls_to("chat.postMessage") if c.params.get("text") == text]


def keep_retrying_for_three_hours(oauth_runtime: Runtime, engine: Engine) -> OutboxMessage:
    """Every 16 minutes for 3 hours, send what is due (the worker may take a row first)."""
    moment = utcnow()
    for _ in range(12):
        moment += timedelta(minutes=16)
        with freeze_time(moment):
            oauth_runtime.outbox.deliver_due()
            outbox_settled(engine)
    with Session(engine) as session:
        row = outbox_rows.get_by_key(session, "T0AAAAAAA1", "k")
    assert row is not None
    return row


@pytest.mark.parametrize("outage", [500, 503, 429])
def test_a_rotation_slack_cannot_do_for_hours_holds_the_posts_until_it_can(
    base: str, slack: FakeSlack, oauth_runtime: Runtime, engine: Engine, outage: int
) -> None:
    """Before, each refused rotation counted as a try: the workspace's posts failed for good
    after 8 (about 11 minutes), and the alerts to its admins with them."""
    team = "T0AAAAAAA1"
    new, new_refresh = rotating_install(base, slack, team)
    slack.fail("oauth.v2.access", status=outage, retry_after=1, times=-1)
    oauth_runtime.outbox.submit(team, "k", Post("chat.postMessage", "C1", {"text": "later"}))
    row = keep_retrying_for_three_hours(oauth_runtime, engine)
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.error is not None and row.error.startswith("paused: token rotation: ")
    assert len(refreshes(slack)) > 10  # it kept trying, every 15 minutes
    assert slack.calls_to("chat.postMessage") == []  # no post, no alert to an admin
    slack.reset()  # oauth.v2.access is back
    slack_rotates_to(slack, team, new, new_refresh)
    with freeze_time(utcnow() + timedelta(hours=3, minutes=30)):
        oauth_runtime.outbox.deliver_due()
        outbox_settled(engine)
    (post,) = posts_of(slack, "later")
    assert post.token == new


def test_a_refused_rotation_holds_the_posts_until_a_reinstall(
    base: str, slack: FakeSlack, oauth_runtime: Runtime, engine: Engine
) -> None:
    team = "T0AAAAAAA1"
    old, _, old_refresh, _ = OAUTH_TOKENS[2:]
    install(base, slack, team, old, refresh_token=old_refresh, expires_in=600)
    slack.fail("oauth.v2.access", status=200, error="invalid_refresh_token", times=-1)
    oauth_runtime.outbox.submit(team, "k", Post("chat.postMessage", "C1", {"text": "later"}))
    row = keep_retrying_for_three_hours(oauth_runtime, engine)
    assert (row.status, row.error) == ("pending", "paused: token rotation: invalid_refresh_token")
    assert slack.calls_to("chat.postMessage") == []
    slack.reset()
    install(base, slack, team, TEAMS[team])  # an admin installs Lockstep again: due at once
    (post,) = slack.wait_for("chat.postMessage", where=lambda c: c.params.get("text") == "later")
    assert post.token == TEAMS[team]
    outbox_settled(engine)
    assert len(posts_of(slack, "later")) == 1


def test_an_oauth_state_expires_after_ten_minutes_and_works_once(engine: Engine) -> None:
    from bot.platform.logs import guard_library_loggers
    from storage.installations import STATE_SECONDS, state_store

    guard_library_loggers()  # as create_app does wherever the OAuth flow runs
    store = state_store(engine)
    with freeze_time("2026-12-04 10:00:00") as clock:
        late, once = store.issue(), store.issue()
        RUNTIME_SECRETS.update({late, once})
        assert store.consume(once) and not store.consume(once)
        clock.tick(STATE_SECONDS + 1)
        assert not store.consume(late)


def slack_rotates_to(slack: FakeSlack, team: str, token: str, refresh_token: str) -> None:
    """Slack's next token refreshes answer `token` and `refresh_token`."""
    slack.set_response(
        "oauth.v2.access",
        {"access_token": token, "refresh_token": refresh_token,
         "expires_in": 43200, "token_type": "bot", "team": {"id": team}},
    )  # fmt: skip


def rotating_install(base: str, slack: FakeSlack, team: str) -> tuple[str, str]:
    """Install `team` with a token that expires in 10 minutes, and have Slack's next refresh
    answer a new token and refresh token (returned)."""
    old, new, old_refresh, new_refresh = OAUTH_TOKENS[2:]
    install(base, slack, team, old, refresh_token=old_refresh, expires_in=600)
    slack_rotates_to(slack, team, new, new_refresh)
    return new, new_refresh


def refreshes(slack: FakeSlack) -> list[Any]:
    return [c for c in slack.calls_to("oauth.v2.access") if c.params.get("grant_type")]


def test_a_rotation_by_the_outbox_is_what_bolts_authorize_reads_next(
    base: str, slack: FakeSlack, mention_guard: MentionGuard, engine: Engine, oauth_runtime: Runtime
) -> None:
    team = "T0AAAAAAA1"
    new, new_refresh = rotating_install(base, slack, team)
    row = oauth_runtime.outbox.submit(team, "k", Post("chat.postMessage", "C1", {"text": "rot"}))
    assert row.status == "sent"
    with engine.connect() as conn:  # the installation, not only the bot row, has the new pair
        (saved,) = conn.execute(
            select(installations_table.c.bot_token, installations_table.c.bot_refresh_token)
        ).all()
    assert tuple(saved) == (new, new_refresh)
    slack.fail("oauth.v2.access", status=200, error="invalid_refresh_token", times=-1)
    http = RecordingSlackHTTP(base, SIGNING_SECRET, mention_guard, slack)
    url = slack.new_response_url()
    status, body = http.command(replies.COMMAND, "Still there?", team_id=team, response_url=url)
    assert status == 200 and "Logged your question" in str(body)
    assert len(refreshes(slack)) == 1  # Bolt did not spend the old refresh token again


def test_bolts_authorize_rotates_on_the_configured_api_and_saves_for_the_outbox(
    base: str, slack: FakeSlack, mention_guard: MentionGuard, oauth_runtime: Runtime
) -> None:
    team = "T0AAAAAAA1"
    new, _ = rotating_install(base, slack, team)
    http = RecordingSlackHTTP(base, SIGNING_SECRET, mention_guard, slack)
    status, body = http.command(replies.COMMAND, "Rotated?", team_id=team)
    assert status == 200 and "Logged your question" in str(body)
    assert len(refreshes(slack)) == 1  # on SLACK_API_BASE_URL (the fake), not slack.com
    oauth_runtime.tokens.forget(team)
    assert oauth_runtime.tokens.bot_token(team) == new
    assert len(refreshes(slack)) == 1


def test_two_processes_rotating_at_once_spend_the_refresh_token_once(
    base: str, slack: FakeSlack, oauth_settings: Settings, engine: Engine
) -> None:
    team = "T0AAAAAAA1"
    new, _ = rotating_install(base, slack, team)
    slack.slow("oauth.v2.access", 0.3)  # the first rotation is still under way
    processes = [build_runtime(oauth_settings, engine=engine) for _ in range(3)]
    with ThreadPoolExecutor(3) as pool:
        tokens = list(pool.map(lambda r: r.tokens.bot_token(team), processes))
    assert tokens == [new] * 3
    assert len(refreshes(slack)) == 1


def test_a_refused_rotation_drops_the_cached_token(
    base: str, slack: FakeSlack, oauth_runtime: Runtime
) -> None:
    team = "T0AAAAAAA1"
    install(base, slack, team, OAUTH_TOKENS[2], refresh_token=OAUTH_TOKENS[4], expires_in=600)
    tokens = oauth_runtime.tokens
    tokens.rotate_minutes = 1  # not due yet: cached
    assert tokens.bot_token(team) == OAUTH_TOKENS[2]
    tokens.rotate_minutes = 120
    slack.fail("oauth.v2.access", status=200, error="invalid_refresh_token")
    with pytest.raises(SlackTokenRotationError):
        tokens.bot_token(team)
    assert team not in tokens._cache


def test_a_workspace_of_an_enterprise_grid_org_gets_its_posts(
    base: str, slack: FakeSlack, oauth_runtime: Runtime
) -> None:
    team, token = next(iter(TEAMS.items()))
    install(base, slack, team, token, enterprise={"id": "E0GRID0001", "name": "Grid"})
    row = oauth_runtime.outbox.submit(team, "g", Post("chat.postMessage", "C1", {"text": "grid"}))
    assert (row.status, row.error) == ("sent", None)
    (call,) = [c for c in slack.calls_to("chat.postMessage") if c.params.get("text") == "grid"]
    assert call.token == token


def test_a_persons_zone_is_asked_with_their_workspaces_token(
    base: str, slack: FakeSlack, oauth_runtime: Runtime, engine: Engine
) -> None:
    for team, token in TEAMS.items():
        install(base, slack, team, token)
    team, token = list(TEAMS.items())[1]
    slack.set_response("users.info", {"user": {"id": "U0PERSON01", "tz": "Asia/Tokyo"}})
    with Session(engine) as session:
        person = reach.refresh(oauth_runtime, session, team, "U0PERSON01", utcnow())
    (call,) = slack.calls_to("users.info")
    assert call.token == token
    assert person is not None and person.tz == "Asia/Tokyo"


def test_an_uninstalled_workspaces_jobs_pause_and_a_reinstall_resumes_only_its_own_posts(
    base: str, slack: FakeSlack, mention_guard: MentionGuard, engine: Engine, oauth_runtime: Runtime
) -> None:
    for team, token in TEAMS.items():
        install(base, slack, team, token)
    gone, kept = TEAMS
    http = RecordingSlackHTTP(base, SIGNING_SECRET, mention_guard, slack)
    assert http.event({"type": "app_uninstalled"}, team_id=gone)[0] == 200
    with Session(engine) as session:
        for team in TEAMS:  # a question each, queued until a triage channel is set
            questions.capture(session, team, f"k-{team}", "U0ASKER001", "What is the SLA?")
            workspaces.update(session, team, triage_channel=TRIAGE)
    results = jobs.tick(utcnow(), oauth_runtime)
    assert results["questions.post_queued"] == 1  # the installed workspace's only
    with Session(engine) as session:
        assert outbox_rows.listed(session, team_id=gone) == []  # no failed row per occurrence
        assert [r.key for r in outbox_rows.listed(session, team_id=kept)] == ["triage:2"]
        paused = outbox_rows.listed(session, team_id=kept)[0]  # its token was refused
        later = utcnow() + timedelta(minutes=15)
        paused.status, paused.next_attempt_at = "pending", later
        paused.error = outbox_rows.PAUSED + "invalid_auth"
        session.add(paused)
        session.commit()
        paused_id = paused.id
    install(base, slack, gone, TEAMS[gone])  # a reinstall of the other workspace
    with Session(engine) as session:
        row = session.get(OutboxMessage, paused_id)
        assert row is not None and row.next_attempt_at == later  # still paused


def test_expired_oauth_states_are_purged_by_the_tick(
    base: str, engine: Engine, oauth_runtime: Runtime
) -> None:
    for _ in range(2):
        start_install(base)  # links never followed
    count = select(func.count()).select_from(oauth_states_table)
    assert jobs.tick(utcnow(), oauth_runtime)["oauth_states"] == {"expired_states": 0}
    later = utcnow() + timedelta(minutes=11)  # the links expired unused
    assert jobs.tick(later, oauth_runtime)["oauth_states"] == {"expired_states": 2}
    with engine.connect() as conn:
        assert conn.execute(count).scalar() == 0


def test_no_oauth_code_in_the_logs_of_an_install_or_a_refused_code(
    base: str, slack: FakeSlack
) -> None:
    team, token = next(iter(TEAMS.items()))
    install(base, slack, team, token)
    state, cookie = start_install(base)
    slack.fail("oauth.v2.access", status=200, error="invalid_code")
    get(f"{base}/slack/oauth_redirect?code=9999.8888.deadbeefcafe&state={state}", cookie)
    assert not [line for line in SUITE_LOG.lines if f"code-{team}" in line or "deadbeef" in line]


@pytest.mark.parametrize("outage", ["auth.test answers 500", "auth.test drops the connection"])
def test_a_follow_up_that_cannot_be_authorized_is_retried_and_nobody_is_told_to_reinstall(
    outage: str,
    oauth_settings: Settings,
    oauth_runtime: Runtime,
    engine: Engine,
    slack: FakeSlack,
    mention_guard: MentionGuard,
) -> None:
    """A follow-up runs Bolt's authorization again (run_lazy). When auth.test fails there,
    Bolt told the person to reinstall the app, or Lockstep's error handler told them something
    went wrong, at every retry, about an action that was stored (found by review)."""
    create_app(oauth_settings, runtime=oauth_runtime)  # the background: runs recorded follow-ups
    web = create_app(
        oauth_settings, runtime=build_runtime(oauth_settings, engine=engine), run_lazy_here=False
    )
    team, token = next(iter(TEAMS.items()))
    with serve_on_loopback(web) as url:
        install(url, slack, team, token)
        with Session(engine) as session:
            workspaces.update(session, team, triage_channel=TRIAGE)
        http = RecordingSlackHTTP(url, SIGNING_SECRET, mention_guard, slack)
        asked = slack.new_response_url()
        status, body = http.command(
            replies.COMMAND, "Do you support SCIM provisioning?", team_id=team, response_url=asked
        )
    assert status == 200 and "Logged your question" in str(body)
    if outage == "auth.test answers 500":
        slack.fail("auth.test", status=500, times=-1)
    else:
        slack.drop("auth.test", times=-1)
    oauth_runtime.outbox.deliver_due()
    assert slack.responses(asked) == []  # nobody is told to reinstall, or that it went wrong
    assert not [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == TRIAGE]
    with Session(engine) as session:
        lazy = select(OutboxMessage).where(OutboxMessage.method == LAZY_METHOD)  # type: ignore[arg-type]
        (row,) = session.exec(lazy).all()
        assert row[0].status == "pending" and row[0].attempts == 1
        session.exec(  # due again now (its backoff is seconds)
            update(OutboxMessage).values(next_attempt_at=utcnow())
        )
        session.commit()
    slack.reset()  # Slack is back
    oauth_runtime.outbox.deliver_due()
    (post,) = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == TRIAGE)
    assert "SCIM" in str(post.params.get("blocks")) and post.token == token
    assert not [c for c in slack.responses(asked) if "reinstall" in str(c.params)]


def test_a_follow_up_waits_out_a_rotation_slack_cannot_do(
    base: str, slack: FakeSlack, oauth_runtime: Runtime, engine: Engine
) -> None:
    """A recorded follow-up needs the workspace's token too: a rotation Slack cannot do pauses
    the workspace's queue, as for a post, instead of counting failed tries until the follow-up
    fails for good (Bolt's authorize inside the run only says it found nothing)."""
    team = "T0AAAAAAA1"
    new, new_refresh = rotating_install(base, slack, team)
    slack.fail("oauth.v2.access", status=503, retry_after=1, times=-1)
    body = dict(parse_qsl(slash_command_body(replies.COMMAND, "Do you do SSO?", team_id=team)))
    payload = {"function": "after_command", "body": body, "note": None}
    with engine.begin() as conn:
        outbox_rows.record(conn, team, "k", LAZY_METHOD, "-", payload)
    row = keep_retrying_for_three_hours(oauth_runtime, engine)
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.error is not None and row.error.startswith("paused: token rotation: ")
    slack.reset()  # oauth.v2.access is back
    slack_rotates_to(slack, team, new, new_refresh)
    with freeze_time(utcnow() + timedelta(hours=3, minutes=30)):
        oauth_runtime.outbox.deliver_due()
        outbox_settled(engine)
    with Session(engine) as session:
        done = outbox_rows.get_by_key(session, team, "k")
    assert done is not None and done.status == "sent"
