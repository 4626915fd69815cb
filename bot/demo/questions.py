"""The prospect-questions scenes: reps ask (some alike), marketing answers, the loop closes;
answers stay true, reps say when one answers them, and the gaps become content requests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.demo.cast import ANA, DEALS, MIA, RAJ, TIMEZONE, TRIAGE, next_monday_at
from bot.demo.runner import Stage
from bot.gaps.views import report as gap_views
from bot.questions import review
from bot.questions.nudges import remind_unanswered
from bot.questions.views import posts, ratings
from bot.questions.views import review as review_views
from bot.questions.views.replies import COMMAND, SHORTCUT
from storage.clock import utcnow
from storage.models import Answer

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


def resolve(stage: Stage) -> None:
    """Raj's new question was answered already: one click resolves it with that answer."""
    stage.scene("Thursday 08:52 — Raj reads #1's answer under his #4: it answers his question")
    stage.press_in_reply(RAJ, ratings.ANSWERS_BUTTON, after="*#1*")
    stage.note("#4 is resolved with #1's answer: Raj counts on #1, marketing has nothing to do")


def stale(stage: Stage) -> None:
    """Months later #1's answer is due: it is flagged, and Mia is asked whether it still holds."""
    stage.scene("Three months later — #1's answer passes its review date (90 days)")
    with Session(stage.runtime.engine) as session:
        later = age_answers(session, days=91)
    stage.note("the demo moves its answers 91 days into the past instead of waiting")
    stage.command(ANA, COMMAND, "search SSO")
    stage.note("Ana still finds it, flagged as not verified since it was given")
    # Review DMs go out in the person's working hours (Mia's zone is New York): the job runs
    # as if it were Monday 17:00 in Paris, 11:00 in New York.
    review.send_due_reviews(stage.runtime, max(later, next_monday_at(17)))
    stage.show_new()
    stage.scene("Mia checks the answer: SCIM is still on Business and Enterprise")
    stage.press(MIA, review_views.VERIFY_BUTTON, where=MIA.id)
    stage.command(ANA, COMMAND, "search SSO")


def gaps(stage: Stage) -> None:
    """What nothing answers yet, and a content request made from it."""
    stage.scene("Friday 10:00 — reps keep hearing about SOC 2; nobody has answered yet")
    stage.command(ANA, COMMAND, "Do you have a SOC 2 Type II report we can send?")
    stage.command(RAJ, COMMAND, "Can Globex's auditors see the SOC 2 audit results?")
    stage.command(ANA, COMMAND, "Which SOC 2 controls cover customer data backups?")
    stage.scene("Friday 11:00 — Mia asks what prospects ask that nothing answers")
    stage.command(MIA, "/lockstep", "gaps")
    stage.settle()
    stage.scene("Friday 11:05 — Mia turns the top gap into a content request")
    stage.press_in_reply(MIA, gap_views.REQUEST_BUTTON)
    stage.fill(MIA, {})
    stage.note("when it is delivered, Ana and Raj (who asked) get it too")


def age_answers(session: Session, days: int) -> datetime:
    """Every answer given `days` earlier (the demo's way of letting months pass); the moment
    their review would now be done."""
    for a in session.exec(select(Answer)):
        shift = timedelta(days=days)
        a.created_at -= shift
        a.verified_at = (a.verified_at or a.created_at) - shift
        a.review_by = (a.review_by or a.created_at) - shift
        session.add(a)
    session.commit()
    return utcnow()


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
