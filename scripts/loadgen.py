"""A closed-loop HTTP load generator on one thread: `concurrency` keep-alive connections, each
sending its next request as soon as it has the answer to the last.

One thread with non-blocking sockets and a selector, not a thread per connection: client
threads queue for the GIL, and that wait (several ms at 8 threads) would be counted as the
server's latency. Requests are built and signed before the clock starts. Stdlib only.
"""

from __future__ import annotations

import selectors
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Outcome:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    # time.perf_counter() when each request's answer was read, by the request's index
    finished: list[float] = field(default_factory=list)


def request_bytes(path: str, port: int, body: bytes, headers: dict[str, str]) -> bytes:
    """One HTTP/1.1 POST, keep-alive."""
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items() if k.lower() != "content-length"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _complete(buffer: bytes) -> tuple[int, int] | None:
    """(status, length of the whole response) once `buffer` holds a whole response."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buffer[:end].decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    length = 0
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    total = end + 4 + length
    return (status, total) if len(buffer) >= total else None


class _Connection:
    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.buffer = b""
        self.started = 0.0
        self.index = -1

    def send(self, request: bytes, index: int) -> None:
        self.buffer = b""
        self.index = index
        self.started = time.perf_counter()
        view = memoryview(request)
        while view:  # requests are small: the socket buffer takes them at once on loopback
            try:
                view = view[self.sock.send(view) :]
            except BlockingIOError:
                time.sleep(0)


def run(port: int, requests: Sequence[bytes], concurrency: int, timeout: float = 30) -> Outcome:
    """Send every request once, `concurrency` at a time; latency = last byte of the answer
    read minus first byte of the request sent."""
    selector = selectors.DefaultSelector()
    queue = iter(enumerate(requests))
    outcome = Outcome(0.0, finished=[0.0] * len(requests))
    open_connections = 0
    started = time.perf_counter()
    for _ in range(min(concurrency, len(requests))):
        conn = _Connection(port)
        selector.register(conn.sock, selectors.EVENT_READ, conn)
        index, request = next(queue)
        conn.send(request, index)
        open_connections += 1
    while open_connections:
        events = selector.select(timeout)
        if not events:
            raise TimeoutError(f"no answer in {timeout} s")
        for key, _ in events:
            conn = key.data
            try:
                chunk = conn.sock.recv(65536)
            except ConnectionResetError:  # counted as an error (status 0), as a close is
                chunk, conn.buffer = b"", b""
            done = _complete(conn.buffer + chunk) if chunk else (0, 0)
            conn.buffer += chunk
            if done is None:
                continue
            now = time.perf_counter()
            outcome.latencies.append(now - conn.started)
            outcome.finished[conn.index] = now
            outcome.errors += done[0] != 200
            if not chunk:  # the server closed the connection: open another
                selector.unregister(conn.sock)
                conn.sock.close()
                conn = _Connection(port)
                selector.register(conn.sock, selectors.EVENT_READ, conn)
            nxt = next(queue, None)
            if nxt is None:
                selector.unregister(conn.sock)
                conn.sock.close()
                open_connections -= 1
            else:
                index, request = nxt
                conn.send(request, index)
    outcome.seconds = time.perf_counter() - started
    return outcome
