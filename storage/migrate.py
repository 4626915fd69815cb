"""Apply Alembic migrations programmatically (`lockstep db upgrade`, `lockstep run`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from storage import questions_search as search

MIGRATIONS = Path(__file__).parent / "migrations"
# Objects not described by our models: the full-text search objects of storage.questions_search.
FOREIGN_TABLES = search.TABLES
FOREIGN_INDEXES = search.INDEXES


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave library-owned tables out of autogenerate comparisons."""
    if type_ == "table" and name in FOREIGN_TABLES:
        return False
    if type_ == "index" and name in FOREIGN_INDEXES:
        return False
    table = getattr(obj, "table", None)
    return not (table is not None and getattr(table, "name", None) in FOREIGN_TABLES)


def alembic_config(engine: Engine | None = None, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind `engine` to `revision`."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
