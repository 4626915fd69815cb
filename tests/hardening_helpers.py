"""Shared steps for the hardening tests (permissions, isolation, duplicates).

- `seed(engine, team, tag)`: one fresh object of every kind, owned by OWNER, for one request.
- `snapshot(engine, team)`: every table's rows (bookkeeping receipts excluded) to compare.
- `Settler`: waits until the app's lazy listeners have finished.
- `Request` + `deliver`: one signed request through the real HTTP app, with a chosen trigger
  id and view id, so the same delivery can be sent twice.
The matrix of mutating actions and who may use them is in tests/hardening_cases.py.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import and_, or_, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from bot.platform.config import Settings
from bot.questions.views import review as review_views
from storage import assets, content_requests, meetings, roles, workspaces
from storage import goals_digests as digests
from storage import meetings_action_items as action_items
from storage import meetings_agendas as agendas
from storage import questions as question_store
from storage.clock import utcnow
from storage.meetings_agendas import NewItem
from storage.models import OutboxMessage
from tests.conftest import (
    ADMIN,
    make_settings,
)
from tests.fake_slack import Call, FakeSlack
from tests.goal_fixtures import make_goal
from tests.meeting_helpers import make_series
from tests.slack_signing import (
    SlackHTTP,
    block_action_payload,
    view_submission_payload,
)

LEADER = "U0LEAD0001"
MARKETER = "U0MKT00001"
REP = "U0REP00001"
NOBODY = "U0NOBODY01"
OWNER = "U0OWNER001"  # asker, requester, asset owner, series member, action owner (a rep)
GIVER = "U0GIVER001"  # gave feedback on OWNER's asset
USERS = {
    "admin": ADMIN,
    "leader": LEADER,
    "marketer": MARKETER,
    "rep": REP,
    "nobody": NOBODY,
    "owner": OWNER,
}
ROLE_OF = {LEADER: "leader", MARKETER: "marketer", REP: "rep", OWNER: "rep", GIVER: "rep"}
CHANNEL = "C0HARD0001"
SECRET = "ZQXSECRET"  # in every seeded text a request never types: must never leak
SKIP_TABLES = {"receipt"}  # inbound idempotency bookkeeping, not data


@pytest.fixture
def settings(slack: FakeSlack, engine: Engine) -> Settings:
    """No per-user command budget here: one person sends many commands in these tests."""
    return make_settings(slack.base_url, str(engine.url), LOCKSTEP_COMMAND_RATE_PER_MINUTE="100000")


def setup_team(engine: Engine, team: str) -> None:
    with Session(engine) as session:
        workspaces.get_or_create(session, team, "UTC")
        session.commit()
        for user, role in ROLE_OF.items():
            roles.grant(session, team, user, role, ADMIN)


@dataclass
class Ids:
    """One of everything, made for one request (so each role acts on a fresh object)."""

    tag: str
    question: int = 0
    original: int = 0
    request: int = 0
    accepted: int = 0
    delivered: int = 0
    asset: int = 0
    feedback: int = 0
    goal: int = 0
    goal_name: str = ""
    series: str = ""
    agenda: int = 0
    topic_item: int = 0
    action: int = 0
    digest_ts: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def seed(engine: Engine, team: str, tag: str, secret: str = SECRET) -> Ids:
    ids = Ids(tag)
    now = datetime.now(UTC)
    with Session(engine, expire_on_commit=False) as session:
        q, _ = question_store.capture(
            session, team, f"seed:{tag}:q", OWNER, f"Do we support SSO {secret}?"
        )
        o, _ = question_store.capture(
            session, team, f"seed:{tag}:o", GIVER, f"Is SSO supported {secret}?"
        )
        ids.question, ids.original = q.id or 0, o.id or 0
        answer, _ = question_store.answer(
            session, team, ids.original, MARKETER, f"Yes, SAML {secret}", "", f"seed:{tag}:a"
        )
        ids.extra["answer"] = answer.id or 0
        ids.extra["verify"] = review_views.verify_value(answer)
        asset = assets.add(
            session,
            team,
            OWNER,
            title=f"Deck {secret}",
            url="https://example.com/deck",
            kind="deck",
            stage="decision",
            owner_id=OWNER,
        )
        ids.asset = asset.id or 0
        fb, _ = assets.add_feedback(
            session,
            team,
            f"seed:{tag}:fb",
            user_id=GIVER,
            asset_id=ids.asset,
            rating=4,
            with_prospect=True,
            deal_stage="demo",
            worked=f"The ROI slide {secret}",
        )
        ids.feedback = fb.id or 0
        made = {}
        for status in ("submitted", "accepted", "delivered"):
            r, _ = content_requests.create(
                session, team, f"seed:{tag}:{status}", OWNER, what=f"One-pager {secret}"
            )
            if status != "submitted":
                r.status = status
                r.asset_id = ids.asset if status == "delivered" else None
                session.add(r)
            made[status] = r.id or 0
        session.commit()
        owned, _ = content_requests.create(  # a rep (OWNER) picked as owner by a marketer
            session, team, f"seed:{tag}:owned", LEADER, what=f"Battlecard {secret}"
        )
        owned.status, owned.owner_id = "accepted", OWNER
        session.add(owned)
        session.commit()
        ids.extra["owned"] = owned.id or 0
        ids.request, ids.accepted, ids.delivered = (
            made["submitted"],
            made["accepted"],
            made["delivered"],
        )
        ids.goal_name = f"Goal {tag}"
        goal = make_goal(  # in CHANNEL, whose digest (below) shows it
            session, team, ids.goal_name, end=now.date() + timedelta(days=200), channel=CHANNEL
        )
        ids.goal = goal.id or 0
        ids.series = f"Sync {tag}"
        series = make_series(
            session,
            ids.series,
            team_id=team,
            weekday=now.weekday(),
            timezone="UTC",
            channel=CHANNEL,
            sales=[OWNER],
            marketing=[GIVER],
        )
        assert series.id is not None
        topic = meetings.add_topic(session, team, series.id, f"Pricing {secret}", OWNER)
        agenda = agendas.create_agenda(
            session,
            team,
            series.id,
            now + timedelta(days=7),
            CHANNEL,
            [],
            [NewItem("topics", "topic", topic.id, f"Pricing {secret}")],
            {},
        )
        assert agenda is not None and agenda.id is not None
        ids.agenda = agenda.id
        ids.topic_item = agendas.items_of(session, agenda.id)[0].id or 0
        action = action_items.add_action(
            session, agenda, f"Send deck {secret}", OWNER, date.today(), OWNER
        )
        session.commit()
        ids.action = action.id or 0
        ids.digest_ts = f"1700{abs(hash(tag)) % 10**6:06d}.000100"
        digest = digests.record(session, team, CHANNEL, now - timedelta(hours=1), f"d:{tag}")
        digests.mark_posted(session, digest.id or 0, ids.digest_ts)
    return ids


def snapshot(engine: Engine, team: str | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (of one team where a table has team_id), sorted, as tuples."""
    dump: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in SKIP_TABLES:
                continue
            sql, params = f'SELECT * FROM "{table.name}" WHERE 1 = 1', {}
            if team is not None and "team_id" in table.c:
                sql, params = sql + " AND team_id = :team", {"team": team}
            if table.name == "outbox_message":  # a recorded follow-up run is a job, not data:
                sql += " AND method <> 'bolt.lazy'"  # what it posts when it runs is still seen
            rows = [tuple(str(v) for v in row) for row in conn.execute(text(sql), params)]
            dump[table.name] = sorted(rows)
    return dump


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


