"""What every `lockstep` command shares: one-line failures, settings, the migrated database."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

from bot.platform.config import ConfigError, Settings, load_settings
from storage.db import make_engine
from storage.migrate import upgrade


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"lockstep: {message}", err=True)
    sys.exit(code)


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(str(exc))


def database() -> Any:
    """The configured database, migrated to the current schema."""
    settings = settings_or_exit()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    return engine
