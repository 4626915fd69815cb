"""`/asset`: the catalog (add, list/search, unused, edit, retire) and its type-ahead options."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot.assets.views import catalog as views
from bot.kernel.messages import ephemeral, usage
from bot.kernel.parsing import command_text, row_id, split_command
from bot.platform import permissions
from storage import assets
from storage.clock import utcnow
from storage.models import Asset

COMMAND = "/asset"


def register(app: Any) -> None:
    app.command(COMMAND)(asset_command)
    app.view(views.ADD_CALLBACK)(add_submitted)
    app.view(views.EDIT_CALLBACK)(edit_submitted)
    app.options(views.ASSET_SELECT)(asset_options)


def may_change(session: Session, context: BoltContext, team: str, user: str, asset: Asset) -> bool:
    """Owners and admins may edit or retire an asset."""
    return user == asset.owner_id or permissions.allowed(session, context["settings"], team, user)


def asset_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    sub, rest = split_command(command_text(command.get("text")))
    team, user = command["team_id"], command["user_id"]
    with Session(context["engine"], expire_on_commit=False) as session:
        if sub == "help":
            ack(usage("Here is what `/asset` does.", *views.EXAMPLES))
        elif sub == "add":
            if not permissions.allowed(session, context["settings"], team, user, "marketer"):
                ack(ephemeral(permissions.refusal("marketers")))
                return
            client.views_open(trigger_id=command["trigger_id"], view=views.asset_modal(None, user))
            ack()
        elif sub in ("edit", "retire"):
            reply = _change(session, context, client, command, sub, rest)
            ack(reply) if reply else ack()
        elif sub == "unused":
            found = assets.unused_assets(session, team, utcnow())
            ack(_listing(session, found, views.unused_heading(len(found)), "No unused assets."))
        else:
            terms = rest if sub in ("list", "search") else " ".join(p for p in (sub, rest) if p)
            found = assets.search(session, team, terms, limit=views.MAX_LISTED + 1)
            empty = "No assets match. A marketer can add one with `/asset add`."
            ack(_listing(session, found, views.search_heading(terms, len(found)), empty))


def _listing(session: Session, found: list[Asset], heading: str, empty: str) -> dict[str, Any]:
    ids = [a.id for a in found[: views.MAX_LISTED] if a.id is not None]
    return views.asset_list(found, assets.stats(session, ids, utcnow()), heading, empty)


def _change(
    session: Session,
    context: BoltContext,
    client: WebClient,
    command: dict[str, Any],
    sub: str,
    rest: str,
) -> dict[str, Any] | None:
    team, user = command["team_id"], command["user_id"]
    ref = row_id(rest.strip().lstrip("#"))
    if ref is None:
        return usage(f"Give the asset's number: `/asset {sub} 12`.", *views.EXAMPLES)
    asset = assets.get(session, team, ref)
    if asset is None or asset.retired_at is not None:
        return views.not_found(rest)
    if not may_change(session, context, team, user, asset):
        return views.owner_only()
    if sub == "retire":
        return views.retired(assets.retire(session, asset))
    client.views_open(trigger_id=command["trigger_id"], view=views.asset_modal(asset, user))
    return None


def add_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    team, user = body["team"]["id"], body["user"]["id"]
    form, errors = views.read_asset_form(view["state"]["values"])
    with Session(context["engine"], expire_on_commit=False) as session:
        if not permissions.allowed(session, context["settings"], team, user, "marketer"):
            ack(response_action="errors", errors={views.B_TITLE: "Only marketers can add assets."})
            return
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        # keyed on the submission, in its own row: a redelivery finds the asset it added
        assets.add_for_delivery(session, team, user, f"view:{view['id']}", **asdict(form))
        session.commit()
    ack()


def edit_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    team, user = body["team"]["id"], body["user"]["id"]
    form, errors = views.read_asset_form(view["state"]["values"])
    ref = view.get("private_metadata", "")
    with Session(context["engine"], expire_on_commit=False) as session:
        number = row_id(ref)
        asset = assets.get(session, team, number) if number is not None else None
        if asset is None or not may_change(session, context, team, user, asset):
            ack(
                response_action="errors",
                errors={views.B_TITLE: "Only the owner or an admin can edit it."},
            )
            return
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        assets.update(session, asset, **asdict(form))
    ack()


def asset_options(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Type-ahead over the catalog for every asset select (feedback, delivery)."""
    with Session(context["engine"], expire_on_commit=False) as session:
        found = assets.search(session, body["team"]["id"], body.get("value") or "", limit=100)
    ack(options=views.options(found))
