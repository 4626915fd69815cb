"""The weekly digest's content, pure: goal figures, loop stats and engagement in, mrkdwn lines out.

bot/goals/views/digest.py puts these lines into Block Kit; nothing here knows Slack or the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.goals.pace import Pace, standing
from bot.kernel.text import duration, safe, user_mention

BAR_WIDTH = 10
MAX_CONTRIBUTORS = 5
SECTION_LIMIT = 3000
PACE_EMOJI = {
    Pace.ON_TRACK: ":large_green_circle:",
    Pace.AT_RISK: ":large_yellow_circle:",
    Pace.BEHIND: ":red_circle:",
}
LEGEND = (
    "react :eyes: seen · about one goal, pick it under :raised_hands: I can help or "
    ":warning: I see a risk below"
)


@dataclass(frozen=True)
class GoalFigures:
    """One goal as the digest sees it."""

    goal_id: int
    name: str
    unit: str
    target: float
    value: float
    start: date
    end: date
    sales_owner: str
    marketing_owner: str
    week_change: float = 0.0
    contributors: tuple[str, ...] = ()
    away: tuple[str, ...] = ()  # owners away on the digest's day (said when the goal is behind)


@dataclass(frozen=True)
class LoopStats:
    """ "This week in the loop": None or empty means no data, and the line is left out."""

    top_questions: list[tuple[str, int]] = field(default_factory=list)  # (question, +1s)
    questions_answered: int | None = None
    best_assets: list[tuple[str, float]] = field(default_factory=list)  # (title, rating)
    worst_assets: list[tuple[str, float]] = field(default_factory=list)
    requests_delivered: int | None = None
    requests_open: int | None = None
    # (new questions resolved by an existing answer, new questions), and answers marked
    # “Not quite”, this week.
    deflected: tuple[int, int] | None = None
    answers_missed: int | None = None
    # Time to first answer over the last 7 and 30 days: (days, count, median, p90).
    answer_times: list[tuple[int, int, timedelta, timedelta]] = field(default_factory=list)


@dataclass(frozen=True)
class Engagement:
    """Who reacted to the previous digest."""

    marketers: int
    reps: int
    others: int = 0


@dataclass(frozen=True)
class DigestData:
    today: date  # in the workspace's time zone
    goals: list[GoalFigures]
    loop: LoopStats = field(default_factory=LoopStats)
    engagement: Engagement | None = None


def number(value: float) -> str:
    """12, 1,250 or 3.75: no trailing zeros."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def bar(share: float, width: int = BAR_WIDTH) -> str:
    filled = round(min(max(share, 0.0), 1.0) * width)
    return "▰" * filled + "▱" * (width - filled)


def goal_line(goal: GoalFigures, today: date) -> str:
    """A goal in two or three lines of escaped mrkdwn (owners mentioned only when behind)."""
    s = standing(goal.value, goal.target, goal.start, goal.end, today)
    unit = f" {safe(goal.unit, 30)}" if goal.unit else ""
    head = (
        f"*{safe(goal.name, 100)}*  `{bar(s.progress)}` {number(goal.value)}/"
        f"{number(goal.target)}{unit} ({round(s.progress * 100)}%)"
    )
    verdict = ":tada: target reached" if s.complete else f"{PACE_EMOJI[s.pace]} {s.pace.value}"
    parts = [f"{verdict} (expected {round(s.expected * 100)}%)", _change(goal.week_change)]
    if goal.contributors:
        parts.append("by " + _people(goal.contributors))
    lines = [head, " · ".join(parts)]
    if s.pace is Pace.BEHIND and not s.complete:
        owners = f"{user_mention(goal.sales_owner)} {user_mention(goal.marketing_owner)}"
        lines.append(f":point_right: {owners} this goal is behind: can you agree a next step?")
        if goal.away:
            gone = " and ".join(user_mention(u) for u in goal.away)
            lines.append(f":palm_tree: {gone} {'is' if len(goal.away) == 1 else 'are'} away.")
    return "\n".join(lines)


