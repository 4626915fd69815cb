""" "Add to Slack" for many workspaces: Bolt's OAuth flow on Lockstep's database.

Nothing here speaks OAuth: Bolt's OAuthFlow serves /slack/install and /slack/oauth_redirect,
checks the state (slack_sdk's SQLAlchemyOAuthStateStore: single use, 10 minutes, and tied to
the installer's browser by a cookie), exchanges the code with oauth.v2.access and saves the
installation (SQLAlchemyInstallationStore); Bolt's authorize reads each request's token from it
and rotates it when it is about to expire. Lockstep adds only what an installation means to it:
the installing user becomes the workspace's first admin.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize, InstallationStoreAuthorize
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from sqlmodel import Session

from bot.platform.background import LAZY_RUN
from bot.platform.delivery import LazyRunFailed
from bot.platform.runtime import Runtime
from bot.platform.scopes import SCOPES
from storage import installations, roles
from storage import outbox as outbox_rows

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


def oauth_settings(runtime: Runtime) -> OAuthSettings:
    settings = runtime.settings
    assert runtime.tokens.store is not None  # built by build_tokens when OAuth is on
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=sorted(SCOPES),
        redirect_uri=settings.slack_redirect_uri or None,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=runtime.tokens.store,
        state_store=installations.state_store(runtime.engine),
        token_rotation_expiration_minutes=settings.lockstep_token_rotation_minutes,
        callback_options=CallbackOptions(success=_Installed(runtime), failure=_failed),
    )


class _FollowUpsRetry(Authorize):
    """Bolt's authorize, except for a recorded follow-up: Bolt answers an authorize that found
    nothing by telling the person, on the response_url, to reinstall the app. The ack was
    authorized; "nothing" for its follow-up is an auth.test that failed (an outage) or an
    uninstall since. That raises instead, so the outbox retries it quietly, or gives up on it
    as on any follow-up that keeps failing."""

    def __init__(self, inner: Authorize) -> None:
        self.inner = inner

    def __call__(self, *, context: BoltContext, **ids: Any) -> AuthorizeResult | None:
        result = self.inner(context=context, **ids)
        if result is None and context.get(LAZY_RUN):
            raise LazyRunFailed("the follow-up's workspace could not be authorized")
        return result


def authorize(runtime: Runtime) -> Authorize:
    """Bolt's own authorize on the installation store, rotating through Lockstep's rotator: on
    SLACK_API_BASE_URL, one process at a time, saving the whole installation (bot.platform.tokens).
    Given to App(authorize=...); OAuthSettings would build one on slack.com's default client."""
    settings = runtime.settings
    assert runtime.tokens.store is not None
    built = InstallationStoreAuthorize(
        logger=logging.getLogger("lockstep.bolt"),
        installation_store=runtime.tokens.store,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        token_rotation_expiration_minutes=settings.lockstep_token_rotation_minutes,
        client=WebClient(base_url=settings.slack_api_base_url, timeout=10),
    )
    if runtime.tokens.rotator is not None:
        built.token_rotator = runtime.tokens.rotator
    return _FollowUpsRetry(built)


def purge_states(runtime: Runtime, now: datetime) -> dict[str, int]:
    """The periodic task (OAuth mode): delete the OAuth states that expired unused."""
    if not runtime.tokens.per_workspace:
        return {}
    with runtime.engine.begin() as conn:
        return {"expired_states": installations.purge_expired_states(conn, now)}


def _failed(args: FailureArgs) -> BoltResponse:
    """Bolt's own failure page (a bad, reused or expired state; a refused code)."""
    log.warning("an installation failed: %s", args.reason)
    return args.default.failure(args)


class _Installed:
    """After Bolt saved an installation: its installer is the workspace's first admin, and
    posts paused for a refused token are due again (a reinstall resumes the workspace)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def __call__(self, args: SuccessArgs) -> BoltResponse:
        team = args.installation.team_id or ""
        user = args.installation.user_id
        with Session(self.runtime.engine) as session:
            if not roles.members_with(session, team, "admin"):
                roles.grant(session, team, user, "admin", granted_by=user)
            outbox_rows.resume_paused(session, team)
        self.runtime.tokens.forget(team)
        log.info("Lockstep installed in team %s by %s", team, user)
        return args.default.success(args)
