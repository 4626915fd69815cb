"""`/lockstep` end to end: signed requests over real HTTP into the real app."""

from __future__ import annotations

import json
import time
import urllib.request

from tests.conftest import ADMIN
from tests.fake_slack import FakeSlack
from tests.slack_signing import SlackHTTP


def test_help_over_http(http: SlackHTTP) -> None:
    status, body = http.command("/lockstep", "help")
    assert status == 200
    assert body["response_type"] == "ephemeral"
    text = json.dumps(body["blocks"])
    assert "/lockstep config triage-channel" in text
    assert "feedback loop" in body["text"]


def test_empty_text_is_help(http: SlackHTTP) -> None:
    status, body = http.command("/lockstep", "")
    assert status == 200 and body["blocks"][0]["type"] == "header"


def test_bad_signature_and_stale_timestamp_get_401(http: SlackHTTP) -> None:
    assert http.command("/lockstep", "help", bad_signature=True)[0] == 401
    stale = int(time.time()) - 301
    assert http.command("/lockstep", "help", timestamp=stale)[0] == 401


def test_unknown_subcommand_is_explained_and_escaped(http: SlackHTTP) -> None:
    status, body = http.command("/lockstep", "<!channel>&co")
    assert status == 200
    text = body["text"]
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "/lockstep help" in text


def test_healthz_checks_the_database(http: SlackHTTP) -> None:
    with urllib.request.urlopen(f"http://{http.host}:{http.port}/healthz", timeout=5) as resp:
        assert resp.status == 200
        assert json.loads(resp.read()) == {"ok": True, "database": "ok"}


def test_app_rate_limited_is_answered_200(http: SlackHTTP) -> None:
    body = json.dumps(
        {
            "token": "x",
            "type": "app_rate_limited",
            "team_id": "T0FAKE0001",
            "minute_rate_limited": 1518467820,
            "api_app_id": "A0FAKE0001",
        }
    )
    status, _, _ = http.post("/slack/events", body, "application/json")
    assert status == 200


def test_config_triage_channel_needs_admin(http: SlackHTTP) -> None:
    _, body = http.command(
        "/lockstep", "config triage-channel <#C0TRIAGE01|triage>", user_id="U0REP00001"
    )
    assert body["text"].startswith(":lock: Sorry, only admins can do that.")
    _, body = http.command("/lockstep", "config triage-channel <#C0TRIAGE01|triage>", user_id=ADMIN)
    assert "<#C0TRIAGE01>" in body["text"]
    _, body = http.command("/lockstep", "config", user_id=ADMIN)
    assert "<#C0TRIAGE01>" in body["text"]


def test_config_rejects_bad_values(http: SlackHTTP) -> None:
    _, body = http.command("/lockstep", "config triage-channel general", user_id=ADMIN)
    assert "#" in body["text"] and "Try" in body["text"]
    _, body = http.command("/lockstep", "config timezone Mars/Base", user_id=ADMIN)
    assert "time zone" in body["text"]


def test_roles_are_granted_by_admins_only(http: SlackHTTP, slack: FakeSlack) -> None:
    _, body = http.command("/lockstep", "role <@U0MKT00001|dana> marketer", user_id="U0REP00001")
    assert ":lock:" in body["text"]
    _, body = http.command("/lockstep", "role <@U0MKT00001|dana> marketer", user_id=ADMIN)
    assert "is now a marketer" in body["text"]
    _, body = http.command("/lockstep", "role <@U0MKT00001|dana> marketer", user_id=ADMIN)
    assert "already" in body["text"]
    _, body = http.command("/lockstep", "roles")
    assert "<@U0MKT00001>" in body["text"] and f"<@{ADMIN}>" in body["text"]
    _, body = http.command("/lockstep", "role remove <@U0MKT00001> marketer", user_id=ADMIN)
    assert "no longer" in body["text"]
    _, body = http.command("/lockstep", "role <@U0MKT00001> wizard", user_id=ADMIN)
    assert "Try" in body["text"]


def test_commands_are_rate_limited_per_user(http: SlackHTTP) -> None:
    for _ in range(20):
        assert http.command("/lockstep", "roles", user_id="U0BUSY0001")[1]["blocks"]
    status, body = http.command("/lockstep", "roles", user_id="U0BUSY0001")
    assert status == 200 and "more than 20 commands in a minute" in body["text"]
    _, other = http.command("/lockstep", "roles", user_id="U0CALM0001")
    assert "Roles in this workspace" in other["text"]
