"""Each feature's part of the Home tab, by role: small queries, capped lists, escaped text."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.assets.views.catalog import asset_line
from bot.gaps.report import gaps_of
from bot.gaps.views.report import gap_lines
from bot.goals.digest import goal_line, signal_note
from bot.goals.digest_data import goal_figures
from bot.home.tab import HomeSection, cap
from bot.kernel.text import safe
from bot.meetings.preview import next_agenda_of
from bot.questions.views.review import stale_note
from storage import assets, content_requests, goals, meetings, people
from storage import gaps as gap_store
from storage import goals_digests as digests
from storage import meetings_action_items as action_items
from storage import questions_lists as question_lists
from storage.clock import to_local, utcnow
from storage.models.assets import ContentRequest
from storage.models.gaps import WINDOWS

LIMIT = 8
TRIAGE_DAYS = 90  # the Home triage queue's window (older ones: the triage channel, `search`)
STATUS_ICON = {
    "submitted": "📥",
    "accepted": "✅",
    "in_progress": "🛠️",
    "delivered": "🎉",
    "declined": "✖️",
}


def _icon(status: str) -> str:
    return STATUS_ICON.get(status, "•")


def _status(request: ContentRequest) -> str:
    text = request.status.replace("_", " ")
    return f"{text}, {request.priority}" if request.priority else text


def my_requests(session: Session, team_id: str, user_id: str) -> HomeSection:
    rows = content_requests.mine(session, team_id, user_id, limit=LIMIT + 1)
    lines = [f"{_icon(r.status)} *#{r.id}* {safe(r.what, 120)} — _{_status(r)}_" for r in rows]
    shown, more = cap(lines, LIMIT)
    return HomeSection(
        "Your content requests", shown, "No requests yet — `/content-request`.", more
    )


def my_questions(session: Session, team_id: str, user_id: str) -> HomeSection:
    """The rep's questions, newest first: answered ones with the latest answer (a stale one
    says since when it is not verified)."""
    lines = []
    now = utcnow()
    for q, answer in question_lists.mine(session, team_id, user_id, limit=LIMIT + 1):
        if answer is None:
            lines.append(f"❓ *#{q.id}* {safe(q.text, 120)} — _waiting for an answer_")
        else:
            stale = stale_note(answer, now)
            icon, tail = ("⚠️", f"\n{stale}") if stale else ("✅", "")
            lines.append(f"{icon} *#{q.id}* {safe(q.text, 120)}\n> {safe(answer.text, 300)}{tail}")
    shown, more = cap(lines, LIMIT)
    return HomeSection("Your questions", shown, "No questions yet — `/prospect-question`.", more)


def question_triage(session: Session, team_id: str, now: datetime, zone: ZoneInfo) -> HomeSection:
    """Unanswered questions of the last TRIAGE_DAYS by demand (+1s), then the oldest first."""
    since = now - timedelta(days=TRIAGE_DAYS)
    rows = question_lists.unanswered_by_demand(session, team_id, since, limit=LIMIT + 1)
    lines = [
        f"❓ *#{q.id}* {safe(q.text, 120)} · +{votes} · asked {to_local(q.created_at, zone):%d %b}"
        for q, votes in rows
    ]
    shown, more = cap(lines, LIMIT)
    return HomeSection("Triage queue", shown, "No unanswered prospect questions.", more)


def knowledge_gaps(session: Session, team_id: str) -> HomeSection:
    """The kept 90-day knowledge-gap report (`/lockstep gaps` builds it; never built here)."""
    kept = gap_store.snapshot(session, team_id, WINDOWS[-1])
    lines = gap_lines(gaps_of(kept), LIMIT)
    empty = "No knowledge gaps worked out yet — `/lockstep gaps`."
    return HomeSection("Knowledge gaps (90 days)", lines, empty, 0)


def request_queue(session: Session, team_id: str, now: datetime) -> HomeSection:
    rows = [
        (r, d)
        for r, d in content_requests.queue(session, team_id, now, limit=40)
        if r.status in ("submitted", "accepted", "in_progress")
    ]
    lines = [
        f"{_icon(r.status)} *#{r.id}* {r.priority or '—'} · {safe(r.what, 120)} · demand {d}"
        for r, d in rows
    ]
    shown, more = cap(lines, LIMIT)
    return HomeSection("Content requests by priority", shown, "The request queue is empty.", more)


def asset_scores(session: Session, team_id: str, now: datetime) -> HomeSection:
    found = assets.search(session, team_id, "", limit=200)
    stats = assets.stats(session, [a.id for a in found if a.id is not None], now)
    ranked = sorted(found, key=lambda a: -(stats[a.id].uses if a.id in stats else 0))
    lines = [asset_line(a, stats.get(a.id) if a.id is not None else None) for a in ranked]
    shown, more = cap(lines, LIMIT)
    return HomeSection("Asset scores", shown, "No assets yet — `/asset add`.", more)


def shared_goals(
    session: Session, team_id: str, now: datetime, zone: ZoneInfo, signals: bool = False
) -> HomeSection:
    """Each active goal with progress and pace (the digest's own lines); with `signals` (the
    leaders' and admins' Home) also who sees a risk or can help, picked for that goal on the
    latest digest."""
    team_goals = goals.active(session, team_id)
    today = to_local(now, zone).date()
    figures = goal_figures(session, team_id, now - timedelta(days=7), now, team_goals, today)
    picked: dict[int, dict[str, int]] = {}
    if signals:
        latest = [d.id for d in digests.previous(session, team_id, now) if d.id is not None]
        picked = digests.signals(session, latest)
    lines = []
    for f in figures:
        said = picked.get(f.goal_id, {})
        note = signal_note(said.get("risk", 0), said.get("help", 0))
        lines.append(goal_line(f, today) + (f"\n{note}" if note else ""))
    shown, more = cap(lines, LIMIT)
    return HomeSection("Shared goals", shown, "No shared goals yet — leaders: `/goal new`.", more)


def next_agendas(session: Session, team_id: str, now: datetime) -> HomeSection:
    """The next meeting of each active series, with how much is on its agenda."""
    lines = []
    for series in meetings.list_series(session, team_id):
        if series.paused:
            lines.append(f"⏸️ *{safe(series.name, 80)}* — paused")
            continue
        coming = next_agenda_of(session, series, now)
        if coming is None:
            continue
        meeting, message = coming
        when = meeting.astimezone(ZoneInfo(series.timezone)).strftime("%a %d %b %H:%M")
        blocks = len(message.get("blocks", []))
        lines.append(
            f"🗓️ *{safe(series.name, 80)}* — {when} ({safe(series.timezone, 40)}) in "
            f"<#{series.channel}> · agenda of {blocks} blocks so far"
        )
    shown, more = cap(lines, LIMIT)
    return HomeSection("Next meetings", shown, "No meeting series yet — `/agenda setup`.", more)


def waiting_on_you(
    session: Session, team_id: str, user_id: str, now: datetime, zone: ZoneInfo
) -> HomeSection:
    """What Lockstep would nudge this person about: their goals with nothing logged this week,
    the content requests they own that are in work (overdue first), their open action items;
    and whether they are marked away."""
    today = to_local(now, zone).date()
    lines = []
    person = people.get(session, team_id, user_id)
    if people.is_away(person, today) and person is not None:
        until = f" to {person.away_to.isoformat()}" if person.away_to else ""
        lines.append(f"🌴 You are away{until}: no nudges meanwhile (`/lockstep back`).")
    owned = [
        g for g in goals.active(session, team_id) if user_id in (g.sales_owner, g.marketing_owner)
    ]
    updated = {
        u.goal_id for u in goals.updates_between(session, team_id, now - timedelta(days=7), now)
    }
    for g in owned:
        if g.id not in updated:
            lines.append(f"🎯 *{safe(g.name, 100)}* — nothing logged this week: `/goal update`")
    in_work = content_requests.overdue(session, today + timedelta(days=3650), team_id)
    mine = [r for r in in_work if r.owner_id == user_id]
    for r in sorted(mine, key=lambda r: r.expected_date or today):
        late = " — *overdue*" if r.expected_date and r.expected_date < today else ""
        expected = r.expected_date.isoformat() if r.expected_date else "no date"
        lines.append(f"🛠️ *#{r.id}* {safe(r.what, 120)} — expected {expected}{late}")
    for a in action_items.open_actions_of(session, team_id, user_id, limit=LIMIT + 1):
        lines.append(f"☑️ {safe(a.text, 120)} — due {a.due.isoformat()}")
    shown, more = cap(lines, LIMIT)
    return HomeSection("Waiting on you", shown, "Nothing is waiting on you. :tada:", more)
