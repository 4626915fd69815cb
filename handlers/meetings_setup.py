"""The `/agenda setup` modal's submission: validate (inline errors), save, confirm by DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from sqlmodel import Session

from bot.meetings.views import forms, replies
from bot.platform import permissions
from bot.platform.background import record_lazy
from bot.platform.delivery import Post
from storage import meetings

LEADERS = ("leader",)


def register(app: Any) -> None:
    app.view(forms.SETUP)(ack=submit_setup, lazy=[confirm_setup])


def submit_setup(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    """Validate the setup modal (inline errors) and save the series."""
    team, user = body["team"]["id"], body["user"]["id"]
    with Session(context["engine"]) as session:
        if not permissions.allowed(session, context["settings"], team, user, *LEADERS):
            ack(response_action="errors", errors={"name": permissions.refusal("leaders")[:150]})
            return
        form, errors = forms.read_setup(view["state"]["values"])
        if form is None:
            ack(response_action="errors", errors=errors)
            return
        spec = form.spec
        record_lazy(session.connection(), context, team, confirm_setup.__name__, body)
        meetings.save_series(
            session,
            team,
            form.name,
            user,
            kind=form.kind,
            pattern=spec.pattern,
            weekday=spec.weekday,
            nth=spec.nth,
            day=spec.day,
            time=spec.time,
            cron=spec.cron,
            timezone=spec.timezone,
            channel=form.channel,
            lead_minutes=form.lead_minutes,
            sales=form.sales,
            marketing=form.marketing,
        )
    ack()


def confirm_setup(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    """DM the person who saved the series what was set up (once per submission)."""
    team, user = body["team"]["id"], body["user"]["id"]
    form, _ = forms.read_setup(view["state"]["values"])
    if form is None:
        return
    with Session(context["engine"]) as session:
        if not permissions.allowed(session, context["settings"], team, user, *LEADERS):
            return
    message = replies.series_saved(form.name, form.spec, form.channel)
    message.pop("response_type", None)
    post = Post("chat.postMessage", user, message)
    context["outbox"].submit(team, f"agenda-setup:{view['id']}", post)
