"""A tiny WSGI app for serving through Lockstep's gunicorn worker in tests (test_http_worker)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

BIG = b"x" * 100_000  # past the worker's FLUSH_AT: sent as it comes


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
    path = environ["PATH_INFO"]
    if path == "/boom":
        raise RuntimeError("before any byte of the response")
    start_response("200 OK", [("Content-Type", "text/plain")])  # no length: sent chunked
    if path == "/big":
        yield BIG
        yield b"end"
    elif path == "/late-boom":
        yield b"partial"
        raise RuntimeError("after the headers")
    else:
        yield b"ok"
