"""Lockstep's gunicorn worker: its corked socket, and gunicorn's own behaviour kept through it
(a Lockstep ack through it is in tests/test_cli.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import gunicorn_command
from bot.http_worker import FLUSH_AT, CorkedSocket
from tests.bot.wsgi_probe import BIG
from tests.loopback import free_port, read_response

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair()
    b.setblocking(False)
    yield a, b
    a.close()
    b.close()


def pending(sock: socket.socket) -> bytes:
    try:
        return sock.recv(1 << 20)
    except BlockingIOError:
        return b""


def test_writes_wait_for_the_flush_and_leave_in_order(pair: tuple[socket.socket, ...]) -> None:
    a, b = pair
    corked = CorkedSocket(a)
    corked.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
    corked.sendall(b"")
    corked.sendall(b'{"ok": true}')
    assert pending(b) == b""
    corked.flush()
    assert pending(b) == b'HTTP/1.1 200 OK\r\n\r\n{"ok": true}'
    corked.flush()  # nothing left: nothing sent
    assert pending(b) == b""


def test_send_and_the_socket_itself_come_after_what_was_collected(
    pair: tuple[socket.socket, ...],
) -> None:
    a, b = pair
    corked = CorkedSocket(a)
    corked.sendall(b"early hints, ")
    assert corked.send(b"100 Continue") == len(b"100 Continue")
    assert pending(b) == b"early hints, 100 Continue"
    corked.sendall(b"headers")
    assert corked.fileno() == a.fileno()  # e.g. sendfile: the collected bytes go first
    assert pending(b) == b"headers"


def test_a_large_body_is_sent_as_it_comes(pair: tuple[socket.socket, ...]) -> None:
    a, b = pair
    corked = CorkedSocket(a)
    corked.sendall(b"h" * 100)
    corked.sendall(b"x" * FLUSH_AT)
    received = b""
    while chunk := pending(b):
        received += chunk
    assert received == b"h" * 100 + b"x" * FLUSH_AT
    corked.sendall(b"tail")
    assert pending(b) == b""
    corked.flush()
    assert pending(b) == b"tail"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[int]:
    """tests.bot.wsgi_probe under gunicorn, served as `lockstep run --http` serves Lockstep."""
    port = free_port()
    command = gunicorn_command("127.0.0.1", port, 1, "tests.bot.wsgi_probe:app")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, "gunicorn never listened"
            time.sleep(0.1)
    yield port
    proc.terminate()
    proc.wait(timeout=20)


def get(conn: socket.socket, path: str) -> tuple[bytes, bytes]:
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return read_response(conn)


def test_errors_and_large_bodies_through_the_worker(served: int) -> None:
    """What gunicorn does on an application error, and a body larger than the worker holds
    back, are unchanged by sending each response in one piece."""
    with socket.create_connection(("127.0.0.1", served), timeout=10) as conn:
        assert get(conn, "/boom")[0].startswith(b"HTTP/1.1 500")  # gunicorn's own error page
    with socket.create_connection(("127.0.0.1", served), timeout=10) as conn:
        for path, expected in (("/big", BIG + b"end"), ("/", b"ok")):  # one kept-alive connection
            head, body = get(conn, path)
            assert head.startswith(b"HTTP/1.1 200") and b"chunked" in head and body == expected
    with socket.create_connection(("127.0.0.1", served), timeout=10) as conn:
        # Headers already on their way: gunicorn ends the connection, as it always did.
        head, body = get(conn, "/late-boom")
        assert head.startswith(b"HTTP/1.1 200") and body == b"partial"
        assert conn.recv(1024) == b""
