"""Settings: one typed, validated object built from the environment (and an optional `.env`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.kernel.parsing import time_zone

SLACK_DEFAULT_API = "https://slack.com/api/"
README_SETUP = "README.md, section 'Set up the Slack app'"


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable and the fix."""


class Settings(BaseSettings):
    """Everything Lockstep reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    slack_bot_token: str = Field(default="", repr=False)
    slack_app_token: str = Field(default="", repr=False)
    slack_signing_secret: str = Field(default="", repr=False)
    slack_api_base_url: str = SLACK_DEFAULT_API
    # OAuth v2 install for many workspaces (HTTP mode): both set, or neither (one bot token).
    slack_client_id: str = ""
    slack_client_secret: str = Field(default="", repr=False)
    # Where Slack sends the installer back; empty: the one in the app's settings.
    slack_redirect_uri: str = ""
    # Rotating bot tokens are refreshed when they expire within this many minutes.
    lockstep_token_rotation_minutes: int = Field(default=120, ge=1, le=720)
    database_url: str = "sqlite:///lockstep.db"
    lockstep_timezone: str = "UTC"
    lockstep_admins: str = ""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    lockstep_missed_grace_hours: float = 6.0
    lockstep_command_rate_per_minute: int = 20
    # Seconds between Lockstep's posts to one channel (Slack allows about one per second).
    lockstep_post_interval: float = Field(default=1.0, ge=0, le=60)

    @field_validator("slack_api_base_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or not value.endswith("/api/"):
            raise ValueError("must be an http(s) URL ending in /api/, e.g. https://slack.com/api/")
        return value

    @field_validator("lockstep_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        if time_zone(value) is None:
            raise ValueError("must be an IANA time zone name such as Europe/Paris or UTC")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgres")):
            raise ValueError("must be sqlite:///path.db or postgresql+psycopg://user@host/db")
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Settings:
        # Bolt deep-copies each request's context for its lazy listeners; the settings are
        # read-only for the process's life, so they are shared (copying them was ~1 ms an ack).
        return self

    @property
    def oauth(self) -> bool:
        """Installed with "Add to Slack" in many workspaces (tokens from the database)."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def admins(self) -> frozenset[str]:
        """User ids that are always admins: LOCKSTEP_ADMINS, comma or space separated."""
        return frozenset(p for p in self.lockstep_admins.replace(",", " ").split() if p)

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.lockstep_timezone)


def load_settings(
    values: Mapping[str, Any] | None = None, *, env_file: str | None = ".env"
) -> Settings:
    """Settings from `values` (tests) or the environment; ConfigError names the variable."""
    try:
        if values is not None:
            return Settings.model_validate({k.lower(): v for k, v in values.items()})
        return Settings(_env_file=env_file)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "configuration"
        msg = err["msg"].removeprefix("Value error, ")
        raise ConfigError(
            f"{name} {msg}. Set it in the environment or .env ({README_SETUP})."
        ) from None
