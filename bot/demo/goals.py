"""Goal scenes: Leo creates shared goals, the teams log progress, the digest posts, people react."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session

from bot.demo.cast import ANA, DIGEST, LEO, MIA, RAJ, TIMEZONE, in_days, next_monday_at
from bot.demo.runner import TEAM, Stage
from bot.goals.digest_jobs import post_due_digests
from bot.goals.nudges import nudge_goal_owners
from bot.goals.views.digest import LOG_PROGRESS, SIGNAL_HELP, SIGNAL_RISK
from bot.standin.signing import reaction_event
from storage import goals_digests as digests

CONTRACTS, PIPELINE = "Signed contracts", "Marketing-sourced pipeline"


def schedule_digest(stage: Stage) -> None:
    stage.command(
        LEO, "/lockstep", f"config digest monday 09:00 {TIMEZONE} <#{DIGEST}|sales-marketing>"
    )


def create_goals(stage: Stage) -> None:
    stage.scene("Monday 09:00 — Leo sets two goals both teams own")
    for name, unit, target, sales in (
        (CONTRACTS, "deals", "80", ANA),
        (PIPELINE, "k€", "600", RAJ),
    ):
        stage.command(LEO, "/goal", "new")
        stage.fill(
            LEO,
            {
                "name": name,
                "unit": unit,
                "target": target,
                "start": in_days(-3),
                "end": in_days(60),
                "sales_owner": sales.id,
                "marketing_owner": MIA.id,
                "channel": DIGEST,
            },
        )


def nudge_owners(stage: Stage) -> None:
    """Before anyone logged progress, the owners are nudged in their own working hours."""
    at = next_monday_at(9) - timedelta(days=3) + timedelta(hours=8)  # Friday 11:00 in New York
    stage.scene("Friday 11:00 New York — the goal owners are nudged before Monday's digest")
    stage.note(
        f"the nudge job runs as if it were {at:%a %d %b %H:%M} {TIMEZONE}: the owners' zone "
        "(New York) has no working hour in the 24 h before the digest, so their last working "
        "day before it"
    )
    nudge_goal_owners(stage.runtime, at)
    stage.show_new()


def log_progress(stage: Stage) -> None:
    stage.scene("Thursday & Friday — reps and marketing log progress as it happens")
    stage.command(ANA, "/goal", f"update {CONTRACTS} +2 Acme and Globex signed")
    stage.command(RAJ, "/goal", "update signed +1 Initech, after the SSO one-pager")
    stage.command(MIA, "/goal", f"update {PIPELINE} +140 webinar leads accepted by sales")
    stage.command(LEO, "/goal", "list")


def digest(stage: Stage) -> None:
    """The job posts the digest at its scheduled moment; the chart follows in its thread."""
    due = next_monday_at(9)
    stage.scene("Next Monday 09:00 — the weekly digest posts in #sales-marketing")
    stage.note(f"the scheduler's job runs as if it were {due:%a %d %b %H:%M} {TIMEZONE}")
    post_due_digests(stage.runtime, due)
    posted = [c for c in stage.show_new() if c.method == "chat.postMessage"]
    message = next(c for c in posted if c.params.get("channel") == DIGEST)
    stage.keep_link("Weekly digest", message.json("blocks") or [])
    react(stage, str(message.response["ts"]))

    stage.scene("Monday 09:20 — Raj logs a contract from the digest's button")
    stage.press(RAJ, LOG_PROGRESS, where=DIGEST)
    stage.fill(RAJ, {"goal": _option_value(stage, CONTRACTS), "progress": "+1", "note": "Umbrella"})


def react(stage: Stage, ts: str) -> None:
    stage.scene("Monday 09:15 — the teams read the digest (see its legend)")
    for who in (MIA, ANA):
        event = reaction_event("eyes", user=who.id, item_channel=DIGEST, item_ts=ts)
        stage.event(f"{who.label} reacts :eyes: to the digest", event)
    stage.pick(RAJ, SIGNAL_RISK, CONTRACTS, DIGEST)
    stage.pick(MIA, SIGNAL_HELP, CONTRACTS, DIGEST)
    with Session(stage.runtime.engine) as session:
        digest = digests.by_message(session, TEAM, DIGEST, ts)
        recorded = digests.reactions(session, [digest.id]) if digest and digest.id else []
        seen = ", ".join(f"{stage.names[r.user_id]} :{r.reaction}:" for r in recorded)
    stage.note(f"Lockstep recorded {len(recorded)} reactions on this digest: {seen}")
    stage.note(
        "the risk and the help are about Signed contracts only: the agenda shows them there, "
        "not on the on-track pipeline goal"
    )
    stage.note("next week's digest shows how many marketers and reps reacted to this one")


def _option_value(stage: Stage, name: str) -> str:
    """The value of the option called `name` in the form that just opened."""
    view: dict[str, Any] = [c for c in stage.slack.calls if c.method == "views.open"][-1].json(
        "view"
    )
    for block in view["blocks"]:
        for option in block.get("element", {}).get("options", []):
            if option["text"]["text"] == name:
                return str(option["value"])
    raise LookupError(name)