class Settler:
    """Tracks the app's lazy-listener futures so a test can wait for them to finish, and for
    the posts the acks recorded (sent by the background worker) to be sent."""

    def __init__(self, app: App) -> None:
        self._engine: Engine = app.lockstep_runtime.engine  # type: ignore[attr-defined]
        runner = app.listener_runner.lazy_listener_runner
        executor = runner.executor  # type: ignore[attr-defined]
        self._futures: list[Future[Any]] = []
        self._lock = threading.Lock()
        original = executor.submit

        def submit(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
            future: Future[Any] = original(fn, *args, **kwargs)
            with self._lock:
                self._futures.append(future)
            return future

        executor.submit = submit

    def __call__(self) -> None:
        while True:
            with self._lock:
                pending = [f for f in self._futures if not f.done()]
            if not pending:
                break
            wait(pending, timeout=10)
        deadline = time.monotonic() + 10
        while self._outbox_busy() and time.monotonic() < deadline:
            time.sleep(0.02)

    def _outbox_busy(self) -> bool:
        """Whether an outbox row is due or being sent."""
        due = and_(
            col(OutboxMessage.status) == "pending", col(OutboxMessage.next_attempt_at) <= utcnow()
        )
        busy = or_(col(OutboxMessage.status) == "sending", due)
        with Session(self._engine) as session:
            return session.exec(select(OutboxMessage.id).where(busy).limit(1)).first() is not None


# --------------------------------------------------------------------------- requests
@dataclass(frozen=True)
class Request:
    kind: str  # cmd | btn | view
    target: str  # command, action_id or callback_id
    text: str = ""  # command text or button value
    values: dict[str, Any] = field(default_factory=dict)  # view state values
    meta: str = ""  # private_metadata
    ts: str = ""  # btn: the message the button is on (default: any message)
    option: str = ""  # btn: a menu's selected option value instead of a button


@dataclass
class Reply:
    status: int
    body: Any
    calls: list[Call]  # everything Lockstep sent to Slack for this request (after settling)


def deliver(
    http: SlackHTTP,
    slack: FakeSlack,
    settle: Settler,
    req: Request,
    user: str,
    team: str,
    trigger: str,
    view_id: str,
) -> Reply:
    start = len(slack.calls)
    url = slack.new_response_url()
    if req.kind == "cmd":
        status, body = http.command(
            req.target, req.text, user_id=user, team_id=team, trigger_id=trigger, response_url=url
        )
    elif req.kind == "btn":
        menu: dict[str, Any] = {}
        if req.option:
            chosen = {"text": "option", "value": req.option}
            menu = {"action_type": "static_select", "selected_option": chosen}
        if req.ts:
            menu["message_ts"] = req.ts
        payload = block_action_payload(
            req.target,
            req.text,
            user_id=user,
            team_id=team,
            channel_id=CHANNEL,
            trigger_id=trigger,
            response_url=url,
            **menu,
        )
        status, body = http.action(payload)
    else:
        payload = view_submission_payload(
            req.target,
            req.values,
            user_id=user,
            team_id=team,
            private_metadata=req.meta,
            view_id=view_id,
            trigger_id=trigger,
        )
        status, body = http.submit(payload)
    settle()
    assert "commands in a minute" not in json.dumps(body), "rate-limited: the test proves nothing"
    calls = [c for c in slack.calls[start:] if c.method != "auth.test"]
    return Reply(status, body, calls)


def opened(reply: Reply) -> list[str]:
    """callback_ids of the modals this request opened."""
    return [
        str(c.json("view").get("callback_id") or "") for c in reply.calls if "views." in c.method
    ]


def told(reply: Reply) -> str:
    """All the text the user was shown: the ack, response_url posts and opened notices."""
    parts = [json.dumps(reply.body) if reply.body else ""]
    for c in reply.calls:
        if c.method == "response_url" or c.method.startswith("views."):
            parts.append(json.dumps(c.params, default=str))
    return "\n".join(parts)


def posts(reply: Reply) -> list[Call]:
    return [c for c in reply.calls if c.method in ("chat.postMessage", "chat.update")]


def everything_sent(reply: Reply) -> str:
    return told(reply) + "\n".join(json.dumps(c.params, default=str) for c in reply.calls)


@pytest.fixture(name="engine")
def both_engines(any_engine: Engine) -> Engine:
    """SQLite, and PostgreSQL too when TEST_DATABASE_URL is set (real concurrent writers)."""
    return any_engine
