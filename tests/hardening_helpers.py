"""Shared steps for the hardening tests (permissions, isolation, duplicates).

- `seed(engine, team, tag)`: one fresh object of every kind, owned by OWNER, for one request.
- `snapshot(engine, team)`: every table's rows (bookkeeping receipts excluded) to compare.
- `Settler`: waits until the app's lazy listeners have finished.
- `Request` + `deliver`: one signed request through the real HTTP app, with a chosen trigger
  id and view id, so the same delivery can be sent twice.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from bot.config import Settings
from bot.views import meetings_forms as meeting_forms
from storage import (
    action_items,
    agendas,
    assets,
    content_requests,
    digests,
    meetings,
    roles,
    workspaces,
)
from storage import questions as question_store
from storage.agendas import NewItem
from tests.conftest import ADMIN, make_settings
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
        question_store.answer(
            session, team, ids.original, MARKETER, f"Yes, SAML {secret}", "", f"seed:{tag}:a"
        )
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
        ids.request, ids.accepted, ids.delivered = (
            made["submitted"],
            made["accepted"],
            made["delivered"],
        )
        ids.goal_name = f"Goal {tag}"
        goal = make_goal(session, team, ids.goal_name, end=now.date() + timedelta(days=200))
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
            sql, params = f'SELECT * FROM "{table.name}"', {}
            if team is not None and "team_id" in table.c:
                sql, params = sql + " WHERE team_id = :team", {"team": team}
            rows = [tuple(str(v) for v in row) for row in conn.execute(text(sql), params)]
            dump[table.name] = sorted(rows)
    return dump


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


class Settler:
    """Tracks the app's lazy-listener futures so a test can wait for them to finish."""

    def __init__(self, app: App) -> None:
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
                return
            wait(pending, timeout=10)


