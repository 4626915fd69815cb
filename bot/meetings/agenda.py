"""The agenda builder: pure functions from what happened since the last meeting to ranked sections.

Inputs are small dataclasses so other features (questions, content, goals) plug in their data
through collectors; a section with no data is simply left out. No Slack, no SQL here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.kernel.text import user_mention
from bot.meetings import lines as agenda_lines
from bot.meetings.lines import ContentItem, GoalItem, QuestionItem

CAP = 5  # items shown per section; the rest become "+N more"
URGENT = ("behind", "at_risk")


@dataclass(frozen=True)
class SinceLastTime:
    questions_asked: int = 0
    questions_answered: int = 0
    requests_delivered: int = 0
    topics_added: int = 0
    actions_done: int = 0
    goal_updates: int = 0  # progress updates logged on shared goals
    goals_moved: int = 0  # goals whose value changed


@dataclass(frozen=True)
class Entry:
    """An agenda line people act on: a member topic, a carried item or an action item."""

    kind: str  # topic | note | action
    ref_id: int | None
    text: str
    votes: int = 0
    created_at: datetime | None = None
    owner: str | None = None
    due: date | None = None
    item_id: int | None = None  # the stored AgendaItem, once posted
    discussed: bool = False


@dataclass
class AgendaInputs:
    kind: str = "weekly"
    since: SinceLastTime = field(default_factory=SinceLastTime)
    questions: list[QuestionItem] = field(default_factory=list)
    questions_total: int = 0  # all of the window's questions when `questions` holds only the top
    goals: list[GoalItem] = field(default_factory=list)
    content: list[ContentItem] = field(default_factory=list)
    topics: list[Entry] = field(default_factory=list)
    carried: list[Entry] = field(default_factory=list)
    actions: list[Entry] = field(default_factory=list)
    voices: dict[str, str] = field(default_factory=dict)  # side -> user id
    gaps: list[str] = field(default_factory=list)  # knowledge gaps, escaped lines (brainstorm)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    lines: tuple[str, ...] = ()  # escaped mrkdwn, for read-only sections
    entries: tuple[Entry, ...] = ()  # for sections with buttons
    more: int = 0


ORDER = {
    "weekly": ("since", "goals", "questions", "content", "topics", "carried", "voices"),
    "brainstorm": (
        "questions",
        "gaps",
        "content",
        "topics",
        "since",
        "goals",
        "carried",
        "voices",
    ),  # fmt: skip
    "quarterly": ("goals", "since", "questions", "content", "topics", "carried", "voices"),
}
TITLES = {
    "since": ":calendar: Since last time",
    "goals": ":dart: Shared goals",
    "questions": ":speech_balloon: Top prospect questions",
    "gaps": ":jigsaw: Knowledge gaps: what nothing answers yet",
    "content": ":page_facing_up: Content",
    "topics": ":raising_hand: Member topics",
    "carried": ":arrow_right_hook: Carried over",
    "voices": ":microphone: Voices",
}


def rank_questions(items: list[QuestionItem]) -> list[QuestionItem]:
    """Unanswered first, then by +1s, then the most recent."""
    return sorted(items, key=lambda q: (q.answered, -q.plus_ones, -q.asked_at.timestamp(), q.id))


def goal_rank(goal: GoalItem) -> tuple[int, int, str]:
    """Behind, then at risk, then goals digest readers see a risk in, then the rest."""
    if goal.status == "behind":
        tier = 0
    elif goal.status == "at_risk":
        tier = 1
    elif goal.risks > 0:
        tier = 2
    else:
        tier = 3 if goal.status != "done" else 4
    return tier, -goal.risks, goal.name.lower()


def rank_goals(items: list[GoalItem]) -> list[GoalItem]:
    return sorted(items, key=goal_rank)


def rank_content(items: list[ContentItem]) -> list[ContentItem]:
    """Requests waiting for a decision (most demand, then oldest), then the lowest-resonance
    assets, then unused ones (fewest uses first)."""

    def key(c: ContentItem) -> tuple[int, float, int, int]:
        if c.kind == "request":
            return (0, -c.demand, 0, c.id)
        if c.resonance is not None:
            return (1, c.resonance, c.uses, c.id)
        return (2, 0.0, c.uses, c.id)

    return sorted((c for c in items if c.kind != "request" or c.waiting), key=key)


def rank_topics(items: list[Entry]) -> list[Entry]:
    """Most votes first, then the oldest."""
    oldest = datetime.max
    return sorted(
        items,
        key=lambda e: (-e.votes, (e.created_at or oldest).replace(tzinfo=None), e.ref_id or 0),
    )


def build(inputs: AgendaInputs) -> list[Section]:
    """The agenda's sections in the order of the series kind; empty sections are left out."""
    builders = {
        "since": _since,
        "goals": lambda i: _capped(
            "goals", [agenda_lines.goal_line(g, i.kind) for g in rank_goals(i.goals)]
        ),
        "questions": lambda i: _capped(
            "questions",
            [agenda_lines.question_line(q) for q in rank_questions(i.questions)],
            i.questions_total,
        ),
        "content": lambda i: _capped(
            "content", [agenda_lines.content_line(c) for c in rank_content(i.content)]
        ),
        "gaps": lambda i: _capped("gaps", list(i.gaps)),
        "topics": lambda i: _entries("topics", rank_topics(i.topics)),
        "carried": lambda i: _entries("carried", list(i.carried) + list(i.actions)),
        "voices": _voices,
    }
    sections = [builders[key](inputs) for key in ORDER.get(inputs.kind, ORDER["weekly"])]
    return [s for s in sections if s is not None]


def _capped(key: str, lines: list[str], total: int = 0) -> Section | None:
    """The first CAP lines and "+N more", N counted from `total` when more exist than `lines`."""
    if not lines:
        return None
    more = max(total, len(lines)) - CAP
    return Section(key, TITLES[key], lines=tuple(lines[:CAP]), more=max(more, 0))


def _entries(key: str, entries: list[Entry]) -> Section | None:
    if not entries:
        return None
    shown = tuple(entries[:CAP] if key == "topics" else entries[: CAP * 2])
    return Section(key, TITLES[key], entries=shown, more=len(entries) - len(shown))


def _since(inputs: AgendaInputs) -> Section | None:
    s = inputs.since
    parts = [
        (s.questions_asked, "prospect question{} asked"),
        (s.questions_answered, "answered"),
        (s.requests_delivered, "content request{} delivered"),
        (s.goal_updates, "goal update{} logged"),
        (s.goals_moved, "shared goal{} moved"),
        (s.topics_added, "topic{} added"),
        (s.actions_done, "action item{} done"),
    ]
    lines = [f"• {n} {what.format('' if n == 1 else 's')}" for n, what in parts if n]
    return Section("since", TITLES["since"], lines=tuple(lines)) if lines else None


def _voices(inputs: AgendaInputs) -> Section | None:
    lines = [f"• {side.capitalize()}: {user_mention(user)}" for side, user in inputs.voices.items()]
    return Section("voices", TITLES["voices"], lines=tuple(lines)) if lines else None
