"""The corked socket under Lockstep's gunicorn worker (served end to end in tests/test_cli.py)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from bot.http_worker import FLUSH_AT, CorkedSocket


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
