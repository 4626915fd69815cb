"""The `/lockstep help` overview."""

from __future__ import annotations

from typing import Any

from bot.kernel.text import mrkdwn, plain

# (command, what it does) — every feature adds its commands here so help stays complete.
COMMANDS: list[tuple[str, str]] = [
    ("/lockstep help", "this overview"),
    ("/lockstep config triage-channel #channel", "admins: where marketing triages questions"),
    ("/lockstep config timezone Europe/Paris", "admins: the team's time zone"),
    ("/lockstep config answer-review 90", "admins: days before an answer is checked again"),
    (
        "/lockstep role @user marketer|leader|rep|admin",
        "admins: grant a role (`role remove` takes it back)",
    ),
    ("/lockstep roles", "who holds which role"),
    ("/lockstep away <from> [to] [note], /lockstep back", "no nudges while you are away"),
    ("/lockstep config nudges|working-hours|holiday", "admins: nudges, hours, holidays"),
    ("/lockstep stats", "questions asked, answered, resolved by an answer; time to answer"),
    ("/lockstep gaps [30|90]", "what prospects ask that no answer or asset covers yet"),
    ("/asset [list words]", "the asset catalog with resonance scores (`/asset unused`: not used)"),
    ("/asset add | edit 12 | retire 12", "marketers: add an asset; owners and admins: change it"),
    ("/asset-feedback [words]", "rate an asset you used with a prospect"),
    ("/content-request", "ask marketing for content; `/content-request list` shows the queue"),
    ("/lockstep config digest monday 09:00 [Europe/Paris] #channel", "admins: the weekly digest"),
    ("/lockstep preview digest", "the next weekly digest, only to you, now"),
    ("/goal new", "leaders: create a shared goal (`/goal edit|archive <goal>` change one)"),
    ("/goal update <goal> <value | +change> [note]", "anyone on either team: log progress"),
    ("/goal list", "every goal with progress, pace and owners"),
    ("/agenda setup", "leaders: set up a meeting series whose agenda Lockstep builds and posts"),
    ("/agenda list", "meeting series, their schedules and next meetings"),
    ("/agenda add <series> <topic>", "put a topic on the next agenda (others vote on it)"),
    ("/agenda preview <series>", "the next agenda, to you only, now"),
    (
        "/agenda pause|resume <series>, /agenda skip <series> <YYYY-MM-DD>",
        "leaders: pause a series or skip one meeting",
    ),
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
