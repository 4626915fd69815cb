"""gunicorn's threaded worker, sending each response in one piece.

gunicorn writes a response's status line and headers with one `sendall` and its body with
another: two system calls and two TCP segments for every ack with a body, and the client
wakes up twice to read it. This worker collects what a request's handling writes and sends it
once, when the handling is done. Lockstep's responses are small (an ack's JSON, a health
check); a body that grows past FLUSH_AT bytes is sent as it comes, and anything that reaches
for the socket itself (its file descriptor, `sendfile`, `shutdown`) gets what was collected
first, so nothing is reordered.

`lockstep run --http` serves with it (bot.cli.gunicorn_command); so does the benchmark's
bare-Bolt baseline.
"""

from __future__ import annotations

import socket
from typing import Any

from gunicorn.workers import gthread

FLUSH_AT = 64 * 1024


class CorkedSocket:
    """A socket whose `sendall` collects bytes until `flush()`; anything else is the real
    socket's, after a flush."""

    __slots__ = ("_sock", "_out", "_size")

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._out: list[bytes] = []
        self._size = 0

    def sendall(self, data: bytes) -> None:
        self._out.append(data)
        self._size += len(data)
        if self._size >= FLUSH_AT:
            self.flush()

    def send(self, data: bytes) -> int:
        """At once, after what was collected (gunicorn sends `100 Continue` with it: the
        client waits for that before it sends the body)."""
        self.flush()
        return self._sock.send(data)

    def flush(self) -> None:
        if self._out:
            data = b"".join(self._out)
            self._out, self._size = [], 0
            self._sock.sendall(data)

    def __getattr__(self, name: str) -> Any:
        self.flush()
        return getattr(self._sock, name)


class ThreadWorker(gthread.ThreadWorker):
    """gthread, with each response sent in one `sendall` (see the module's docstring)."""

    def handle_request(self, req: Any, conn: Any) -> Any:
        # The connection is this thread's while its request is handled (gthread's main thread
        # takes it back only after this returns), so its socket can be swapped meanwhile.
        sock = conn.sock
        conn.sock = corked = CorkedSocket(sock)
        try:
            return super().handle_request(req, conn)
        finally:
            conn.sock = sock
            corked.flush()
