"""A digest's chart shared in its thread at most once: Slack's upload in its three steps.

`files_upload_v2` makes all three calls at once, and its last one (files.completeUploadExternal)
is the one that shares the file. Slack has no idempotency key for it, so that call is made only
after the caller committed that it is being made, by a client that never retries it in place: a
process that dies, or a connection that drops, after it leaves the chart unknown, not retried.
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Callable
from enum import StrEnum

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger(__name__)


class Shared(StrEnum):
    YES = "yes"  # Slack answered ok
    NO = "no"  # not shared: a step before the completion failed, or Slack answered an error
    UNKNOWN = "unknown"  # the completion call got no answer: Slack may have shared it
    LOST_CLAIM = "lost_claim"  # another process took the upload over: nothing shared by us


def share_once(
    client: WebClient,
    png: bytes,
    *,
    filename: str,
    title: str,
    channel: str,
    thread_ts: str,
    completing: Callable[[], bool],
) -> Shared:
    """Upload `png` and share it in the thread; `completing()` commits that the sharing call
    is being made (False: this claim was lost, do not share)."""
    try:
        ticket = client.files_getUploadURLExternal(filename=filename, length=len(png))
        _send_bytes(client, str(ticket["upload_url"]), png)
    except (SlackClientError, OSError, KeyError) as exc:
        log.warning("chart upload to %s failed before sharing: %r", channel, exc)
        return Shared.NO
    if not completing():
        return Shared.LOST_CLAIM
    try:
        _no_retries(client).files_completeUploadExternal(
            files=[{"id": str(ticket["file_id"]), "title": title}],
            channel_id=channel,
            thread_ts=thread_ts,
        )
    except SlackApiError as exc:
        status = exc.response.status_code
        if status in (200, 429):  # an answer: Slack did not share it (ok false, or rate limited)
            log.warning("sharing the chart in %s was refused: %r", channel, exc)
            return Shared.NO
        log.warning("sharing the chart in %s: no clear answer (%s), not retried", channel, status)
        return Shared.UNKNOWN
    except (SlackClientError, OSError) as exc:
        log.warning("sharing the chart in %s: no answer (%r), not retried", channel, exc)
        return Shared.UNKNOWN
    return Shared.YES


def _send_bytes(client: WebClient, url: str, data: bytes) -> None:
    """Step 2, as slack_sdk does it: POST the bytes to the upload URL (an HTTP error raises)."""
    request = urllib.request.Request(url, data=data, method="POST")
    handlers: list[urllib.request.BaseHandler] = [urllib.request.HTTPSHandler(context=client.ssl)]
    if client.proxy:
        handlers.append(urllib.request.ProxyHandler({"http": client.proxy, "https": client.proxy}))
    opener = urllib.request.build_opener(*handlers)
    with opener.open(request, timeout=client.timeout) as answer:
        answer.read()


def _no_retries(client: WebClient) -> WebClient:
    """The same client without retry handlers: a dropped or 5xx completion is not sent again."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=dict(client.headers),
        retry_handlers=[],
    )