def signal_note(risks: int, helps: int) -> str:
    """“⚠️ 2 see a risk · 🙌 1 can help” from the latest digest's per-goal picks; "" for none."""
    parts = []
    if risks:
        parts.append(f":warning: {risks} see{'s' * (risks == 1)} a risk")
    if helps:
        parts.append(f":raised_hands: {helps} can help")
    return " · ".join(parts)


def _change(delta: float) -> str:
    if delta == 0:
        return "no change this week"
    sign = "+" if delta > 0 else "−"
    return f"{sign}{number(abs(delta))} this week"


def _people(users: tuple[str, ...]) -> str:
    shown = ", ".join(user_mention(u) for u in users[:MAX_CONTRIBUTORS])
    more = len(users) - MAX_CONTRIBUTORS
    return shown + (f" and {more} more" if more > 0 else "")


def pack(lines: list[str], limit: int = SECTION_LIMIT) -> list[str]:
    """Join lines (blank line between) into as few texts of at most `limit` chars as possible."""
    packed: list[str] = []
    for line in lines:
        line = line[:limit]
        if packed and len(packed[-1]) + 2 + len(line) <= limit:
            packed[-1] += "\n\n" + line
        else:
            packed.append(line)
    return packed


def summary(goals: list[GoalFigures], today: date) -> str:
    if not goals:
        return "No shared goals yet."
    counts = {p: 0 for p in Pace}
    for goal in goals:
        counts[standing(goal.value, goal.target, goal.start, goal.end, today).pace] += 1
    noun = "goal" if len(goals) == 1 else "goals"
    return f"{len(goals)} {noun}: " + ", ".join(f"{counts[p]} {p.value}" for p in Pace)


def loop_lines(stats: LoopStats) -> list[str]:
    """One escaped line per kind of loop data that exists; none when there is none."""
    lines = []
    if stats.top_questions:
        asked = ", ".join(f"“{safe(q, 80)}” (+{n})" for q, n in stats.top_questions[:3])
        lines.append(f":speech_balloon: Most-asked prospect questions: {asked}")
    if stats.questions_answered is not None:
        lines.append(f":white_check_mark: Questions answered: {stats.questions_answered}")
    if stats.deflected is not None:
        lines.append(f":recycle: Resolved by an existing answer: {deflection(*stats.deflected)}")
    if stats.answers_missed is not None:
        lines.append(f":thinking_face: Answers marked “Not quite”: {stats.answers_missed}")
    if stats.answer_times:
        lines.append(":stopwatch: Time to first answer: " + answer_times_text(stats.answer_times))
    if stats.best_assets:
        lines.append(":star: Best-rated assets: " + _assets(stats.best_assets))
    if stats.worst_assets:
        lines.append(
            ":small_red_triangle_down: Lowest-rated assets: " + _assets(stats.worst_assets)
        )
    if stats.requests_delivered is not None:
        lines.append(f":package: Content requests delivered: {stats.requests_delivered}")
    if stats.requests_open is not None:
        lines.append(f":hourglass_flowing_sand: Content requests still open: {stats.requests_open}")
    return lines


def deflection(resolved: int, asked: int) -> str:
    """“3 of 12 new questions (25%)”: the share no one had to answer again."""
    share = round(100 * resolved / asked) if asked else 0
    return f"{resolved} of {asked} new questions ({share}%)"


def answer_times_text(times: list[tuple[int, int, timedelta, timedelta]]) -> str:
    """`median 3h 5m, p90 1d 2h (last 7 days, 12 answered); ...`."""
    return "; ".join(
        f"median {duration(median)}, p90 {duration(p90)} (last {days} days, {count} answered)"
        for days, count, median, p90 in times
    )


def _assets(assets: list[tuple[str, float]]) -> str:
    return ", ".join(f"“{safe(title, 80)}” ({rating:.1f}★)" for title, rating in assets[:3])


def engagement_line(engagement: Engagement | None) -> str | None:
    if engagement is None:
        return None

    def count(n: int, one: str, many: str) -> str:
        return f"{n} {one if n == 1 else many}"

    text = (
        f"Last week's digest: {count(engagement.marketers, 'marketer', 'marketers')} and "
        f"{count(engagement.reps, 'rep', 'reps')} reacted"
    )
    if engagement.others:
        text += f" (and {count(engagement.others, 'other person', 'other people')})"
    return text + "."
