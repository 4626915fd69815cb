"""HTTP on loopback for tests that run a real server: a free port, one response read raw."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def read_response(sock: socket.socket) -> tuple[bytes, bytes]:
    """One HTTP/1.1 response off a keep-alive connection: its head, and its body (de-chunked
    when it came chunked). A response the server cuts short ends where the connection did."""
    data = b""
    while b"\r\n\r\n" not in data and (chunk := sock.recv(65536)):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    fields = dict(line.lower().partition(b":")[::2] for line in head.split(b"\r\n")[1:])
    if b"content-length" in fields:
        length = int(fields[b"content-length"])
        while len(body) < length and (chunk := sock.recv(65536)):
            body += chunk
        return head, body[:length]
    while not body.endswith(b"0\r\n\r\n") and (chunk := sock.recv(65536)):
        body += chunk
    return head, _dechunk(body)


def _dechunk(body: bytes) -> bytes:
    out = b""
    while (end := body.find(b"\r\n")) > 0:
        size = int(body[:end], 16)
        if size == 0:
            break
        out += body[end + 2 : end + 2 + size]
        body = body[end + 4 + size :]
    return out
