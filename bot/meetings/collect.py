"""From storage to the agenda builder's inputs, and from a stored agenda back to its sections.

`collect_inputs` fills what the meetings tables hold (topics and votes, carried-over items, open
action items, voices) and, through bot/meetings/sources.py, the shared goals, the content and the
prospect questions of the window; a section with no data is left out.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.meetings import agenda as domain
from bot.meetings import sources
from bot.meetings.agenda import AgendaInputs, Entry, Section, SinceLastTime
from bot.meetings.voices import pick_voices
from storage import loop, meetings
from storage import meetings_action_items as action_items
from storage import meetings_agendas as agendas
from storage.meetings_agendas import NewItem
from storage.models.meetings import MeetingSeries, PostedAgenda
from storage.people import away_on

INTERACTIVE = ("topics", "carried")


def collect_inputs(
    session: Session, team_id: str, series: MeetingSeries, since: datetime, until: datetime
) -> AgendaInputs:
    """The agenda inputs of the meeting at `until`, from what happened since `since`."""
    assert series.id is not None
    previous = agendas.previous_agenda(session, series.id, until)
    previous_items = agendas.items_of(session, previous.id) if previous and previous.id else []
    open_topics = meetings.open_topics(session, series.id)
    open_ids = {t.id for t in open_topics}
    votes = meetings.vote_counts(session, [t.id for t in open_topics if t.id is not None])
    on_last = {i.ref_id for i in previous_items if i.kind == "topic"}
    topics = [
        Entry("topic", t.id, t.text, votes.get(t.id or 0, 0), t.created_at)
        for t in open_topics
        if t.id not in on_last and t.created_at < until
    ]
    carried = [
        Entry(i.kind, i.ref_id, i.text, votes.get(i.ref_id or 0, 0))
        for i in previous_items
        if i.discussed_at is None
        and (i.kind == "note" or (i.kind == "topic" and i.ref_id in open_ids))
    ]
    actions = [
        Entry("action", a.id, a.text, owner=a.owner, due=a.due)
        for a in action_items.open_actions(session, series.id)
    ]
    added = sum(1 for t in open_topics if since <= t.created_at < until)
    zone = ZoneInfo(series.timezone)
    goals = sources.goal_items(session, team_id, series.kind, zone, since, until)
    questions = sources.questions_since(session, team_id, since, until)
    since_last = SinceLastTime(
        questions_asked=questions.asked,
        questions_answered=questions.answered,
        requests_delivered=loop.requests_delivered(session, team_id, since, until),
        topics_added=added,
        actions_done=action_items.actions_done_between(session, series.id, since, until),
        goal_updates=goals.updates,
        goals_moved=goals.moved,
    )
    away = {p.user_id for p in away_on(session, team_id, until.astimezone(zone).date())}
    voices = pick_voices(
        {
            "sales": [u for u in series.sales if u not in away],
            "marketing": [u for u in series.marketing if u not in away],
        },
        agendas.voice_history(session, series.id),
    )
    return AgendaInputs(
        kind=series.kind,
        since=since_last,
        questions=questions.items,
        questions_total=questions.live,
        goals=goals.items,
        content=sources.content_items(session, team_id, until),
        topics=topics,
        carried=carried,
        actions=actions,
        voices=voices,
        gaps=sources.gap_lines_of(session, team_id, series.kind),
    )


def to_storage(sections: list[Section]) -> tuple[list[dict[str, Any]], list[NewItem]]:
    """A built agenda as (section snapshots, items to store with their buttons)."""
    snapshot: list[dict[str, Any]] = []
    items: list[NewItem] = []
    for s in sections:
        snapshot.append({"key": s.key, "title": s.title, "lines": list(s.lines), "more": s.more})
        items.extend(NewItem(s.key, e.kind, e.ref_id, e.text) for e in s.entries)
    return snapshot, items


def stored_sections(session: Session, agenda: PostedAgenda) -> list[Section]:
    """A posted agenda's sections with the current state of its items (votes, discussed, done)."""
    assert agenda.id is not None
    items = agendas.items_of(session, agenda.id)
    votes = meetings.vote_counts(
        session, [i.ref_id for i in items if i.kind == "topic" and i.ref_id]
    )
    sections: list[Section] = []
    for snap in agenda.sections:
        key = str(snap["key"])
        if key not in INTERACTIVE:
            lines = tuple(str(line) for line in snap.get("lines", []))
            sections.append(Section(key, str(snap["title"]), lines, more=int(snap.get("more", 0))))
            continue
        entries = [_entry(session, agenda.team_id, i, votes) for i in items if i.section == key]
        if key == "topics":
            entries = domain.rank_topics(entries)
        sections.append(Section(key, str(snap["title"]), entries=tuple(entries), more=snap["more"]))
    present = {s.key for s in sections}
    for key in INTERACTIVE:  # a topic or action item added after posting opens its section
        extra = [_entry(session, agenda.team_id, i, votes) for i in items if i.section == key]
        if key not in present and extra:
            sections.append(Section(key, domain.TITLES[key], entries=tuple(extra)))
    return sections


def _entry(session: Session, team_id: str, item: Any, votes: dict[int, int]) -> Entry:
    entry = Entry(
        item.kind,
        item.ref_id,
        item.text,
        votes.get(item.ref_id or 0, 0) if item.kind == "topic" else 0,
        item_id=item.id,
        discussed=item.discussed_at is not None,
    )
    if item.kind == "action" and item.ref_id is not None:
        action = action_items.get_action(session, team_id, item.ref_id)
        if action is not None:
            entry = replace(
                entry, owner=action.owner, due=action.due, discussed=bool(action.done_at)
            )
    return entry
