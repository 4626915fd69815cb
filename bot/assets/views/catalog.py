"""Block Kit for the asset catalog: the add/edit modal, lists with scores, select options."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.kernel.forms import (
    modal,
    option,
    state_value,
    static_select,
    text_input,
    user_input,
)
from bot.kernel.messages import ephemeral
from bot.kernel.text import escape, mrkdwn, safe, truncate, user_mention
from storage.models import Asset
from storage.models.assets import ASSET_KINDS, FUNNEL_STAGES
from storage.scoring import AssetStats

ADD_CALLBACK = "asset_add"
EDIT_CALLBACK = "asset_edit"
ASSET_SELECT = "asset_pick"  # the external select over the catalog (block_suggestion)
B_TITLE, B_URL, B_KIND, B_STAGE, B_OWNER = "title", "url", "kind", "stage", "owner"
MAX_LISTED = 20
URL = re.compile(r"^https?://[^\s<>|]+$")
EXAMPLES = (
    "/asset add",
    "/asset list pricing",
    "/asset unused",
    "/asset edit 12",
    "/asset retire 12",
)


@dataclass(frozen=True)
class AssetForm:
    title: str
    url: str
    kind: str
    stage: str
    owner_id: str


def asset_modal(asset: Asset | None, owner: str) -> dict[str, Any]:
    """Add a new asset (asset None) or edit one (its id rides in private_metadata)."""
    kinds = [(k.capitalize(), k) for k in ASSET_KINDS]
    stages = [(s.capitalize(), s) for s in FUNNEL_STAGES]
    blocks = [
        text_input(B_TITLE, "Title", initial=asset.title if asset else "", max_length=200),
        text_input(
            B_URL,
            "Link",
            initial=asset.url if asset else "",
            max_length=2000,
            placeholder="https://…",
        ),
        static_select(B_KIND, "Type", kinds, initial=asset.kind if asset else None),
        static_select(B_STAGE, "Funnel stage", stages, initial=asset.stage if asset else None),
        user_input(B_OWNER, "Owner", initial=asset.owner_id if asset else owner),
    ]
    if asset is None:
        return modal(ADD_CALLBACK, "Add an asset", blocks, submit="Add")
    return modal(EDIT_CALLBACK, "Edit asset", blocks, metadata=str(asset.id))


def read_asset_form(values: dict[str, Any]) -> tuple[AssetForm | None, dict[str, str]]:
    """The submitted asset, or inline errors by block id."""
    title = state_value(values, B_TITLE) or ""
    url = state_value(values, B_URL) or ""
    kind = state_value(values, B_KIND) or ""
    stage = state_value(values, B_STAGE) or ""
    owner = state_value(values, B_OWNER) or ""
    errors = {}
    if not title:
        errors[B_TITLE] = "Give the asset a title."
    if not URL.match(url):
        errors[B_URL] = "Paste a full link starting with https://"
    if kind not in ASSET_KINDS:
        errors[B_KIND] = "Choose a type."
    if stage not in FUNNEL_STAGES:
        errors[B_STAGE] = "Choose a funnel stage."
    if not owner:
        errors[B_OWNER] = "Choose the asset's owner."
    if errors:
        return None, errors
    return AssetForm(title[:200], url, kind, stage, owner), {}


def link(asset: Asset, limit: int = 150) -> str:
    """The asset's title as a mrkdwn link (URLs were validated when the asset was saved)."""
    return f"<{asset.url}|{safe(asset.title, limit)}>"


def score_text(stats: AssetStats | None) -> str:
    if stats is None or stats.resonance.score is None:
        return "no ratings yet"
    r = stats.resonance
    plural = "rating" if r.count == 1 else "ratings"
    return f"resonance *{r.score:.1f}*/5 ({r.count} {plural}, {r.confidence} confidence)"


def usage_text(stats: AssetStats | None) -> str:
    if stats is None or not stats.uses:
        return "never used"
    last = stats.last_used.strftime("%Y-%m-%d") if stats.last_used else "?"
    return f"used {stats.uses}× · last used {last}"


def asset_line(asset: Asset, stats: AssetStats | None) -> str:
    return (
        f"*{link(asset)}*  `#{asset.id}` · {escape(asset.kind)} · {escape(asset.stage)} · "
        f"owner {user_mention(asset.owner_id)}\n{score_text(stats)} · {usage_text(stats)}"
    )


def asset_list(
    assets: list[Asset], stats: dict[int, AssetStats], heading: str, empty: str
) -> dict[str, Any]:
    """An ephemeral list of assets with their scores (at most MAX_LISTED)."""
    if not assets:
        return ephemeral(empty)
    shown = assets[:MAX_LISTED]
    blocks: list[dict[str, Any]] = [{"type": "section", "text": mrkdwn(heading)}]
    for asset in shown:
        text = asset_line(asset, stats.get(asset.id or 0))
        blocks.append({"type": "section", "text": mrkdwn(truncate(text, 3000))})
    if len(assets) > len(shown):
        blocks.append(
            {"type": "context", "elements": [mrkdwn("More match: narrow the search words.")]}
        )
    fallback = heading + " " + ", ".join(safe(a.title, 60) for a in shown)
    return {"response_type": "ephemeral", "text": truncate(fallback, 3000), "blocks": blocks}


def search_heading(terms: str, count: int) -> str:
    if terms:
        return f"*Assets matching “{safe(terms, 100)}”* ({count})"
    return f"*Asset catalog* ({count})"


def unused_heading(count: int) -> str:
    return f"*Unused assets* ({count}): nobody reported using these in 60 days."


def asset_option(asset: Asset) -> dict[str, Any]:
    return option(f"{asset.title} ({asset.kind})", str(asset.id))


def options(assets: list[Asset]) -> list[dict[str, Any]]:
    return [asset_option(a) for a in assets[:100]]


def saved(asset: Asset, *, created: bool) -> dict[str, Any]:
    verb = "added to the catalog" if created else "updated"
    return ephemeral(f":white_check_mark: {link(asset)} (`#{asset.id}`) {verb}.")


def retired(asset: Asset) -> dict[str, Any]:
    return ephemeral(f":file_cabinet: {link(asset)} (`#{asset.id}`) is retired.")


def not_found(ref: str) -> dict[str, Any]:
    return ephemeral(f":mag: No asset `{safe(ref, 40)}` here. `/asset list` shows the ids (`#12`).")


def owner_only() -> dict[str, Any]:
    return ephemeral(":lock: Only the asset's owner or an admin can change it.")
