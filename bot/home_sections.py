"""Each feature's part of the Home tab, by role: small queries, capped lists, escaped text."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.home import HomeSection, cap
from bot.text import safe
from bot.views.assets import asset_line
from storage import assets, content_requests
from storage.models.assets import ContentRequest

LIMIT = 8
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
