"""`/asset` end to end: add, list with scores, edit, retire, unused, type-ahead options."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.assets.views import catalog as views
from storage import assets
from storage.clock import utcnow
from storage.models import Asset
from tests.blockkit import assert_valid_modal, live_mentions
from tests.conftest import ADMIN, OTHER_TEAM, TEAM
from tests.fake_slack import FakeSlack
from tests.handlers.asset_support import MARKETER, REP, grant, person, sel, txt
from tests.slack_signing import SlackHTTP, block_suggestion_payload, view_submission_payload


def asset_values(
    title: str = "Pricing deck", url: str = "https://example.com/deck"
) -> dict[str, Any]:
    return {
        views.B_TITLE: txt(title),
        views.B_URL: txt(url),
        views.B_KIND: sel("deck"),
        views.B_STAGE: sel("decision"),
        views.B_OWNER: person(MARKETER),
    }


def make_asset(engine: Engine, title: str = "Pricing deck", **extra: Any) -> Asset:
    fields = {
        "url": "https://example.com/x",
        "kind": "deck",
        "stage": "decision",
        "owner_id": MARKETER,
    }
    fields.update(extra)
    with Session(engine, expire_on_commit=False) as session:
        return assets.add(session, TEAM, MARKETER, title=title, **fields)


def all_assets(engine: Engine) -> list[Asset]:
    with Session(engine) as session:
        return list(session.exec(select(Asset)))


def test_only_marketers_open_the_add_modal(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    _, body = http.command("/asset", "add", user_id=REP)
    assert body["text"].startswith(":lock:") and "marketers" in body["text"]
    assert not slack.calls_to("views.open")
    grant(engine, MARKETER)
    status, body = http.command("/asset", "add", user_id=MARKETER)
    assert status == 200 and body == ""
    view = slack.calls_to("views.open")[0].json("view")
    assert view["callback_id"] == views.ADD_CALLBACK
    assert_valid_modal(view)


def test_add_then_list_and_a_retried_submission_adds_once(http: SlackHTTP, engine: Engine) -> None:
    grant(engine, MARKETER)
    payload = view_submission_payload(views.ADD_CALLBACK, asset_values(), user_id=MARKETER)
    assert http.submit(payload) == (200, "")
    assert http.submit(payload) == (200, "")  # Slack delivering the same submission again
    assert len(all_assets(engine)) == 1
    _, body = http.command("/asset", "list", user_id=REP)
    assert "Pricing deck" in body["text"]
    blocks = str(body["blocks"])
    assert (
        "no ratings yet" in blocks
        and "never used" in blocks
        and "<https://example.com/deck|" in blocks
    )
    _, body = http.command("/asset", "pricing", user_id=REP)  # bare words search too
    assert "Pricing deck" in body["text"]
    _, body = http.command("/asset", "list webinar", user_id=REP)
    assert "No assets match" in body["text"]


def test_forged_add_by_a_rep_and_bad_input_store_nothing(http: SlackHTTP, engine: Engine) -> None:
    _, body = http.submit(view_submission_payload(views.ADD_CALLBACK, asset_values(), user_id=REP))
    assert body["response_action"] == "errors"
    grant(engine, MARKETER)
    bad = asset_values(title="", url="javascript:alert(1)")
    bad[views.B_KIND] = sel("poster")
    _, body = http.submit(view_submission_payload(views.ADD_CALLBACK, bad, user_id=MARKETER))
    assert set(body["errors"]) == {views.B_TITLE, views.B_URL, views.B_KIND}
    assert all_assets(engine) == []


def test_titles_are_escaped_in_lists(http: SlackHTTP, engine: Engine) -> None:
    make_asset(engine, "<!channel> <@U0BOSS0001> deck & co")
    _, body = http.command("/asset", "deck", user_id=REP)
    assert live_mentions(body["blocks"], allowed=(MARKETER, "https://example.com/x")) == []
    assert "&lt;!channel&gt;" in body["text"] or "&lt;!channel&gt;" in str(body["blocks"])


def test_owner_edits_and_retires_others_are_refused(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    asset = make_asset(engine)
    _, body = http.command("/asset", f"edit #{asset.id}", user_id=REP)
    assert "Only the asset's owner" in body["text"]
    _, body = http.command("/asset", f"retire {asset.id}", user_id=REP)
    assert "Only the asset's owner" in body["text"]
    http.command("/asset", f"edit {asset.id}", user_id=MARKETER)
    view = slack.calls_to("views.open")[0].json("view")
    assert view["callback_id"] == views.EDIT_CALLBACK and view["private_metadata"] == str(asset.id)
    assert view["blocks"][0]["element"]["initial_value"] == "Pricing deck"
    assert_valid_modal(view)
    forged = view_submission_payload(
        views.EDIT_CALLBACK, asset_values("Hijacked"), user_id=REP, private_metadata=str(asset.id)
    )
    assert http.submit(forged)[1]["response_action"] == "errors"
    edit = view_submission_payload(
        views.EDIT_CALLBACK,
        asset_values("Pricing deck 2027"),
        user_id=MARKETER,
        private_metadata=str(asset.id),
    )
    assert http.submit(edit) == (200, "")
    assert all_assets(engine)[0].title == "Pricing deck 2027"
    _, body = http.command("/asset", f"retire {asset.id}", user_id=ADMIN)  # admins may too
    assert "retired" in body["text"]
    _, body = http.command("/asset", "list", user_id=REP)
    assert "Pricing deck" not in body["text"]
    _, body = http.command("/asset", "edit twelve", user_id=MARKETER)
    assert "Try" in body["text"]


def test_unused_lists_assets_without_use_in_60_days(http: SlackHTTP, engine: Engine) -> None:
    old = utcnow() - timedelta(days=200)
    forgotten = make_asset(engine, "Forgotten whitepaper", created_at=old)
    used = make_asset(engine, "Busy case study", created_at=old)
    make_asset(engine, "Brand new one-pager")
    with Session(engine) as session:
        assets.add_feedback(
            session,
            TEAM,
            "k1",
            asset_id=used.id,
            user_id=REP,
            with_prospect=True,
            rating=4,
            deal_stage="demo",
            created_at=utcnow() - timedelta(days=3),
        )
        assets.add_feedback(
            session,
            TEAM,
            "k2",
            asset_id=forgotten.id,
            user_id=REP,
            with_prospect=True,
            rating=2,
            deal_stage="demo",
            created_at=utcnow() - timedelta(days=61),
        )
    _, body = http.command("/asset", "unused", user_id=REP)
    assert "Forgotten whitepaper" in body["text"]
    assert "Busy case study" not in body["text"] and "Brand new" not in body["text"]
    _, body = http.command("/asset", "case study", user_id=REP)
    assert "resonance *4.0*/5 (1 rating, low confidence)" in str(body["blocks"])


def test_type_ahead_options_match_the_catalog(http: SlackHTTP, engine: Engine) -> None:
    for n in range(120):
        make_asset(engine, f"Pricing sheet {n:03d} " + "x" * 80)
    make_asset(engine, "Security whitepaper")
    make_asset(engine, "Retired pricing", retired_at=utcnow())
    status, body = http.action(block_suggestion_payload(views.ASSET_SELECT, "PRICING"))
    assert status == 200
    options = body["options"]
    assert len(options) == 100
    assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in options)
    assert not any("Retired" in o["text"]["text"] for o in options)
    _, body = http.action(block_suggestion_payload(views.ASSET_SELECT, "secur"))
    assert [o["text"]["text"] for o in body["options"]] == ["Security whitepaper (deck)"]
    _, body = http.action(block_suggestion_payload(views.ASSET_SELECT, "secur", team_id=OTHER_TEAM))
    assert body["options"] == []