# --------------------------------------------------------------------------- requests
@dataclass(frozen=True)
class Request:
    kind: str  # cmd | btn | view
    target: str  # command, action_id or callback_id
    text: str = ""  # command text or button value
    values: dict[str, Any] = field(default_factory=dict)  # view state values
    meta: str = ""  # private_metadata


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
        payload = block_action_payload(
            req.target,
            req.text,
            user_id=user,
            team_id=team,
            channel_id=CHANNEL,
            trigger_id=trigger,
            response_url=url,
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


# --------------------------------------------------------------------------- the matrix
EVERYONE = frozenset(USERS)
MEMBERS = EVERYONE - {"nobody"}
ADMINS = frozenset({"admin"})
MARKETERS = frozenset({"admin", "marketer"})
LEADERS = frozenset({"admin", "leader"})
OWNERS = frozenset({"admin", "owner"})
SERIES_PEOPLE = frozenset({"admin", "leader", "owner"})


@dataclass(frozen=True)
class Case:
    """One mutating surface: who may use it, and the request that uses it on `Ids`."""

    name: str
    allowed: frozenset[str]
    make: Callable[[Ids], Request]
    opens: str = ""  # a button/command that only opens this form (checked there and on submit)


def _txt(value: str | None) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": value}}


def _sel(value: str, kind: str = "static_select") -> dict[str, Any]:
    option = {"text": {"type": "plain_text", "text": value}, "value": value}
    return {"value": {"type": kind, "selected_option": option}}


def _day(value: date) -> dict[str, Any]:
    return {"value": {"type": "datepicker", "selected_date": value.isoformat()}}


def _user(value: str) -> dict[str, Any]:
    return {"value": {"type": "users_select", "selected_user": value}}


def _users(*values: str) -> dict[str, Any]:
    return {"value": {"type": "multi_users_select", "selected_users": list(values)}}


def _cmd(command: str, text: Callable[[Ids], str]) -> Callable[[Ids], Request]:
    return lambda i: Request("cmd", command, text(i))


def _btn(action_id: str, value: Callable[[Ids], Any]) -> Callable[[Ids], Request]:
    return lambda i: Request("btn", action_id, str(value(i)))


def _view(
    callback: str, values: Callable[[Ids], dict[str, Any]], meta: Callable[[Ids], Any]
) -> Callable[[Ids], Request]:
    return lambda i: Request("view", callback, values=values(i), meta=str(meta(i)))


def _cases() -> list[Case]:
    from bot.views import asset_feedback as fb_views
    from bot.views import assets as asset_views
    from bot.views import content_request_posts as cr_posts
    from bot.views import content_requests as cr_views
    from bot.views import goals as goal_views
    from bot.views import meetings as meeting_views
    from bot.views import question_modals as q_modals
    from bot.views import question_posts as q_posts
    from bot.views.digest import LOG_PROGRESS
    from tests.goal_fixtures import form as goal_form

    soon = date.today() + timedelta(days=30)
    next_meeting = date.today() + timedelta(days=7)
    mf = meeting_forms
    asset_form = {
        asset_views.B_TITLE: _txt("Pricing deck"),
        asset_views.B_URL: _txt("https://example.com/deck2"),
        asset_views.B_KIND: _sel("deck"),
        asset_views.B_STAGE: _sel("decision"),
        asset_views.B_OWNER: _user(OWNER),
    }
    setup = {
        "kind": _sel("weekly"),
        "pattern": _sel("weekly"),
        "weekday": _sel("0"),
        "nth": _sel("1"),
        "day": _sel("1"),
        "time": _txt("09:00"),
        "cron": _txt(""),
        "timezone": _txt("Europe/Paris"),
        "channel": {"value": {"type": "conversations_select", "selected_conversation": CHANNEL}},
        "lead": _txt("24"),
        "sales": _users(OWNER),
        "marketing": _users(GIVER),
    }
    qc = "/prospect-question"
    return [
        # /lockstep: admins only
        Case(
            "lockstep config triage",
            ADMINS,
            _cmd("/lockstep", lambda i: "config triage-channel <#C0NEWTRI01|t>"),
        ),
        Case(
            "lockstep config timezone",
            ADMINS,
            _cmd("/lockstep", lambda i: "config timezone Asia/Tokyo"),
        ),
        Case("lockstep role grant", ADMINS, _cmd("/lockstep", lambda i: "role <@U0NEWREP01> rep")),
        Case(
            "lockstep role remove",
            ADMINS,
            _cmd("/lockstep", lambda i: f"role remove <@{GIVER}> rep"),
        ),
        # questions
        Case("question capture", EVERYONE, _cmd(qc, lambda i: "Do we support SAML for banks?")),
        Case(
            "question edit",
            frozenset({"owner"}),
            _cmd(qc, lambda i: f"edit {i.question} Do we do SAML?"),
        ),
        Case(
            "question withdraw", frozenset({"owner"}), _cmd(qc, lambda i: f"withdraw {i.question}")
        ),
        Case(
            q_modals.CAPTURE_MODAL,
            EVERYONE,
            _view(
                q_modals.CAPTURE_MODAL,
                lambda i: {"question": {"text": "Do we support SAML?"}},
                lambda i: "",
            ),
        ),
        Case(
            q_posts.ANSWER_BUTTON,
            MARKETERS,
            _btn(q_posts.ANSWER_BUTTON, lambda i: i.question),
            opens=q_modals.ANSWER_MODAL,
        ),
        Case(
            q_posts.DUPLICATE_BUTTON,
            MARKETERS,
            _btn(q_posts.DUPLICATE_BUTTON, lambda i: i.question),
            opens=q_modals.DUPLICATE_MODAL,
        ),
        Case(
            q_posts.PLUS_ONE_BUTTON,
            EVERYONE - {"owner"},
            _btn(q_posts.PLUS_ONE_BUTTON, lambda i: i.question),
        ),
        Case(
            q_modals.ANSWER_MODAL,
            MARKETERS,
            _view(
                q_modals.ANSWER_MODAL,
                lambda i: {"answer": {"answer": "Yes, SAML 2.0"}, "link": {"link": ""}},
                lambda i: i.question,
            ),
        ),
        Case(
            q_modals.DUPLICATE_MODAL,
            MARKETERS,
            _view(
                q_modals.DUPLICATE_MODAL,
                lambda i: {"original": {"original": str(i.original)}},
                lambda i: i.question,
            ),
        ),
        # assets
        Case(
            "asset add", MARKETERS, _cmd("/asset", lambda i: "add"), opens=asset_views.ADD_CALLBACK
        ),
        Case(
            "asset edit",
            OWNERS,
            _cmd("/asset", lambda i: f"edit {i.asset}"),
            opens=asset_views.EDIT_CALLBACK,
        ),
        Case("asset retire", OWNERS, _cmd("/asset", lambda i: f"retire {i.asset}")),
        Case(
            asset_views.ADD_CALLBACK,
            MARKETERS,
            _view(asset_views.ADD_CALLBACK, lambda i: asset_form, lambda i: ""),
        ),
        Case(
            asset_views.EDIT_CALLBACK,
            OWNERS,
            _view(asset_views.EDIT_CALLBACK, lambda i: asset_form, lambda i: i.asset),
        ),
        Case(
            fb_views.FEEDBACK_CALLBACK,
            EVERYONE,
            _view(
                fb_views.FEEDBACK_CALLBACK,
                lambda i: {
                    fb_views.B_ASSET: _sel(str(i.asset), "external_select"),
                    fb_views.B_OTHER: _txt(None),
                    fb_views.B_PROSPECT: _sel("yes"),
                    fb_views.B_RATING: _sel("5"),
                    fb_views.B_DEAL: _sel("demo"),
                    fb_views.B_WORKED: _txt("The ROI slide"),
                    fb_views.B_MISSING: _txt(None),
                },
                lambda i: "",
            ),
        ),
        Case(
            fb_views.REPLY_BUTTON,
            OWNERS,
            _btn(fb_views.REPLY_BUTTON, lambda i: i.feedback),
            opens=fb_views.REPLY_CALLBACK,
        ),
        Case(
            fb_views.REPLY_CALLBACK,
            OWNERS,
            _view(
                fb_views.REPLY_CALLBACK,
                lambda i: {fb_views.B_REPLY: _txt("Thanks!")},
                lambda i: i.feedback,
            ),
        ),
        # content requests
        Case(
            cr_views.REQUEST_CALLBACK,
            EVERYONE,
            _view(
                cr_views.REQUEST_CALLBACK,
                lambda i: {
                    cr_views.B_WHAT: _txt("A security one-pager"),
                    cr_views.B_WHY: _txt("Banks ask"),
                    cr_views.B_STAGE: _sel("demo"),
                    cr_views.B_DATE: _day(soon),
                    cr_views.B_QUESTIONS: _txt(""),
                },
                lambda i: "",
            ),
        ),
        Case(
            cr_posts.ACCEPT_BUTTON,
            MARKETERS,
            _btn(cr_posts.ACCEPT_BUTTON, lambda i: i.request),
            opens=cr_views.ACCEPT_CALLBACK,
        ),
        Case(
            cr_posts.DECLINE_BUTTON,
            MARKETERS,
            _btn(cr_posts.DECLINE_BUTTON, lambda i: i.request),
            opens=cr_views.DECLINE_CALLBACK,
        ),
        Case(
            cr_posts.DELIVER_BUTTON,
            MARKETERS,
            _btn(cr_posts.DELIVER_BUTTON, lambda i: i.accepted),
            opens=cr_views.DELIVER_CALLBACK,
        ),
        Case(cr_posts.START_BUTTON, MARKETERS, _btn(cr_posts.START_BUTTON, lambda i: i.accepted)),
        Case(
            cr_posts.PLUS_ONE_BUTTON,
            EVERYONE - {"owner"},
            _btn(cr_posts.PLUS_ONE_BUTTON, lambda i: i.request),
        ),
        Case(
            cr_posts.FOLLOWUP_BUTTON,
            frozenset({"owner"}),
            _btn(cr_posts.FOLLOWUP_BUTTON, lambda i: i.delivered),
            opens=fb_views.FEEDBACK_CALLBACK,
        ),
        Case(
            cr_views.ACCEPT_CALLBACK,
            MARKETERS,
            _view(
                cr_views.ACCEPT_CALLBACK,
                lambda i: {
                    cr_views.B_PRIORITY: _sel("P1"),
                    cr_views.B_OWNER: _user(MARKETER),
                    cr_views.B_EXPECTED: _day(soon),
                },
                lambda i: i.request,
            ),
        ),
        Case(
            cr_views.DECLINE_CALLBACK,
            MARKETERS,
            _view(
                cr_views.DECLINE_CALLBACK,
                lambda i: {cr_views.B_REASON: _txt("Out of scope")},
                lambda i: i.request,
            ),
        ),
        Case(
            cr_views.DELIVER_CALLBACK,
            MARKETERS,
            _view(
                cr_views.DELIVER_CALLBACK,
                lambda i: {
                    cr_views.B_NEW_TITLE: _txt("Security one-pager"),
                    cr_views.B_NEW_URL: _txt("https://example.com/sec"),
                    cr_views.B_NEW_KIND: _sel("one-pager"),
                },
                lambda i: i.accepted,
            ),
        ),
        # goals
        Case("goal new", LEADERS, _cmd("/goal", lambda i: "new"), opens=goal_views.FORM_CALLBACK),
        Case(
            "goal edit",
            LEADERS,
            _cmd("/goal", lambda i: f"edit {i.goal_name}"),
            opens=goal_views.FORM_CALLBACK,
        ),
        Case("goal archive", LEADERS, _cmd("/goal", lambda i: f"archive {i.goal_name}")),
        Case("goal update", MEMBERS, _cmd("/goal", lambda i: f"update {i.goal_name} +5")),
        Case(
            goal_views.FORM_CALLBACK,
            LEADERS,
            _view(goal_views.FORM_CALLBACK, lambda i: goal_form(name=f"New {i.tag}"), lambda i: ""),
        ),
        Case(
            "goal_form (edit)",
            LEADERS,
            _view(
                goal_views.FORM_CALLBACK,
                lambda i: goal_form(name=f"Renamed {i.tag}"),
                lambda i: i.goal,
            ),
        ),
        Case(
            LOG_PROGRESS,
            MEMBERS,
            _btn(LOG_PROGRESS, lambda i: "log"),
            opens=goal_views.LOG_CALLBACK,
        ),
        Case(
            goal_views.PICK_ACTION,
            MEMBERS,
            lambda i: Request(
                "btn", f"{goal_views.PICK_ACTION}_0", json.dumps({"g": i.goal, "v": "+3", "n": ""})
            ),
        ),
        Case(
            goal_views.LOG_CALLBACK,
            MEMBERS,
            _view(
                goal_views.LOG_CALLBACK,
                lambda i: {
                    "goal": {
                        "value": {
                            "type": "static_select",
                            "selected_option": {"value": str(i.goal)},
                        }
                    },
                    "progress": _txt("+4"),
                    "note": _txt(None),
                },
                lambda i: "",
            ),
        ),
        # agendas
        Case("agenda setup", LEADERS, _cmd("/agenda", lambda i: "setup"), opens=mf.SETUP),
        Case("agenda pause", LEADERS, _cmd("/agenda", lambda i: f"pause {i.series}")),
        Case(
            "agenda skip",
            LEADERS,
            _cmd("/agenda", lambda i: f"skip {i.series} {next_meeting.isoformat()}"),
        ),
        Case("agenda add", EVERYONE, _cmd("/agenda", lambda i: f"add {i.series} Churn numbers")),
        Case(
            mf.SETUP,
            LEADERS,
            _view(mf.SETUP, lambda i: {**setup, "name": _txt(f"New {i.tag}")}, lambda i: ""),
        ),
        Case(meeting_views.VOTE, EVERYONE, _btn(meeting_views.VOTE, lambda i: i.topic_item)),
        Case(
            meeting_views.DISCUSSED,
            SERIES_PEOPLE,
            _btn(meeting_views.DISCUSSED, lambda i: i.topic_item),
        ),
        Case(meeting_views.DONE, SERIES_PEOPLE, _btn(meeting_views.DONE, lambda i: i.action)),
        Case(
            meeting_views.ADD_TOPIC,
            EVERYONE,
            _btn(meeting_views.ADD_TOPIC, lambda i: i.agenda),
            opens=mf.TOPIC,
        ),
        Case(
            meeting_views.ADD_ACTION,
            SERIES_PEOPLE,
            _btn(meeting_views.ADD_ACTION, lambda i: i.agenda),
            opens=mf.ACTION,
        ),
        Case(
            mf.TOPIC,
            EVERYONE,
            _view(mf.TOPIC, lambda i: {"text": {mf.VALUE: "Churn"}}, lambda i: i.agenda),
        ),
        Case(
            mf.ACTION,
            SERIES_PEOPLE,
            _view(
                mf.ACTION,
                lambda i: {
                    "text": {mf.VALUE: "Send the ROI deck"},
                    "owner": {mf.VALUE: {"type": "users_select", "selected_user": OWNER}},
                    "due": {
                        mf.VALUE: {
                            "type": "datepicker",
                            "selected_date": (date.today() + timedelta(days=3)).isoformat(),
                        }
                    },
                },
                lambda i: i.agenda,
            ),
        ),
    ]


CASES = _cases()
# Registered listeners that change nothing (forms for everyone, type-ahead, Home buttons, events
# whose duplicates are tested in test_duplicates.py).
NOT_MUTATING = {
    "/content-request",  # opens the form (anyone) or lists
    "/asset-feedback",  # opens the form (anyone)
    "log_prospect_question",  # the message shortcut opens the capture form (anyone)
    "asset_pick",
    "^home_start:",
    "app_home_opened",
    "member_joined_channel",
    "reaction_added",
    "reaction_removed",
}


def registered() -> set[str]:
    """Every command, action_id, callback_id and event the handlers register (patterns by text)."""
    import handlers

    found: set[str] = set()

    class Recorder:
        def _record(self, what: Any, *_: Any, **__: Any) -> Callable[..., None]:
            found.add(what if isinstance(what, str) else str(getattr(what, "pattern", what)))
            return lambda *a, **k: None

        command = action = view = shortcut = event = options = _record

        def use(self, *_: Any) -> None:
            pass

    handlers.register_all(Recorder())
    return found


FEATURES = ("lockstep", "question", "asset", "content_request", "goal", "digest", "agenda")


def feature_of(case: Case) -> str:
    name = next(f for f in FEATURES if case.name.startswith(f))
    return "goal" if name == "digest" else name


def target_of(case: Case) -> str:
    """What the case exercises, as registered: the command, the action_id or callback_id."""
    req = case.make(Ids("probe"))
    if req.kind == "btn" and req.target.startswith("goal_pick_"):
        return r"^goal_pick_\d+$"
    return req.target
