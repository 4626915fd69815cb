from __future__ import annotations

import pytest

from bot.platform.config import ConfigError, load_settings


def test_defaults_are_sqlite_and_utc() -> None:
    settings = load_settings({})
    assert settings.database_url == "sqlite:///lockstep.db"
    assert settings.lockstep_timezone == "UTC"
    assert settings.slack_api_base_url == "https://slack.com/api/"


@pytest.mark.parametrize(
    ("name", "value", "hint"),
    [
        ("SLACK_API_BASE_URL", "http://127.0.0.1:9/api", "/api/"),
        ("LOCKSTEP_TIMEZONE", "Mars/Olympus", "IANA"),
        ("DATABASE_URL", "mysql://x", "sqlite"),
        ("LOG_LEVEL", "chatty", "LOG_LEVEL"),
    ],
)
def test_bad_value_names_the_variable(name: str, value: str, hint: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings({name: value})
    message = str(err.value)
    assert message.startswith(name)
    assert hint in message
    assert "\n" not in message


def test_admins_and_postgres_url_are_normalised() -> None:
    settings = load_settings(
        {"LOCKSTEP_ADMINS": "U1, U2  U3", "DATABASE_URL": "postgresql://u@h/db"}
    )
    assert settings.admins == {"U1", "U2", "U3"}
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_secrets_stay_out_of_repr() -> None:
    settings = load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-secret-123", "SLACK_SIGNING_SECRET": "s3cr3t!"}
    )
    assert "xoxb-secret-123" not in repr(settings)
    assert "s3cr3t!" not in repr(settings)


def test_time_zone_parsing_never_raises() -> None:
    from bot.kernel.parsing import time_zone

    assert time_zone("Europe/Paris") is not None and time_zone(" UTC ") is not None
    for bad in ["x" * 50_000, "../../etc/passwd", "/etc/localtime", "Mars/Base", "", None, "\x00"]:
        assert time_zone(bad) is None
