"""The prospect-questions scenes: reps ask (some alike), marketing answers, the loop closes."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.cast import ANA, DEALS, MIA, RAJ, TIMEZONE, TRIAGE, next_monday_at
from bot.demo.runner import Stage
from bot.questions.nudges import remind_unanswered
from bot.questions.views import posts
from bot.questions.views.replies import COMMAND, SHORTCUT

FIRST = "Does the platform support SSO with Okta, and is SCIM provisioning included?"
SECOND = "Can Globex's 400 users sign in with Okta SSO, or do they need separate passwords?"
ANSWER = (
    "Yes: SAML 2.0 SSO works with Okta, Azure AD and Google Workspace on every plan, and "
    "SCIM provisioning is included on Business and Enterprise."
)
ASSET = "https://example.com/sso-whitepaper"


def ask(stage: Stage) -> None:
    """Ana logs a question inline; Raj heard it too, then logs a similar one with the form."""
    stage.scene("Monday 11:00 — Ana logs what a prospect asked on a discovery call")
    stage.command(ANA, COMMAND, FIRST)

    stage.scene("Monday 14:30 — Raj's prospect asks the same thing")
    stage.note("Raj follows #marketing-triage too; one click counts him once, no typing")
    stage.press(RAJ, posts.PLUS_ONE_BUTTON, where=TRIAGE, after="Prospect question #1")

    stage.scene("Tuesday 09:40 — Raj logs his Globex call's question with context")
    stage.command(RAJ, COMMAND)
    stage.fill(
        RAJ,
        {
            "question": SECOND,
            "prospect": "Globex",
            "segment": "Fintech",
            "stage": "decision",
            "tags": "security, sso",
            "urgency": "high",
        },
    )


def answer(stage: Stage) -> None:
    """Mia answers the first question, then merges Raj's into it."""
    stage.scene("Tuesday 11:00 — Mia (marketing) answers #1 from the triage post")
    stage.press(MIA, posts.ANSWER_BUTTON, where=TRIAGE, after="Prospect question #1")
    stage.fill(MIA, {"answer": ANSWER, "link": ASSET})
    stage.note("time to first answer is recorded; the demo's week passes in seconds")

    stage.scene("Tuesday 11:05 — Mia marks Raj's #2 as a duplicate of #1")
    stage.press(MIA, posts.DUPLICATE_BUTTON, where=TRIAGE, after="Prospect question #2")
    stage.fill(MIA, {"original": "1"})
    stage.note("Raj's question now counts on #1: a new answer to #1 reaches him too")


def reuse(stage: Stage) -> None:
    """A question from a prospect's message; answered questions come back as an FAQ."""
    stage.scene("Wednesday 16:20 — Ana logs a question posted in a deal channel")
    stage.shortcut(
        ANA,
        SHORTCUT,
        "Log prospect question",
        "Initech's CISO asks: is SCIM provisioning from Azure AD supported, or only Okta?",
        author=RAJ,
        where=DEALS,
    )
    stage.fill(ANA, {"prospect": "Initech", "stage": "consideration"})

    stage.scene("Thursday 08:50 — Raj logs a new question; a similar one is answered")
    stage.command(RAJ, COMMAND, "Is SCIM provisioning included on the Business plan?")

    stage.scene("Thursday 09:00 — before a call, Ana searches the answered questions")
    stage.command(ANA, COMMAND, "search SSO")


def escalate(stage: Stage) -> None:
    """A question nobody answered for 24 working hours is raised in its triage thread."""
    at = next_monday_at(10) + timedelta(days=3)  # Thursday 10:00, past 24 working hours
    stage.scene("Next Thursday 10:00 — questions nobody answered are raised again")
    stage.note(
        f"the reminder job runs as if it were {at:%a %d %b %H:%M} {TIMEZONE}; each asker's DM "
        "waits for their own working hours (New York)"
    )
    remind_unanswered(stage.runtime, at)
    stage.show_new()
