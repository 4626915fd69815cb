"""Tests of the test harness itself: the request signer/builders and the fake Web API."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import Ack, App, Respond
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.webhook import WebhookClient

from tests.fake_slack import FakeSlack
from tests.slack_signing import (
    SlackHTTP,
    block_action_payload,
    block_suggestion_payload,
    event_body,
    interactive_body,
    message_action_payload,
    reaction_event,
    sign,
    signed_headers,
    slash_command_body,
    view_submission_payload,
)

DATA = Path(__file__).parent / "data" / "slack"
SHARED_PAYLOADS = Path("/work/shared/slack/payloads")
VECTORS: dict[str, dict[str, str]] = json.loads(
    (DATA / "signature_test_vectors.json").read_text(encoding="utf-8")
)
TOKEN = "xoxb-test-0000"
SECRET = "fake-signing-secret-0123456789ab"


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(base_url=fake.base_url, token=TOKEN, timeout=5)


# --------------------------------------------------------------------------- signing
@pytest.mark.parametrize("name", sorted(VECTORS))
def test_sign_reproduces_every_vector(name: str) -> None:
    vector = VECTORS[name]
    if "raw_body_file" in vector:  # signed byte for byte, as read from disk
        body = (DATA / vector["raw_body_file"]).read_bytes()
    else:
        body = vector["raw_body"].encode("utf-8")
    ts = vector["x_slack_request_timestamp"]
    expected = vector["expected_x_slack_signature"]
    assert sign(vector["signing_secret"], body, ts) == expected
    assert sign(vector["signing_secret"], body, int(ts)) == expected
    assert sign(vector["signing_secret"], body.decode("utf-8"), ts) == expected
    if "basestring" in vector:
        assert vector["basestring"] == f"v0:{ts}:{body.decode('utf-8')}"


def test_signed_headers_match_slack_and_bolt_verifier() -> None:
    from slack_sdk.signature import SignatureVerifier

    body = event_body(reaction_event("eyes", user="U1", item_channel="C1", item_ts="1.2"))
    headers = signed_headers(SECRET, body, retry_num=2)
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Slack-Retry-Num"] == "2"
    assert headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    stale = signed_headers(SECRET, body, timestamp=int(time.time()) - 301)
    assert not SignatureVerifier(SECRET).is_valid_request(body, stale)
    form = signed_headers(SECRET, "a=b")
    assert form["Content-Type"] == "application/x-www-form-urlencoded"


def test_slash_command_body_reproduces_sample_byte_for_byte() -> None:
    template = _load("slash_command.json")
    body = slash_command_body(
        template["command"],
        template["text"],
        user_name=template["user_name"],
        response_url=template["response_url"],
        trigger_id=template["trigger_id"],
    )
    assert body.encode() == (DATA / "slash_command.txt").read_bytes()
    fields = parse_qs(slash_command_body("/lockstep", "a & b <@U1>", response_url="http://x/r"))
    assert fields["command"] == ["/lockstep"]
    assert fields["text"] == ["a & b <@U1>"]
    assert fields["user_name"] == ["rep"]
    other = parse_qs(slash_command_body("/lockstep"))
    assert other["trigger_id"] != fields["trigger_id"]


@pytest.mark.parametrize("name", ["block_actions_button", "view_submission", "message_action"])
def test_interactive_body_round_trips(name: str) -> None:
    payload = _load(f"{name}.json")
    body = interactive_body(payload)
    (inner,) = parse_qs(body)["payload"]
    assert json.loads(inner) == payload
    sample = SHARED_PAYLOADS / f"{name}.txt"
    if sample.exists():  # Slack escapes "/" as "\/": the encoder reproduces its bytes exactly
        assert body == sample.read_text(encoding="utf-8")


def test_payload_builders_have_the_sample_shapes() -> None:
    def same_keys(built: dict[str, Any], sample: dict[str, Any]) -> None:
        assert set(built) == set(sample)

    action = block_action_payload("approve", "v1")
    same_keys(action, _load("block_actions_button.json"))
    assert action["actions"][0]["value"] == "v1"
    assert action["container"]["message_ts"] == "1700000100.000600"

    submission = view_submission_payload(
        "incident_modal", {"summary_block": {"summary_input": "x <y>"}}, private_metadata="m"
    )
    sample = _load("view_submission.json")
    same_keys(submission, sample)
    same_keys(submission["view"], sample["view"])
    assert submission["view"]["state"]["values"]["summary_block"]["summary_input"] == {
        "type": "plain_text_input",
        "value": "x <y>",
    }

    shortcut = message_action_payload("create_ticket", "hello")
    same_keys(shortcut, _load("message_action.json"))

    envelope = json.loads(event_body({"type": "reaction_added"}, event_id="Ev1", event_time=5))
    same_keys(envelope, _load("events_api_reaction_added.json"))
    assert (envelope["event_id"], envelope["event_time"]) == ("Ev1", 5)

    suggestion = block_suggestion_payload("pick", "ab")
    assert (suggestion["type"], suggestion["value"]) == ("block_suggestion", "ab")


# --------------------------------------------------------------------------- fake Web API
def test_post_message_is_recorded_with_its_params(fake: FakeSlack, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    first = client.chat_postMessage(channel="C0FAKE0001", text="hi", blocks=blocks)
    second = client.chat_postMessage(channel="C0FAKE0002", text="again")

    assert first["channel"] == "C0FAKE0001"
    assert first["message"]["text"] == "hi"
    assert first["message"]["blocks"] == blocks
    assert float(second["ts"]) > float(first["ts"])
    call, _ = fake.wait_for("chat.postMessage", count=2)
    assert call.params["channel"] == "C0FAKE0001"
    assert call.params["text"] == "hi"
    assert call.json("blocks") == blocks
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    assert call.token == TOKEN
    assert TOKEN not in repr(call)
    assert [c.method for c in fake.calls] == ["chat.postMessage", "chat.postMessage"]


def test_form_encoded_params_and_canned_answers(fake: FakeSlack, client: WebClient) -> None:
    auth = client.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == (
        "T0FAKE0001",
        "U0FAKEBOT1",
        "B0FAKE0001",
    )
    assert auth.headers["x-oauth-scopes"] == "chat:write,commands,reactions:read,users:read"

    user = client.users_info(user="U0FAKE0009")["user"]
    assert (user["id"], user["tz"], user["tz_offset"], user["is_bot"]) == (
        "U0FAKE0009",
        "America/New_York",
        -18000,
        False,
    )
    assert client.conversations_open(users="U0FAKE0009")["channel"]["id"] == "D0FAKE0009"
    assert client.conversations_info(channel="C0FAKE0001")["channel"]["is_member"] is True
    view = {"type": "modal", "callback_id": "cb", "title": {"type": "plain_text", "text": "T"}}
    opened = client.views_open(trigger_id="1.2.3", view=view)["view"]
    pushed = client.views_push(trigger_id="1.2.4", view=view)["view"]
    assert opened["id"].startswith("V") and opened["id"] != pushed["id"]
    assert opened["callback_id"] == "cb"
    assert client.api_call("anything.else")["ok"] is True

    (call,) = fake.calls_to("users.info")
    assert call.params == {"user": "U0FAKE0009"}  # form-encoded, not JSON
    assert fake.calls_to("views.open")[0].json("view") == view  # JSON body: already a dict


def test_set_response_deep_merges_over_the_canned_answer(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.set_response("users.info", {"user": {"tz": "Europe/Paris", "tz_offset": 3600}})
    user = client.users_info(user="U0FAKE0001")["user"]
    assert (user["id"], user["tz"], user["tz_offset"]) == ("U0FAKE0001", "Europe/Paris", 3600)
    fake.reset()
    assert client.users_info(user="U0FAKE0001")["user"]["tz"] == "America/New_York"
    assert len(fake.calls) == 1


def test_429_is_retried_after_retry_after(
    fake: FakeSlack, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # slack_sdk sleeps int(Retry-After) + random.random(): pin the jitter to keep this at 1 s.
    monkeypatch.setattr(builtin_handlers.random, "random", lambda: 0.0)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    fake.fail("chat.postMessage", status=429, retry_after=1)

    started = time.monotonic()
    response = client.chat_postMessage(channel="C0FAKE0001", text="hi")
    elapsed = time.monotonic() - started

    assert response["ok"] is True
    calls = fake.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].time - calls[0].time >= 1.0
    assert elapsed >= 1.0


def test_429_without_retry_handler_raises_ratelimited(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C0FAKE0001", text="hi")
    assert info.value.response.status_code == 429
    assert info.value.response["error"] == "ratelimited"
    assert info.value.response.headers["Retry-After"] == "7"
    assert len(fake.calls) == 1


def test_503_is_retried_by_server_error_handler(fake: FakeSlack, client: WebClient) -> None:
    client.retry_handlers.append(
        ServerErrorRetryHandler(
            max_retry_count=2, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
        )
    )
    fake.fail("chat.update", status=503, times=2)
    response = client.chat_update(channel="C0FAKE0001", ts="1700000100.000601", text="new")
    assert (response["channel"], response["ts"]) == ("C0FAKE0001", "1700000100.000601")
    assert [c.status for c in fake.calls_to("chat.update")] == [503, 503, 200]


def test_503_html_without_handler_is_a_slack_api_error(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("chat.postMessage", status=503)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C0FAKE0001", text="hi")
    assert info.value.response.status_code == 503
    assert "non-JSON" in info.value.response["error"]


def test_ok_false_raises_slack_api_error_with_the_code(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("conversations.info", status=200, error="channel_not_found")
    with pytest.raises(SlackApiError) as info:
        client.conversations_info(channel="C0GONE0001")
    assert info.value.response["error"] == "channel_not_found"
    assert info.value.response.status_code == 200
    assert client.conversations_info(channel="C0GONE0001")["ok"] is True  # times=1


def test_fail_forever_until_reset(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("views.open", status=200, error="expired_trigger_id", times=-1)
    for _ in range(3):
        with pytest.raises(SlackApiError):
            client.views_open(trigger_id="t", view={"type": "modal"})
    fake.reset()
    assert client.views_open(trigger_id="t", view={"type": "modal"})["ok"] is True


def test_missing_token_is_not_authed(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as info:
        WebClient(base_url=fake.base_url).auth_test()
    assert info.value.response["error"] == "not_authed"


def test_files_upload_v2_end_to_end(fake: FakeSlack, client: WebClient) -> None:
    response = client.files_upload_v2(
        channel="C0FAKE0001", content="a,b\n1,2\n", filename="report.csv", title="Report"
    )
    get_url, upload, complete = (
        fake.calls_to("files.getUploadURLExternal")
        + fake.calls_to("upload")
        + fake.calls_to("files.completeUploadExternal")
    )
    file_id = upload.path_id
    assert get_url.params["filename"] == "report.csv"
    assert get_url.params["length"] == "8"
    assert upload.body == b"a,b\n1,2\n"
    assert complete.json("files") == [{"id": file_id, "title": "Report"}]
    assert complete.params["channel_id"] == "C0FAKE0001"
    assert response["file"]["id"] == file_id
    assert response["files"][0]["title"] == "Report"
    assert [c.method for c in fake.calls] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]


def test_response_url_posts_are_recorded(fake: FakeSlack) -> None:
    url = fake.new_response_url()
    other = fake.new_response_url()
    assert url.startswith(f"{fake.url}/response/") and url != other
    reply = WebhookClient(url).send(text="done", response_type="ephemeral")
    assert reply.status_code == 200
    WebhookClient(other).send(text="other", replace_original=True)

    first, second = fake.responses()
    assert first.method == "response_url"
    assert first.params == {"text": "done", "response_type": "ephemeral"}
    assert first.path_id == url.rsplit("/", 1)[1]
    assert [c.params["text"] for c in fake.responses(other)] == ["other"]
    assert second.params["replace_original"] is True


def test_a_dropped_connection_gets_no_answer_and_a_retry_gets_through(fake: FakeSlack) -> None:
    from http.client import RemoteDisconnected

    fake.drop("chat.postMessage")
    bare = WebClient(base_url=fake.base_url, token="xoxb-test", retry_handlers=[])
    with pytest.raises(RemoteDisconnected):
        bare.chat_postMessage(channel="C1", text="lost")
    assert bare.chat_postMessage(channel="C1", text="next")["ok"] is True

    fake.drop("chat.postMessage")
    retrying = WebClient(
        base_url=fake.base_url,
        token="xoxb-test",
        retry_handlers=[
            ConnectionErrorRetryHandler(
                max_retry_count=1, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
            )
        ],
    )
    assert retrying.chat_postMessage(channel="C1", text="again")["ok"] is True
    statuses = [(c.params["text"], c.status) for c in fake.calls_to("chat.postMessage")]
    assert statuses == [("lost", 0), ("next", 200), ("again", 0), ("again", 200)]


def test_slow_answers_are_recorded_on_arrival(fake: FakeSlack, client: WebClient) -> None:
    fake.slow("reactions.add", 0.3)
    worker = threading.Thread(
        target=client.reactions_add, kwargs={"channel": "C1", "timestamp": "1.2", "name": "eyes"}
    )
    started = time.monotonic()
    worker.start()
    (call,) = fake.wait_for("reactions.add", timeout=1.0)
    assert time.monotonic() - started < 0.3
    assert call.params["name"] == "eyes"
    worker.join(timeout=2)
    assert time.monotonic() - started >= 0.3


def test_a_held_call_is_answered_when_released(fake: FakeSlack, client: WebClient) -> None:
    gate = fake.hold("chat.postMessage")
    answers: list[Any] = []
    worker = threading.Thread(
        target=lambda: answers.append(client.chat_postMessage(channel="C1", text="held"))
    )
    worker.start()
    (call,) = fake.wait_for("chat.postMessage", timeout=2.0)
    assert call.params["text"] == "held"
    worker.join(timeout=0.1)
    assert worker.is_alive() and answers == []  # Slack has it in hand, no answer yet
    gate.set()
    worker.join(timeout=2)
    assert answers[0]["ok"] is True
    client.chat_postMessage(channel="C1", text="not held")  # only the next call was held


def test_wait_for_timeout_lists_recorded_calls(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C0FAKE0001", text="hello there", token="xoxb-secret-1")
    with pytest.raises(AssertionError) as info:
        fake.wait_for("chat.update", timeout=0.05)
    message = str(info.value)
    assert "'chat.update'" in message and "chat.postMessage -> 200" in message
    assert "hello there" in message
    assert "xoxb" not in message
    with pytest.raises(AssertionError):
        fake.wait_for("chat.postMessage", timeout=0.05, where=lambda c: c.params["text"] == "x")


# --------------------------------------------------------------------------- inbound, end to end
class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's default backlog of 5 resets bursts


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def test_slack_http_drives_a_bolt_app_over_loopback(fake: FakeSlack) -> None:
    seen: list[dict[str, Any]] = []
    app = App(
        signing_secret=SECRET,
        client=WebClient(base_url=fake.base_url, token=TOKEN),
        process_before_response=True,
    )

    @app.command("/lockstep")
    def on_command(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack(f"got {body['text']}")
        respond("later")

    @app.action("approve")
    def on_action(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        seen.append(body)

    @app.view("incident_modal")
    def on_submit(ack: Ack, view: dict[str, Any]) -> None:
        ack(response_action="errors", errors={"summary_block": "too short"})

    @app.event("reaction_added")
    def on_reaction(event: dict[str, Any]) -> None:
        seen.append(event)

    server = make_server(
        "127.0.0.1",
        0,
        SlackRequestHandler(app),
        server_class=_ThreadingWSGIServer,
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        slack = SlackHTTP(f"http://127.0.0.1:{server.server_port}", SECRET)
        response_url = fake.new_response_url()

        status, body = slack.command("/lockstep", "a <b> & c", response_url=response_url)
        assert (status, body) == (200, "got a <b> & c")  # Bolt acks bare text as text/plain
        (reply,) = fake.responses(response_url)
        assert reply.params["text"] == "later"

        assert slack.action(block_action_payload("approve", "v1")) == (200, "")
        assert seen[-1]["actions"][0]["value"] == "v1"

        submission = view_submission_payload("incident_modal", {"summary_block": {"s": "x"}})
        assert slack.submit(submission) == (
            200,
            {"response_action": "errors", "errors": {"summary_block": "too short"}},
        )

        event = reaction_event("eyes", user="U0FAKE0001", item_channel="C1", item_ts="1.2")
        assert slack.event(event, event_id="Ev0TEST0001", retry_num=1)[0] == 200
        assert seen[-1]["reaction"] == "eyes"

        assert slack.command("/lockstep", bad_signature=True)[0] == 401
        assert slack.command("/lockstep", timestamp=int(time.time()) - 301)[0] == 401
        assert fake.calls_to("auth.test")  # Bolt checked its token against the fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
