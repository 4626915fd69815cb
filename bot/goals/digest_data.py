"""Collecting a digest's data from storage: goals, this week's changes, the loop, engagement."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.goals.digest import DigestData, Engagement, GoalFigures, LoopStats
from storage import goals, loop, questions_ratings, roles
from storage import goals_digests as digests
from storage.clock import to_local
from storage.models import Digest, Goal, Workspace
from storage.people import away_on

WEEK = timedelta(days=7)


def collect_loop_stats(
    session: Session, team_id: str, since: datetime, until: datetime
) -> LoopStats:
    """ "This week in the loop" from the questions and assets/requests features; a part with no
    data stays empty (None), and the digest leaves its line out."""
    ratings = loop.asset_ratings(session, team_id, since, until)
    best = [(title, mean) for title, mean, _ in ratings[:3]]
    worst = (
        [(title, mean) for title, mean, _ in reversed(ratings[3:])][:3] if len(ratings) > 3 else []
    )
    delivered = loop.requests_delivered(session, team_id, since, until)
    still_open = loop.requests_open(session, team_id)
    answered = loop.questions_answered(session, team_id, since, until)
    asked = loop.question_counts(session, team_id, since, until)
    resolved = asked.get("resolved", 0)
    missed = questions_ratings.answers_missed(session, team_id, since, until)
    times = []
    for days in (7, 30):
        found = loop.answer_times(session, team_id, until - timedelta(days=days), until)
        if found is not None:
            times.append((days, found.count, found.median, found.p90))
    return LoopStats(
        answer_times=times,
        top_questions=loop.top_voted_questions(session, team_id, since, until, limit=3),
        questions_answered=answered or None,
        best_assets=best,
        worst_assets=worst,
        requests_delivered=delivered or None,
        requests_open=still_open or None,
        deflected=(resolved, sum(asked.values())) if resolved else None,
        answers_missed=missed or None,
    )


def digest_channel_of(goal: Goal, default: str | None) -> str | None:
    """The channel whose digest shows this goal (its own, else the workspace's digest channel)."""
    return goal.channel or default


def shown_on(session: Session, digest: Digest, goal: Goal) -> bool:
    """Whether the digest showed this goal (in its per-goal menus): an active goal of the
    digest's channel."""
    ws = session.get(Workspace, digest.team_id)
    default = ws.digest_channel if ws is not None else None
    return (
        goal.team_id == digest.team_id
        and not goal.archived
        and digest_channel_of(goal, default) == digest.channel
    )


def goals_for(
    session: Session, team_id: str, channel: str | None, default: str | None
) -> list[Goal]:
    """The team's active goals, or only those whose digest goes to `channel`."""
    found = goals.active(session, team_id)
    if channel is None:
        return found
    return [g for g in found if digest_channel_of(g, default) == channel]


def collect(
    session: Session,
    team_id: str,
    zone: ZoneInfo,
    now: datetime,
    team_goals: list[Goal],
) -> DigestData:
    """Everything the digest shows, for the week ending `now` (one windowed update query)."""
    since = now - WEEK
    return DigestData(
        today=to_local(now, zone).date(),
        goals=goal_figures(session, team_id, since, now, team_goals, to_local(now, zone).date()),
        loop=collect_loop_stats(session, team_id, since, now),
        engagement=engagement(session, team_id, now),
    )


def goal_figures(
    session: Session,
    team_id: str,
    since: datetime,
    now: datetime,
    team_goals: list[Goal],
    today: date,
) -> list[GoalFigures]:
    """Each goal as the digest shows it, with its change and contributors in [since, now);
    owners away on `today` (the workspace's local date) are marked."""
    change, people = goals.week_summary(session, team_id, since, now)
    away = {p.user_id for p in away_on(session, team_id, today)}
    return [
        GoalFigures(
            goal_id=g.id or 0,
            name=g.name,
            unit=g.unit,
            target=g.target,
            value=g.current_value,
            start=g.start_date,
            end=g.end_date,
            sales_owner=g.sales_owner,
            marketing_owner=g.marketing_owner,
            week_change=change.get(g.id or 0, 0.0),
            contributors=tuple(people.get(g.id or 0, [])),
            away=tuple(u for u in dict.fromkeys((g.sales_owner, g.marketing_owner)) if u in away),
        )
        for g in team_goals
    ]


def engagement(session: Session, team_id: str, before: datetime) -> Engagement | None:
    """How many marketers and reps reacted to the team's previous digest; None if none yet."""
    previous = digests.previous(session, team_id, before)
    if not previous:
        return None
    reactors = {r.user_id for r in digests.reactions(session, [d.id for d in previous if d.id])}
    marketers = reactors & set(roles.members_with(session, team_id, "marketer"))
    reps = (reactors - marketers) & set(roles.members_with(session, team_id, "rep"))
    return Engagement(len(marketers), len(reps), len(reactors - marketers - reps))
