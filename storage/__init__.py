"""Persistence: SQLModel tables, repositories (one per feature) and Alembic migrations."""
