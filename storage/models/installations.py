"""Slack installations (OAuth v2) and OAuth states: slack_sdk's own SQLAlchemy tables.

The tables are slack_sdk's (`SQLAlchemyInstallationStore`, `SQLAlchemyOAuthStateStore`), built
by its own functions on this metadata so that migrations (0015) and tests create exactly what
the library reads and writes. Tokens are stored as the library stores them (not encrypted):
the database is as secret as the tokens; see docs/features.md, "Installing in many workspaces".
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Index
from sqlmodel import SQLModel

INSTALLATIONS = SQLAlchemyInstallationStore.default_installations_table_name
BOTS = SQLAlchemyInstallationStore.default_bots_table_name
STATES = "slack_oauth_states"  # SQLAlchemyOAuthStateStore's default table name

installations_table = SQLAlchemyInstallationStore.build_installations_table(
    SQLModel.metadata, INSTALLATIONS
)
bots_table = SQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, BOTS)
oauth_states_table = SQLAlchemyOAuthStateStore.build_oauth_states_table(SQLModel.metadata, STATES)
# Looked up by state on every /slack/oauth_redirect (migration 0016).
Index("slack_oauth_states_state_idx", oauth_states_table.c.state)
