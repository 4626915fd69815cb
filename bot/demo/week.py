"""The week the demo plays: who does what, in order."""

from __future__ import annotations

from bot.demo import goals, meetings, questions
from bot.demo.cast import ANA, CHANNELS, LEO, MIA, PEOPLE, RAJ, TRIAGE, in_days
from bot.demo.runner import Stage

__all__ = ["CHANNELS", "LEO", "PEOPLE", "play"]


def set_up(stage: Stage) -> None:
    stage.scene("Monday 08:30 — Leo (leader and admin) sets Lockstep up")
    stage.command(LEO, "/lockstep", "help")
    stage.command(LEO, "/lockstep", f"config triage-channel <#{TRIAGE}|marketing-triage>")
    stage.command(LEO, "/lockstep", f"role <@{MIA.id}|mia> marketer")
    stage.command(LEO, "/lockstep", f"role <@{ANA.id}|ana> rep")
    stage.command(LEO, "/lockstep", f"role <@{RAJ.id}|raj> rep")
    stage.command(LEO, "/lockstep", f"role <@{LEO.id}|leo> leader")
    goals.schedule_digest(stage)


def content(stage: Stage) -> None:
    """Mia adds a whitepaper; Ana rates it; Raj's content request goes from triage to delivery."""
    from bot.assets.views import catalog as av
    from bot.assets.views import feedback as fb
    from bot.content_requests.views import forms as cr
    from bot.content_requests.views import posts

    stage.scene("Tuesday 11:30 — Mia (marketing) adds the SSO whitepaper to the catalog")
    stage.command(MIA, "/asset", "add")
    stage.fill(
        MIA,
        {
            av.B_TITLE: "Enterprise SSO & SCIM whitepaper",
            av.B_URL: "https://example.com/sso-whitepaper",
            av.B_KIND: "whitepaper",
            av.B_STAGE: "consideration",
        },
    )

    stage.scene("Tuesday 15:10 — Ana used it on a call and rates it")
    stage.command(ANA, "/asset-feedback", "SSO")
    stage.fill(
        ANA,
        {
            fb.B_PROSPECT: "yes",
            fb.B_RATING: "5",
            fb.B_DEAL: "proposal",
            fb.B_WORKED: "The SCIM diagram answered the CISO's questions",
            fb.B_MISSING: "A one-page summary for the buyer",
        },
    )

    stage.scene("Wednesday 11:00 — Raj asks marketing for a one-pager; Ana too")
    stage.command(RAJ, "/content-request")
    stage.fill(
        RAJ,
        {
            cr.B_WHAT: "A one-page SSO summary for economic buyers",
            cr.B_WHY: "Two deals in proposal stage stall on security review",
            cr.B_STAGE: "proposal",
        },
    )
    stage.press(ANA, posts.PLUS_ONE_BUTTON, where=TRIAGE)

    stage.scene("Wednesday 14:00 — Mia triages it: accepted, started, delivered")
    stage.press(MIA, posts.ACCEPT_BUTTON, where=TRIAGE)
    stage.fill(MIA, {cr.B_PRIORITY: "P1", cr.B_EXPECTED: in_days(2)})
    stage.press(MIA, posts.START_BUTTON, where=TRIAGE)
    stage.press(MIA, posts.DELIVER_BUTTON, where=TRIAGE)
    stage.fill(
        MIA,
        {
            cr.B_NEW_TITLE: "SSO one-pager for buyers",
            cr.B_NEW_URL: "https://example.com/sso-one-pager",
            cr.B_NEW_KIND: "one-pager",
        },
    )


def play(stage: Stage) -> None:
    """Every scene, in order."""
    set_up(stage)
    goals.create_goals(stage)
    goals.nudge_owners(stage)
    meetings.set_up_series(stage)
    questions.ask(stage)
    questions.answer(stage)
    content(stage)
    questions.reuse(stage)
    questions.resolve(stage)
    goals.log_progress(stage)
    meetings.add_topic(stage)
    goals.digest(stage)
    meetings.agenda(stage)
    questions.escalate(stage)
    questions.stale(stage)
    questions.gaps(stage)
