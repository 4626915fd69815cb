"""Hostile text through every feature's inputs, end to end: whatever a person types (`<!channel>`,
`<!here>`, `<!everyone>`, `<@U…>`, `<https://evil.example|bank>`, `&`) reaches Slack escaped
once, in the notification fallback `text` as in the blocks. The scan is tests/mention_scan.py's
(it also runs at the teardown of every test that uses the fake Slack)."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.assets.views import catalog as asset_views
from bot.assets.views import feedback as feedback_views
from bot.content_requests import jobs as request_jobs
from bot.content_requests.overdue import nudge_overdue
from bot.content_requests.views import forms as request_views
from bot.content_requests.views import overdue as overdue_views
from bot.content_requests.views import posts
from bot.gaps.views import report as gap_views
from bot.goals.digest_jobs import post_due_digests
from bot.goals.nudges import nudge_goal_owners
from bot.goals.views import digest as digest_views
from bot.goals.views import goals as goal_views
from bot.kernel.forms import INPUT
from bot.kernel.text import escape
from bot.meetings.jobs import post_due_agendas, remind_actions
from bot.meetings.views import forms as meeting_forms
from bot.platform.runtime import Runtime
from bot.questions import review
from bot.questions.nudges import remind_unanswered
from bot.questions.views import modals as question_modals
from bot.questions.views import posts as question_posts
from bot.questions.views import ratings
from bot.questions.views import replies as question_views
from bot.questions.views import review as review_views
from handlers.questions_thread import SHORTCUT
from storage import meetings, workspaces
from storage import meetings_agendas as agendas
from storage import questions as question_store
from storage.clock import utcnow
from storage.models import Asset, ContentRequest, Digest, Goal
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack
from tests.goal_fixtures import DIGEST_CHANNEL
from tests.goal_fixtures import SALES as GOAL_SALES
from tests.goal_fixtures import form as goal_form
from tests.handlers import question_helpers as qh
from tests.handlers.asset_support import MARKETER, OTHER_REP, REP, day, empty, grant, person, sel
from tests.handlers.asset_support import txt as typed_in
from tests.handlers.test_assets_feedback import feedback_values
from tests.handlers.test_home import opened as home_opened
from tests.handlers.test_home import published_for as home_for
from tests.handlers.test_meetings import setup_values, text_
from tests.hardening_helpers import both_engines  # noqa: F401  (SQLite, and PostgreSQL if set)
from tests.meeting_helpers import CHANNEL, MARKETING
from tests.meeting_helpers import SALES as MEETING_SALES
from tests.mention_scan import MentionGuard
from tests.slack_signing import (
    SlackHTTP,
    block_action_payload,
    message_action_payload,
    view_submission_payload,
)

# U0FAKE0002 is a member of the fake workspace whom no test here makes an actor, so a mention of
# it can only have come from the typed text.
HOSTILE = "<!channel> <!here> <!everyone> <@U0FAKE0002> <https://evil.example|bank> & co"
SHOWN = "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U0FAKE0002&gt;"
ISSUE_WHAT = "Comparison sheet for the <!channel> review, ask <@U0FAKE0002>"
TRIAGE = "C0TRIAGE01"
SOON = (date.today() + timedelta(days=10)).isoformat()


def slash(text: str) -> str:
    """`text` as Slack sends it in a slash command: entity-encoded once."""
    return escape(text)


def sent_text(slack: FakeSlack) -> str:
    """Everything Lockstep posted, updated or answered through a response_url, as JSON."""
    methods = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")
    return json.dumps([c.params for c in slack.calls if c.method in methods])


def to(channel: str) -> Any:
    return lambda call: call.params.get("channel") == channel


def assert_escaped_once(guard: MentionGuard, slack: FakeSlack, *answers: Any) -> None:
    """No live mention or link from typed text anywhere, and the text is shown, escaped once."""
    assert guard.leaks(slack.calls) == []
    shown = sent_text(slack) + json.dumps(answers)
    assert SHOWN in shown or "&lt;!channel&gt;" in shown
    assert "&amp;amp;" not in shown and "&amp;lt;" not in shown


def accept_the_request(http: SlackHTTP, engine: Engine) -> int:
    """A marketer accepts the one content request (P1, due SOON); its id."""
    with Session(engine) as session:
        rid = session.exec(select(ContentRequest.id)).one()
    assert rid is not None
    accept = {
        request_views.B_PRIORITY: sel("P1"),
        request_views.B_OWNER: person(MARKETER),
        request_views.B_EXPECTED: day(SOON),
    }
    accepted = view_submission_payload(
        request_views.ACCEPT_CALLBACK, accept, user_id=MARKETER, private_metadata=str(rid)
    )
    assert http.submit(accepted) == (200, "")
    return rid


def weekday_after_workday(day: date) -> date:
    """The first day from `day` whose eve is Monday to Friday (a reminder the day before it
    then falls in working hours)."""
    while (day - timedelta(days=1)).weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_content_request_pings_nobody_in_the_triage_post_or_its_updates(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime, mention_guard: MentionGuard
) -> None:
    with Session(engine) as session:
        workspaces.update(session, TEAM, triage_channel=TRIAGE)
    grant(engine, MARKETER)
    values = {
        request_views.B_WHAT: typed_in(ISSUE_WHAT),
        request_views.B_WHY: typed_in(HOSTILE),
        request_views.B_STAGE: sel("demo"),
        request_views.B_DATE: day(SOON),
        request_views.B_QUESTIONS: empty(),
    }
    payload = view_submission_payload(request_views.REQUEST_CALLBACK, values, user_id=REP)
    assert http.submit(payload) == (200, "")
    (post,) = slack.wait_for("chat.postMessage", where=to(TRIAGE))
    # The notification fallback, which Slack parses for mentions, shows the text escaped.
    assert post.params["text"].endswith(
        "Comparison sheet for the &lt;!channel&gt; review, ask &lt;@U0FAKE0002&gt;"
    )
    rid = accept_the_request(http, engine)
    (update,) = slack.wait_for("chat.update", where=to(TRIAGE))
    assert "&lt;!channel&gt; review" in update.params["text"]
    http.action(block_action_payload(posts.PLUS_ONE_BUTTON, str(rid), user_id=OTHER_REP))
    slack.wait_for("chat.update", 2, where=to(TRIAGE))
    deliver = {
        request_views.B_NEW_TITLE: typed_in(HOSTILE),
        request_views.B_NEW_URL: typed_in("https://example.com/sheet"),
        request_views.B_NEW_KIND: sel("one-pager"),
    }
    submit = view_submission_payload(
        request_views.DELIVER_CALLBACK, deliver, user_id=MARKETER, private_metadata=str(rid)
    )
    assert http.submit(submit) == (200, "")
    slack.wait_for("chat.postMessage", 3, where=to(REP))  # submitted, accepted, delivered
    # Two weeks on, the follow-up DM names the new asset (its title typed above); it goes in
    # the rep's working hours (the stand-in's zone is New York): a Wednesday, 16:00 UTC.
    later = (utcnow() + timedelta(days=15)).replace(hour=16, minute=0)
    request_jobs.run(runtime, later + timedelta(days=(2 - later.weekday()) % 7))
    (followup,) = slack.wait_for(
        "chat.postMessage", where=lambda c: "Rate it" in str(c.params.get("text"))
    )
    assert "&lt;!channel&gt;" in followup.params["text"]
    _, queue = http.command("/content-request", "list", user_id=MARKETER)
    _, mine = http.command("/content-request", "list", user_id=REP)
    assert_escaped_once(mention_guard, slack, queue, mine)


def test_asset_titles_feedback_and_replies_ping_nobody(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, mention_guard: MentionGuard
) -> None:
    grant(engine, MARKETER)
    asset_form = {
        asset_views.B_TITLE: typed_in(HOSTILE),
        asset_views.B_URL: typed_in("https://example.com/deck"),
        asset_views.B_KIND: sel("deck"),
        asset_views.B_STAGE: sel("decision"),
        asset_views.B_OWNER: person(MARKETER),
    }
    add = view_submission_payload(asset_views.ADD_CALLBACK, asset_form, user_id=MARKETER)
    assert http.submit(add) == (200, "")
    with Session(engine) as session:
        asset_id = session.exec(select(Asset.id)).one()
    _, listed = http.command("/asset", "list", user_id=REP)
    assert "&lt;!channel&gt;" in listed["text"]  # the list's fallback, not only its blocks
    _, found = http.command("/asset", slash("channel <!here>"), user_id=REP)
    http.command("/asset-feedback", slash(HOSTILE), user_id=REP)
    values = feedback_values(asset_id)
    values[feedback_views.B_WORKED] = typed_in(HOSTILE)
    values[feedback_views.B_MISSING] = typed_in(ISSUE_WHAT)
    first = view_submission_payload(feedback_views.FEEDBACK_CALLBACK, values, user_id=REP)
    assert http.submit(first) == (200, "")
    (dm,) = slack.wait_for("chat.postMessage", where=to(MARKETER))
    assert dm.params["text"].startswith(f"New feedback on your asset: {SHOWN}")
    other = feedback_values(None, other=HOSTILE)
    http.submit(view_submission_payload(feedback_views.FEEDBACK_CALLBACK, other, user_id=REP))
    fb_id = dm.json("metadata")["event_payload"]["feedback_ids"][0]
    reply = view_submission_payload(
        feedback_views.REPLY_CALLBACK,
        {feedback_views.B_REPLY: typed_in(HOSTILE)},
        user_id=MARKETER,
        private_metadata=str(fb_id),
    )
    assert http.submit(reply) == (200, "")
    slack.wait_for("chat.postMessage", where=to(REP))
    assert_escaped_once(mention_guard, slack, listed, found)


def test_goal_names_notes_and_the_digest_ping_nobody(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime, mention_guard: MentionGuard
) -> None:
    lead = "U0LEAD0001"
    grant(engine, lead, "leader")
    grant(engine, REP, "rep")
    name = f"Wins {HOSTILE}"
    values = goal_form(name=name, unit="<!here> & <@U0FAKE0002>", channel=DIGEST_CHANNEL)
    assert http.submit(view_submission_payload(goal_views.FORM_CALLBACK, values, user_id=lead))[
        1
    ] in ("", {})
    runtime.outbox.deliver_due()
    slack.wait_for("chat.postMessage", where=to(lead))
    with Session(engine) as session:
        (goal,) = session.exec(select(Goal)).all()
    assert goal.name == name
    answers = []
    for text in (
        f"update {name} +3 {HOSTILE}",
        f"update {name} {HOSTILE}",
        f"update Wins {ISSUE_WHAT}",
        "list",
    ):
        answers.append(http.command("/goal", slash(text), user_id=REP)[1])
    # A choice button whose value was tampered with: the error echoes what it carried.
    forged = json.dumps({"g": goal.id, "v": HOSTILE, "n": HOSTILE})
    http.action(block_action_payload(f"{goal_views.PICK_ACTION}_0", forged, user_id=REP))
    slack.wait_for("response_url")
    # The digest's "Log progress" form, with a note typed in it.
    log = {
        "goal": {goal_views.VALUE: sel(str(goal.id))[INPUT]},
        "progress": {goal_views.VALUE: {"type": "plain_text_input", "value": "+2"}},
        "note": {goal_views.VALUE: {"type": "plain_text_input", "value": HOSTILE}},
    }
    http.submit(view_submission_payload(goal_views.LOG_CALLBACK, log, user_id=REP))
    # The digest, due this minute (no frozen clock: the background worker runs meanwhile).
    now = datetime.now(UTC)
    with Session(engine) as session:
        workspaces.update(
            session,
            TEAM,
            "UTC",
            timezone="UTC",
            digest_channel=DIGEST_CHANNEL,
            digest_weekday=now.weekday(),
            digest_time=f"{now:%H:%M}",
        )
    assert post_due_digests(runtime, now)["submitted"] == 1
    (digest,) = slack.wait_for("chat.postMessage", where=to(DIGEST_CHANNEL))
    assert "&lt;!channel&gt;" in str(digest.params["blocks"])
    for text in (f"edit {HOSTILE}", f"update {HOSTILE}", f"archive {HOSTILE}"):
        answers.append(http.command("/goal", slash(text), user_id=lead)[1])
    assert_escaped_once(mention_guard, slack, *answers)


def test_prospect_questions_from_the_shortcut_and_the_form_ping_nobody(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, mention_guard: MentionGuard
) -> None:
    with Session(engine) as session:
        workspaces.update(session, TEAM, triage_channel=TRIAGE)
    grant(engine, MARKETER)
    # The shortcut on a message that itself mentions people (Slack sends it entity-encoded).
    http.action(message_action_payload(question_views.SHORTCUT, slash(HOSTILE)))
    slack.wait_for("views.open")
    values = {
        "question": {"text": {"type": "plain_text_input", "value": HOSTILE}},
        "prospect": {"prospect": {"type": "plain_text_input", "value": ISSUE_WHAT}},
        "segment": {"segment": {"type": "plain_text_input", "value": "<!here>"}},
        "tags": {"tags": {"type": "plain_text_input", "value": "<@U0FAKE0002>, & co"}},
    }
    capture = view_submission_payload(question_modals.CAPTURE_MODAL, values, user_id=REP)
    assert http.submit(capture)[0] == 200
    (post,) = slack.wait_for("chat.postMessage", where=to(TRIAGE))
    assert post.params["text"].endswith(SHOWN + " &lt;https://evil.example|bank&gt; &amp; co")
    answer = view_submission_payload(
        question_modals.ANSWER_MODAL,
        {"answer": {"answer": HOSTILE}, "link": {"link": ""}},
        user_id=MARKETER,
        private_metadata="1",
    )
    http.submit(answer)
    slack.wait_for("chat.postMessage", where=to(REP))
    slack.wait_for("chat.update", where=to(TRIAGE))
    answers = [http.command("/prospect-question", slash(f"search {HOSTILE}"), user_id=REP)[1]]
    answers.append(http.command("/prospect-question", slash(f"edit 1 {HOSTILE}"), user_id=REP)[1])
    answers.append(http.command("/prospect-question", slash(f"bogus {HOSTILE}"), user_id=REP)[1])
    assert_escaped_once(mention_guard, slack, *answers)


def test_agenda_series_topics_and_action_items_ping_nobody(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime, mention_guard: MentionGuard
) -> None:
    name = "Sync <!here> & <@U0FAKE0002>"
    weekday = (datetime.now(UTC).weekday() + 2) % 7  # the day after tomorrow, posted a week ahead
    setup = setup_values(
        name=text_(name),
        weekday={"type": "static_select", "selected_option": {"text": "d", "value": str(weekday)}},
        timezone=text_("UTC"),
        lead=text_("168"),
    )
    assert http.submit(view_submission_payload(meeting_forms.SETUP, setup, user_id=ADMIN))[0] == 200
    slack.wait_for("chat.postMessage", where=to(ADMIN))
    answers = [
        http.command("/agenda", slash(f"add {name} {HOSTILE}"), user_id=MEETING_SALES[0])[1],
        http.command("/agenda", slash(f"preview {name}"), user_id=MEETING_SALES[0])[1],
        http.command("/agenda", slash(f"pause {HOSTILE}"), user_id=ADMIN)[1],
        http.command("/agenda", "list", user_id=ADMIN)[1],
    ]
    assert post_due_agendas(runtime, datetime.now(UTC))["posted"] == 1
    (agenda_post,) = slack.wait_for("chat.postMessage", where=to(CHANNEL))
    assert "Sync &lt;!here&gt; &amp; &lt;@U0FAKE0002&gt;" in agenda_post.params["text"]
    with Session(engine) as session:
        series = meetings.find_series(session, TEAM, name)
        assert series is not None and series.id is not None
        agenda = agendas.upcoming_agenda(session, series.id, datetime.now(UTC))
        assert agenda is not None
    topic = view_submission_payload(
        meeting_forms.TOPIC,
        {"text": {meeting_forms.VALUE: HOSTILE}},
        user_id=MEETING_SALES[0],
        private_metadata=str(agenda.id),
    )
    http.submit(topic)
    slack.wait_for("chat.update", where=to(CHANNEL))
    due = weekday_after_workday(date.today() + timedelta(days=3))
    slack.users[MARKETING[1]] = {"tz": "UTC"}  # reminded 09:00 UTC: inside their hours
    action: dict[str, dict[str, Any]] = {
        "text": {meeting_forms.VALUE: ISSUE_WHAT},
        "owner": {meeting_forms.VALUE: {"type": "users_select", "selected_user": MARKETING[1]}},
        "due": {meeting_forms.VALUE: {"type": "datepicker", "selected_date": due.isoformat()}},
    }
    http.submit(
        view_submission_payload(
            meeting_forms.ACTION, action, user_id=MEETING_SALES[0], private_metadata=str(agenda.id)
        )
    )
    slack.wait_for("chat.update", 2, where=to(CHANNEL))
    remind_at = datetime.combine(due - timedelta(days=1), datetime.min.time(), UTC)
    assert remind_actions(runtime, remind_at + timedelta(hours=9))["reminders_due"] == 1
    (reminder,) = slack.wait_for("chat.postMessage", where=to(MARKETING[1]))
    assert "&lt;!channel&gt; review" in reminder.params["text"]
    assert_escaped_once(mention_guard, slack, *answers)


# --------------------------------------------------------------------------- the later features
# (issue 17: nudges and each person's time; issue 18: answer freshness, ratings, Use as answer,
# knowledge gaps, per-goal signals; issue 19: several workspaces)


def wednesday_noon(after: datetime) -> datetime:
    """The first Wednesday 12:00 UTC at least two days after `after`: working hours in UTC."""
    when = (after + timedelta(days=2)).date()
    when += timedelta(days=(2 - when.weekday()) % 7)
    return datetime.combine(when, datetime.min.time(), UTC).replace(hour=12)


def dm_to(user: str, containing: str) -> Any:
    return lambda c: c.params.get("channel") == user and containing in json.dumps(c.params)


def at_path(url: str) -> Any:
    """The post to one response_url."""
    path = "/response/" + url.rsplit("/", 1)[1]
    return lambda call: call.path == path


def clicked(http: SlackHTTP, slack: FakeSlack, action_id: str, value: str, user: str) -> Any:
    """A button in a DM, and the reply its response_url got."""
    url = slack.new_response_url()
    payload = block_action_payload(
        action_id, value, user_id=user, channel_id=user, response_url=url
    )
    assert http.action(payload)[0] == 200
    (reply,) = slack.wait_for("response_url", where=at_path(url))
    return reply


def test_answer_review_dm_its_buttons_and_the_ratings_ping_nobody(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime, mention_guard: MentionGuard
) -> None:
    qh.setup_team(engine)
    qh.ask(http, slash(f"Okta {HOSTILE}"))
    (triage,) = qh.triage_posts(slack)
    assert SHOWN in triage.params["text"]
    assert qh.answer(http, 1, f"Yes {HOSTILE}") == (200, "")
    (answer_dm,) = qh.dms(slack, qh.REP)
    with Session(engine) as session:
        first = question_store.latest_answer(session, 1)
    assert first is not None and first.id is not None
    # "Not quite" on the answer DM: the rep's reply and the note in the triage thread.
    missed = clicked(http, slack, ratings.NOT_QUITE_BUTTON, ratings.value(1, first), qh.REP)
    assert "missed" in missed.params["text"]
    slack.wait_for("chat.postMessage", where=lambda c: "does not quite" in str(c.params["text"]))
    # The review DM when the answer comes due: the question and the answer, escaped once.
    assert (
        review.send_due_reviews(
            runtime, wednesday_noon(utcnow() + timedelta(days=400)) + timedelta(hours=4)
        )
        == 1
    )  # noqa: E501
    (due,) = slack.wait_for(
        "chat.postMessage", where=dm_to(qh.MARKETER, review_views.VERIFY_BUTTON)
    )
    shown = json.dumps(due.json("blocks"))
    assert f"*Question:* Okta {SHOWN}" in shown and f"*Answer:* Yes {SHOWN}" in shown
    verified = clicked(http, slack, review_views.VERIFY_BUTTON, review_views.verify_value(first),
                       qh.MARKETER)  # fmt: skip
    assert "verified the answer" in verified.params["text"]
    # Update: the answer form, filled in (plain text) under the question (mrkdwn, escaped).
    clicked_update = block_action_payload(
        review_views.UPDATE_BUTTON, str(first.id), user_id=qh.MARKETER, channel_id=qh.MARKETER
    )
    http.action(clicked_update)
    (form,) = slack.wait_for("views.open")
    assert f"Okta {SHOWN}" in json.dumps(form.json("view"))
    assert qh.answer(http, 1, f"Still yes {HOSTILE}") == (200, "")
    updated = qh.dms(slack, qh.REP, 2)[-1]
    assert f"Still yes {SHOWN}" in json.dumps(updated.json("blocks"))
    with Session(engine) as session:
        newest = question_store.latest_answer(session, 1)
    assert newest is not None and newest.id != first.id
    # Retire: the triage post is back to open (its question escaped) with a note in its thread.
    retired = clicked(http, slack, review_views.RETIRE_BUTTON, str(newest.id), qh.MARKETER)
    assert "retired the answer" in retired.params["text"]
    reopened = qh.updates(slack, containing=question_posts.ANSWER_BUTTON)[-1]
    assert SHOWN in reopened.params["text"]
    assert_escaped_once(mention_guard, slack)


def test_still_open_question_nudge_pings_nobody(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime, mention_guard: MentionGuard
) -> None:
    qh.setup_team(engine)
    with Session(engine) as session:
        workspaces.update(session, TEAM, "UTC", timezone="UTC")
    slack.users[qh.REP] = {"tz": "UTC"}
    qh.ask(http, slash(HOSTILE))
    qh.triage_posts(slack)
    qh.sent_triage_row(engine, 1)
    now = wednesday_noon(utcnow())
    with Session(engine) as session:  # asked a week before `now`: 24 working hours are past
        q = question_store.get(session, TEAM, 1)
        assert q is not None
        q.created_at = now - timedelta(days=7)
        session.add(q)
        session.commit()
    assert remind_unanswered(runtime, now) == {"reminded": 1, "askers_told": 1}
    slack.wait_for("chat.postMessage", where=lambda c: "still unanswered" in str(c.params["text"]))
    (dm,) = slack.wait_for("chat.postMessage", where=dm_to(qh.REP, "is still open"))
    assert f"_{SHOWN} &lt;https://evil.example|bank&gt; &amp; co_" in json.dumps(dm.json("blocks"))
    assert_escaped_once(mention_guard, slack)


def test_overdue_request_nudge_and_its_new_date_ping_nobody(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime, mention_guard: MentionGuard
) -> None:
    with Session(engine) as session:
        workspaces.update(session, TEAM, "UTC", timezone="UTC", triage_channel=TRIAGE)
    grant(engine, MARKETER)
    slack.users[MARKETER] = {"tz": "UTC"}
    values = {
        request_views.B_WHAT: typed_in(HOSTILE),
        request_views.B_WHY: empty(),
        request_views.B_STAGE: sel("demo"),
        request_views.B_DATE: day(SOON),
        request_views.B_QUESTIONS: empty(),
    }
    payload = view_submission_payload(request_views.REQUEST_CALLBACK, values, user_id=REP)
    assert http.submit(payload) == (200, "")
    slack.wait_for("chat.postMessage", where=to(TRIAGE))
    rid = accept_the_request(http, engine)
    slack.wait_for("chat.update", where=to(TRIAGE))
    # The owner's DM the morning after the expected date, in their working hours.
    late = wednesday_noon(datetime.combine(date.fromisoformat(SOON), datetime.min.time(), UTC))
    assert nudge_overdue(runtime, late) == {"sent": 1}
    (dm,) = slack.wait_for("chat.postMessage", where=dm_to(MARKETER, "past its expected date"))
    assert f"_{SHOWN} &lt;https://evil.example|bank&gt; &amp; co_" in json.dumps(dm.json("blocks"))
    # Move the date: its form shows the request (mrkdwn), the requester is told the new date.
    click = block_action_payload(
        overdue_views.MOVE_DATE_BUTTON, str(rid), user_id=MARKETER, channel_id=MARKETER
    )
    assert http.action(click)[0] == 200
    (form,) = slack.wait_for("views.open")
    assert SHOWN in json.dumps(form.json("view"))
    later = (date.fromisoformat(SOON) + timedelta(days=30)).isoformat()
    moved = view_submission_payload(
        overdue_views.MOVE_DATE_CALLBACK,
        {request_views.B_EXPECTED: day(later)},
        user_id=MARKETER,
        private_metadata=str(rid),
    )
    assert http.submit(moved)[0] == 200
    (told,) = slack.wait_for("chat.postMessage", where=dm_to(REP, "now expected by"))
    assert SHOWN in json.dumps(told.json("blocks"))
    assert_escaped_once(mention_guard, slack)


def test_use_as_answer_on_a_hostile_thread_reply_pings_nobody(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, mention_guard: MentionGuard
) -> None:
    qh.setup_team(engine)
    qh.ask(http, "Do you support Okta single sign-on?")
    qh.triage_posts(slack)
    post = qh.sent_triage_row(engine, 1)
    assert post.result_ts is not None
    # The reply as Slack sends it in the shortcut's payload: entity-encoded once.
    payload = message_action_payload(
        SHORTCUT, slash(HOSTILE), user_id=qh.MARKETER, channel_id=TRIAGE,
        message_ts="1700000200.000100", message_user="U0EXPERT01",
    )  # fmt: skip
    payload["message"]["thread_ts"] = post.result_ts
    assert http.action(payload)[0] == 200
    form = slack.wait_for("views.open")[-1].json("view")
    answer_block = next(b for b in form["blocks"] if b.get("block_id") == "answer")
    assert answer_block["element"]["initial_value"] == HOSTILE  # plain text: shown as typed
    submission = view_submission_payload(
        question_modals.ANSWER_MODAL,
        {"answer": {"answer": HOSTILE}},
        user_id=qh.MARKETER,
        private_metadata=form["private_metadata"],
    )
    assert http.submit(submission) == (200, "")
    (dm,) = qh.dms(slack, qh.REP)
    assert SHOWN in dm.params["text"] and SHOWN in json.dumps(dm.json("blocks"))
    (update,) = qh.updates(slack, containing="Answered by")
    assert SHOWN in json.dumps(update.json("blocks"))
    assert_escaped_once(mention_guard, slack)


def test_knowledge_gaps_their_request_home_and_brainstorm_agenda_ping_nobody(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime, mention_guard: MentionGuard
) -> None:
    qh.setup_team(engine)
    tag = "<!here> & <@U0FAKE0002>"
    for n, rep in enumerate((qh.REP, qh.REP2)):
        values = {
            "question": {"text": {"type": "plain_text_input", "value": f"{HOSTILE} {n}"}},
            "tags": {"tags": {"type": "plain_text_input", "value": tag}},
        }
        capture = view_submission_payload(question_modals.CAPTURE_MODAL, values, user_id=rep)
        assert http.submit(capture)[0] == 200
    qh.triage_posts(slack, 2)
    label = "*&lt;!here&gt; &amp; &lt;@u0fake0002&gt;* (tag)"  # tags are kept in lower case
    url = slack.new_response_url()
    assert http.command("/lockstep", "gaps", user_id=ADMIN, response_url=url)[0] == 200
    path = "/response/" + url.rsplit("/", 1)[1]
    (reply,) = slack.wait_for("response_url", where=lambda c: c.path == path)
    shown = json.dumps(reply.params["blocks"], ensure_ascii=False)
    assert label in shown and f"> #1 {SHOWN}" in shown
    # Request content: the form is filled in from the gap; the request it makes is escaped.
    value = next(b["accessory"]["value"] for b in reply.params["blocks"] if "accessory" in b)
    assert http.action(block_action_payload(gap_views.REQUEST_BUTTON, value, user_id=qh.REP))[0]
    form = slack.wait_for("views.open")[-1].json("view")
    prefilled = {b["block_id"]: b["element"].get("initial_value", "") for b in form["blocks"]}
    assert tag.lower() in prefilled[request_views.B_WHAT]  # plain text: as typed
    values = {
        request_views.B_WHAT: typed_in(prefilled[request_views.B_WHAT]),
        request_views.B_WHY: typed_in(prefilled[request_views.B_WHY]),
        request_views.B_STAGE: sel("demo"),
        request_views.B_DATE: day(SOON),
        request_views.B_QUESTIONS: typed_in(prefilled[request_views.B_QUESTIONS]),
    }
    request = view_submission_payload(
        request_views.REQUEST_CALLBACK, values, user_id=qh.REP,
        private_metadata=form["private_metadata"],
    )  # fmt: skip
    assert http.submit(request) == (200, "")
    (posted,) = slack.wait_for(
        "chat.postMessage", where=lambda c: "Content request" in str(c.params)
    )
    assert "&lt;!here&gt; &amp; &lt;@u0fake0002&gt;" in posted.params["text"]
    # The Home tab's knowledge gaps (a marketer's).
    http.event(home_opened(qh.MARKETER))
    home = home_for(slack, qh.MARKETER)
    assert label in json.dumps(home, ensure_ascii=False)
    # A brainstorm series' agenda has the gaps section.
    weekday = (datetime.now(UTC).weekday() + 2) % 7
    setup = setup_values(
        name=text_("Ideas"),
        kind={"type": "static_select", "selected_option": {"text": "b", "value": "brainstorm"}},
        weekday={"type": "static_select", "selected_option": {"text": "d", "value": str(weekday)}},
        timezone=text_("UTC"),
        lead=text_("168"),
    )
    assert http.submit(view_submission_payload(meeting_forms.SETUP, setup, user_id=ADMIN))[0] == 200
    assert post_due_agendas(runtime, datetime.now(UTC))["posted"] == 1
    (agenda_post,) = slack.wait_for("chat.postMessage", where=to(CHANNEL))
    assert label in json.dumps(agenda_post.json("blocks"), ensure_ascii=False)
    assert_escaped_once(mention_guard, slack)


def test_goal_signals_the_leaders_home_and_the_owner_nudge_ping_nobody(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime, mention_guard: MentionGuard
) -> None:
    lead = "U0LEAD0001"
    grant(engine, lead, "leader")
    name = f"Wins {HOSTILE}"
    today = date.today()
    values = goal_form(
        name=name,
        unit="<!here>",
        channel=DIGEST_CHANNEL,
        start=(today - timedelta(days=30)).isoformat(),
        end=(today + timedelta(days=90)).isoformat(),
    )
    http.submit(view_submission_payload(goal_views.FORM_CALLBACK, values, user_id=lead))
    with Session(engine) as session:
        (goal,) = session.exec(select(Goal)).all()
    assert goal.name == name and goal.id is not None
    now = datetime.now(UTC)
    with Session(engine) as session:
        workspaces.update(session, TEAM, "UTC", timezone="UTC", digest_channel=DIGEST_CHANNEL,
                          digest_weekday=now.weekday(), digest_time=f"{now:%H:%M}")  # fmt: skip
    assert post_due_digests(runtime, now)["submitted"] == 1
    slack.wait_for("chat.postMessage", where=to(DIGEST_CHANNEL))
    digest = posted_digest_row(engine)
    # A signal picked under the digest: the reply names the goal, escaped once.
    for user, action in ((REP, digest_views.SIGNAL_RISK), (MARKETER, digest_views.SIGNAL_HELP)):
        url = slack.new_response_url()
        pick = block_action_payload(
            action, user_id=user, channel_id=digest.channel, message_ts=digest.ts or "",
            response_url=url, action_type="static_select",
            selected_option={"text": "goal", "value": str(goal.id)},
        )  # fmt: skip
        assert http.action(pick)[0] == 200
        (said,) = slack.wait_for("response_url", where=at_path(url))
        assert f"*Wins {SHOWN} &lt;https://evil.example|bank&gt; &amp; co*" in said.params["text"]
    # The leader's Home: the goal with the signals picked for it.
    http.event(home_opened(lead))
    home = json.dumps(home_for(slack, lead), ensure_ascii=False)
    assert f"Wins {SHOWN}" in home and "1 sees a risk" in home
    # The owner's nudge before the next digest (nothing logged since this one).
    slack.users[GOAL_SALES] = {"tz": "UTC"}
    next_digest = wednesday_noon(now) + timedelta(hours=2)
    with Session(engine) as session:
        workspaces.update(session, TEAM, "UTC", digest_weekday=next_digest.weekday(),
                          digest_time=f"{next_digest:%H:%M}")  # fmt: skip
    nudge_goal_owners(runtime, next_digest - timedelta(hours=2))
    (nudge,) = slack.wait_for("chat.postMessage", where=dm_to(GOAL_SALES, "Log progress before"))
    assert f"*Wins {SHOWN}" in json.dumps(nudge.json("blocks"))
    assert_escaped_once(mention_guard, slack)


def test_away_days_and_holidays_ping_nobody(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, mention_guard: MentionGuard
) -> None:
    holiday = (date.today() + timedelta(days=40)).isoformat()  # listed: within two years
    named = slash(f"config holiday add {holiday} {HOSTILE}")
    answers = [
        http.command("/lockstep", slash(f"away {HOSTILE}"), user_id=REP)[1],
        http.command("/lockstep", slash(f"away today {HOSTILE}"), user_id=REP)[1],
        http.command("/lockstep", slash(f"config holiday add {HOSTILE}"), user_id=ADMIN)[1],
        http.command("/lockstep", named, user_id=ADMIN)[1],
        http.command("/lockstep", "config holiday list", user_id=ADMIN)[1],
        http.command("/lockstep", slash(f"config working-hours {HOSTILE}"), user_id=ADMIN)[1],
        http.command("/lockstep", slash(f"config nudges {HOSTILE}"), user_id=ADMIN)[1],
    ]
    assert "`&lt;!channel&gt;` is not a date" in answers[0]["text"]
    assert "`&lt;!channel&gt;` is not a date" in answers[2]["text"]
    assert f"{holiday} {SHOWN}" in answers[4]["text"]
    assert_escaped_once(mention_guard, slack, *answers)


def posted_digest_row(engine: Engine) -> Digest:
    """The digest once its message's address is kept (signals are matched on it)."""
    deadline = time.monotonic() + 5
    while True:
        with Session(engine) as session:
            digest = session.exec(select(Digest)).first()
        if digest is not None and digest.ts:
            return digest
        assert time.monotonic() < deadline, "the digest's address was not kept"
        time.sleep(0.01)
