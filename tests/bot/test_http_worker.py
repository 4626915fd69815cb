"""The corked socket under Lockstep's gunicorn worker (served end to end in tests/test_cli.py)."""

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
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
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


def get(conn: socket.socket, path: str) -> bytes:
    """Send a GET and read until the chunked body's end, or until the server closes."""
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    data = b""
    while not data.endswith(b"\r\n0\r\n\r\n") and not data.startswith(b"HTTP/1.1 500"):
        chunk = conn.recv(1 << 20)
        if not chunk:
            break
        data += chunk
    return data


def dechunk(body: bytes) -> bytes:
    out = b""
    while True:
        size, _, rest = body.partition(b"\r\n")
        n = int(size, 16)
        if n == 0:
            return out
        out, body = out + rest[:n], rest[n + 2 :]


def test_errors_and_large_bodies_through_the_worker(served: int) -> None:
    """What gunicorn does on an application error, and a body larger than the worker holds
    back, are unchanged by sending each response in one piece."""
    with socket.create_connection(("127.0.0.1", served), timeout=10) as conn:
        assert get(conn, "/boom").startswith(b"HTTP/1.1 500")  # gunicorn's own error page
    with socket.create_connection(("127.0.0.1", served), timeout=10) as conn:
        head, _, body = get(conn, "/big").partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200") and dechunk(body) == BIG + b"end"
        head, _, body = get(conn, "/").partition(b"\r\n\r\n")  # the connection is kept alive
        assert head.startswith(b"HTTP/1.1 200") and dechunk(body) == b"ok"
    with socket.create_connection(("127.0.0.1", served), timeout=10) as conn:
        # Headers already on their way: gunicorn ends the connection, as it always did.
        data = get(conn, "/late-boom")
        assert data.startswith(b"HTTP/1.1 200") and b"partial" in data
        assert conn.recv(1024) == b""
