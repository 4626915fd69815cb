"""The `/lockstep help` overview."""

from __future__ import annotations

from typing import Any

from bot.text import mrkdwn, plain

# (command, what it does) — every feature adds its commands here so help stays complete.
COMMANDS: list[tuple[str, str]] = [
    ("/lockstep help", "this overview"),
    ("/lockstep config triage-channel #channel", "admins: where marketing triages questions"),
    ("/lockstep config timezone Europe/Paris", "admins: the team's time zone"),
    (
        "/lockstep role @user marketer|leader|rep|admin",
        "admins: grant a role (`role remove` takes it back)",
    ),
    ("/lockstep roles", "who holds which role"),
    ("/prospect-question <question>", "log what a prospect asked; shows similar answered ones"),
    ("/prospect-question", "the full form (prospect, segment, stage, tags, urgency)"),
    ("/prospect-question search <terms>", "answered questions matching your words"),
    ("/prospect-question edit <number> <text>", "reword your own question"),
    ("/prospect-question withdraw <number>", "take your own question back"),
]

INTRO = (
    "*Lockstep keeps sales and marketing in one feedback loop.*\n"
    "• *Reps* log what prospects ask, rate the content they use and request what is missing.\n"
    "• *Marketers* answer, triage and prioritise — every status change goes back to the rep.\n"
    "• *Leaders* set shared goals; Lockstep posts the weekly digest and builds meeting agendas."
)


def help_message() -> dict[str, Any]:
    lines = "\n".join(f"`{cmd}` — {what}" for cmd, what in COMMANDS)
    return {
        "response_type": "ephemeral",
        "text": "Lockstep keeps sales and marketing in one feedback loop. Commands: "
        + ", ".join(cmd.split(" ")[0] for cmd, _ in COMMANDS[:1]),
        "blocks": [
            {"type": "header", "text": plain("Lockstep")},
            {"type": "section", "text": mrkdwn(INTRO)},
            {"type": "divider"},
            {"type": "section", "text": mrkdwn("*Commands*\n" + lines)},
        ],
    }
