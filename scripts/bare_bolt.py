"""The benchmark's ceiling: a Bolt app that only acks, served exactly like Lockstep."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


def create() -> Callable[..., Iterable[bytes]]:
    client = WebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_BASE_URL"]
    )
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=True,
    )

    def just_ack(ack: Ack) -> None:
        ack()

    app.command(os.environ.get("BENCH_COMMAND", "/prospect-question"))(just_ack)
    app.command("/lockstep")(just_ack)
    app.event("reaction_added")(just_ack)
    handler = SlackRequestHandler(app)

    def application(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return handler(environ, start_response)

    return application
