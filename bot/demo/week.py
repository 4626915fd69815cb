"""The week the demo plays: who does what, in order."""

from __future__ import annotations

from bot.demo.runner import Person, Stage

ANA = Person("U0DEMOANA1", "Ana", "rep")
RAJ = Person("U0DEMORAJ1", "Raj", "rep")
MIA = Person("U0DEMOMIA1", "Mia", "marketer")
LEO = Person("U0DEMOLEO1", "Leo", "leader")
PEOPLE = [ANA, RAJ, MIA, LEO]
CHANNELS = {"C0DEMOTRI1": "marketing-triage", "C0DEMODIG1": "sales-marketing"}
TRIAGE, DIGEST = "C0DEMOTRI1", "C0DEMODIG1"


def set_up(stage: Stage) -> None:
    stage.scene("Monday 08:30 — Leo (leader and admin) sets Lockstep up")
    stage.command(LEO, "/lockstep", "help")
    stage.command(LEO, "/lockstep", f"config triage-channel <#{TRIAGE}|marketing-triage>")
    stage.command(LEO, "/lockstep", f"role <@{MIA.id}|mia> marketer")
    stage.command(LEO, "/lockstep", f"role <@{ANA.id}|ana> rep")
    stage.command(LEO, "/lockstep", f"role <@{RAJ.id}|raj> rep")
    stage.command(LEO, "/lockstep", f"role <@{LEO.id}|leo> leader")


def play(stage: Stage) -> None:
    """Every scene, in order."""
    set_up(stage)
