"""Migrations produce exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.db import make_engine
from storage.migrate import current_revision, include_object, upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def assert_no_drift(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []
    assert current_revision(engine) is not None


def test_migrations_match_models_on_sqlite(tmp_path: Any) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    assert_no_drift(engine)
    upgrade(engine)  # a second upgrade is a no-op
    assert_no_drift(engine)


def test_migrations_match_models_on_postgresql() -> None:
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    schema = f"m_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
        assert_no_drift(engine)
        engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
