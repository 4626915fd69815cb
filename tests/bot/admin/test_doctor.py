"""`lockstep doctor` against the fake Slack server: healthy and broken set-ups."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from bot.platform.scopes import SCOPES
from storage import workspaces
from storage.db import make_engine
from storage.migrate import upgrade
from tests.bot.cli.test_commands import lockstep
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, TEAM
from tests.fake_slack import FakeSlack


def doctor(tmp_path: Path, slack: FakeSlack, **env: str) -> tuple[int, str]:
    values = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_BASE_URL": slack.base_url,
        **env,
    }
    result = lockstep(tmp_path, "doctor", **values)
    assert "Traceback" not in result.stderr
    assert BOT_TOKEN not in result.stdout + result.stderr
    return result.returncode, result.stdout


def configured_db(tmp_path: Path, channel: str = "C0TRIAGE01") -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    upgrade(engine)
    with Session(engine) as session:
        workspaces.update(session, TEAM, triage_channel=channel)
    engine.dispose()


def test_healthy_setup(tmp_path: Path, slack: FakeSlack) -> None:
    slack.scopes = sorted(SCOPES)
    configured_db(tmp_path)
    code, out = doctor(tmp_path, slack)
    assert code == 0, out
    assert "✓ token works for team T0FAKE0001" in out
    assert "scopes from manifest.yml are granted" in out
    assert "Lockstep is in #" in out and "All good." in out
    assert "✗" not in out


def test_broken_setup_says_what_to_fix(tmp_path: Path, slack: FakeSlack) -> None:
    slack.scopes = ["commands"]
    slack.set_response("conversations.info", {"channel": {"is_member": False, "name": "triage"}})
    configured_db(tmp_path)
    code, out = doctor(tmp_path, slack, SLACK_SIGNING_SECRET="")
    assert code == 1
    assert "✗ no mode can start" in out and "SLACK_APP_TOKEN" in out
    assert "missing scopes:" in out and "chat:write" in out and "reinstall" in out
    assert "Lockstep is not in #triage" in out and "/invite @Lockstep" in out


def test_revoked_token_and_unmigrated_database(tmp_path: Path, slack: FakeSlack) -> None:
    slack.fail("auth.test", status=200, error="token_revoked", times=-1)
    code, out = doctor(tmp_path, slack)
    assert code == 1
    assert "lockstep db upgrade" in out
    assert "Slack rejected the token: token_revoked" in out and "reinstall" in out


def test_deleted_channel(tmp_path: Path, slack: FakeSlack) -> None:
    slack.scopes = sorted(SCOPES)
    slack.fail("conversations.info", status=200, error="channel_not_found", times=-1)
    configured_db(tmp_path)
    code, out = doctor(tmp_path, slack)
    assert code == 1 and "channel_not_found" in out


def test_doctor_checks_series_and_goal_channels(tmp_path: Path, slack: FakeSlack) -> None:
    from tests.meeting_helpers import make_series

    slack.scopes = sorted(SCOPES)
    configured_db(tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    with Session(engine) as session:
        make_series(session, "Weekly check-in", channel="C0MEET0001")
    engine.dispose()
    code, out = doctor(tmp_path, slack)
    assert code == 0, out
    assert "agendas of Weekly check-in" in out
    asked = {c.params.get("channel") for c in slack.calls_to("conversations.info")}
    assert asked == {"C0TRIAGE01", "C0MEET0001"}


def test_with_oauth_each_installed_workspace_is_checked_with_its_own_token(
    tmp_path: Path, slack: FakeSlack
) -> None:
    from slack_sdk.oauth.installation_store import Installation

    from storage.installations import installation_store
    from tests.conftest import CLIENT_SECRET, OAUTH_TOKENS

    slack.scopes = sorted(SCOPES)
    configured_db(tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    store = installation_store(engine, "1111.2222")
    teams = {TEAM: OAUTH_TOKENS[0], "T0FAKE0002": OAUTH_TOKENS[1]}
    for team, token in teams.items():
        store.save(Installation(app_id="A0FAKE0001", team_id=team, user_id="U0INSTALL1",
                                bot_token=token, bot_id="B1", bot_user_id="U0BOT1"))  # fmt: skip
    engine.dispose()
    code, out = doctor(tmp_path, slack, SLACK_BOT_TOKEN="", SLACK_CLIENT_ID="1111.2222",
                       SLACK_CLIENT_SECRET=CLIENT_SECRET)  # fmt: skip
    assert code == 0, out
    assert "Add to Slack is on" in out and f"✓ {TEAM}: token works" in out
    assert "✓ T0FAKE0002: token works" in out
    assert sorted(c.token or "" for c in slack.calls_to("auth.test")) == sorted(teams.values())
    assert not any(t in out for t in teams.values()) and CLIENT_SECRET not in out


def test_with_oauth_a_refused_token_rotation_is_a_finding_not_a_traceback(
    tmp_path: Path, slack: FakeSlack
) -> None:
    import time

    from slack_sdk.oauth.installation_store import Installation

    from storage.installations import installation_store
    from tests.conftest import CLIENT_SECRET, OAUTH_TOKENS

    slack.scopes = sorted(SCOPES)
    configured_db(tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    store = installation_store(engine, "1111.2222")
    store.save(Installation(app_id="A0FAKE0001", team_id=TEAM, user_id="U0INSTALL1",
                            bot_token=OAUTH_TOKENS[2], bot_refresh_token=OAUTH_TOKENS[4],
                            bot_token_expires_at=int(time.time()) + 60,
                            bot_id="B1", bot_user_id="U0BOT1"))  # fmt: skip
    engine.dispose()
    slack.fail("oauth.v2.access", status=200, error="invalid_refresh_token")
    code, out = doctor(tmp_path, slack, SLACK_BOT_TOKEN="", SLACK_CLIENT_ID="1111.2222",
                       SLACK_CLIENT_SECRET=CLIENT_SECRET)  # fmt: skip
    assert code == 1
    assert f"✗ {TEAM}: Slack refused to refresh its token (invalid_refresh_token)" in out
    assert "/slack/install" in out and OAUTH_TOKENS[4] not in out
