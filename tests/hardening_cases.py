"""The permission matrix: every mutating command, button and form, who may use it (from each
handler's check and issues 3-6), and the request that uses it on freshly seeded objects (`Ids`).

`registered()` lists what the handlers register, so a new listener missing here fails a test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.meetings.views import forms as meeting_forms
from tests.hardening_helpers import CHANNEL, GIVER, MARKETER, OWNER, USERS, Ids, Request

# --------------------------------------------------------------------------- the matrix
EVERYONE = frozenset(USERS)
MEMBERS = EVERYONE - {"nobody"}
ADMINS = frozenset({"admin"})
MARKETERS = frozenset({"admin", "marketer"})
LEADERS = frozenset({"admin", "leader"})
OWNERS = frozenset({"admin", "owner"})
SERIES_PEOPLE = frozenset({"admin", "leader", "owner"})
ASKER_OR_MARKETERS = frozenset({"admin", "marketer", "owner"})
OWNER_OR_MARKETERS = ASKER_OR_MARKETERS  # a request's owner (a rep here) and the triagers


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
    from bot.assets.views import catalog as asset_views
    from bot.assets.views import feedback as fb_views
    from bot.content_requests.views import forms as cr_views
    from bot.content_requests.views import overdue as cr_overdue
    from bot.content_requests.views import posts as cr_posts
    from bot.goals.views import goals as goal_views
    from bot.goals.views.digest import LOG_PROGRESS, SIGNAL_HELP, SIGNAL_RISK
    from bot.meetings.views import agenda as meeting_views
    from bot.questions.views import modals as q_modals
    from bot.questions.views import posts as q_posts
    from bot.questions.views import ratings as q_ratings
    from bot.questions.views import review as q_review
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
        # questions: keeping answers true, rating them
        Case(
            "question " + q_review.VERIFY_BUTTON,
            MARKETERS,
            _btn(q_review.VERIFY_BUTTON, lambda i: i.extra.get("verify", "")),
        ),
        Case(
            "question " + q_review.RETIRE_BUTTON,
            MARKETERS,
            _btn(q_review.RETIRE_BUTTON, lambda i: i.extra.get("answer", 0)),
        ),
        Case(
            "question " + q_review.UPDATE_BUTTON,
            MARKETERS,
            _btn(q_review.UPDATE_BUTTON, lambda i: i.extra.get("answer", 0)),
            opens=q_modals.ANSWER_MODAL,
        ),
        Case(  # the asker (OWNER) resolves their question with the original's answer
            "question " + q_ratings.ANSWERS_BUTTON,
            ASKER_OR_MARKETERS,
            _btn(q_ratings.ANSWERS_BUTTON, lambda i: f"{i.question}:{i.extra.get('answer', 0)}"),
        ),
        Case(
            "question " + q_ratings.NOT_QUITE_BUTTON,
            ASKER_OR_MARKETERS,
            _btn(q_ratings.NOT_QUITE_BUTTON, lambda i: f"{i.question}:{i.extra.get('answer', 0)}"),
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
        Case(  # the owner a marketer picked, from their overdue DM
            cr_posts.DECLINE_BUTTON + " (its owner)",
            OWNER_OR_MARKETERS,
            _btn(cr_posts.DECLINE_BUTTON, lambda i: i.extra.get("owned", 0)),
            opens=cr_views.DECLINE_CALLBACK,
        ),
        Case(
            cr_posts.DELIVER_BUTTON + " (its owner)",
            OWNER_OR_MARKETERS,
            _btn(cr_posts.DELIVER_BUTTON, lambda i: i.extra.get("owned", 0)),
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
            cr_overdue.MOVE_DATE_BUTTON,
            MARKETERS,  # and the request's owner (none on the seeded one)
            _btn(cr_overdue.MOVE_DATE_BUTTON, lambda i: i.accepted),
            opens=cr_overdue.MOVE_DATE_CALLBACK,
        ),
        Case(
            cr_overdue.MOVE_DATE_CALLBACK,
            MARKETERS,
            _view(
                cr_overdue.MOVE_DATE_CALLBACK,
                lambda i: {cr_views.B_EXPECTED: _day(soon)},
                lambda i: i.accepted,
            ),
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
        Case(
            cr_views.DECLINE_CALLBACK + " (its owner)",
            OWNER_OR_MARKETERS,
            _view(
                cr_views.DECLINE_CALLBACK,
                lambda i: {cr_views.B_REASON: _txt("Out of scope")},
                lambda i: i.extra.get("owned", 0),
            ),
        ),
        Case(
            cr_views.DELIVER_CALLBACK + " (its owner)",
            OWNER_OR_MARKETERS,
            _view(
                cr_views.DELIVER_CALLBACK,
                lambda i: {
                    cr_views.B_NEW_TITLE: _txt("Battlecard"),
                    cr_views.B_NEW_URL: _txt("https://example.com/battle"),
                    cr_views.B_NEW_KIND: _sel("one-pager"),
                },
                lambda i: i.extra.get("owned", 0),
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
        Case(  # anyone who reads the digest may say they see a risk in a goal, or can help
            SIGNAL_RISK,
            EVERYONE,
            lambda i: Request("btn", SIGNAL_RISK, ts=i.digest_ts, option=str(i.goal)),
        ),
        Case(
            SIGNAL_HELP,
            EVERYONE,
            lambda i: Request("btn", SIGNAL_HELP, ts=i.digest_ts, option=str(i.goal)),
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
    # Opens the answer form for marketers (a notice for others); what it sends is the
    # question_answer form's submission, checked above.
    "use_as_answer",
    "gap_request_content",  # opens the content-request form, filled in (anyone)
    "asset_pick",
    "^home_start:",
    "app_home_opened",
    "member_joined_channel",
    "reaction_added",
    "reaction_removed",
    "user_change",  # Slack tells a member's new zone (or deactivation): no person acts
    # Slack's own lifecycle events: no person acts, so no role applies; they delete the
    # workspace's installation (tests/bot/system/test_installs.py).
    "app_uninstalled",
    "tokens_revoked",
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

        def after_listener(self, *_: Any) -> None:
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
