"""Real local receivers: an HTTP server for webhooks and an SMTP server (aiosmtpd) for email."""

from __future__ import annotations

import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class Receiver:
    """What the webhook server got, and what it answers next: a queue of (status, hang) with a default."""

    url: str
    requests: list[Received] = field(default_factory=list)
    answers: deque = field(default_factory=deque)
    default_status: int = 200
    release: threading.Event = field(default_factory=threading.Event)
    received: threading.Event = field(default_factory=threading.Event)  # set on every request

    def answer(self, *statuses: int | str) -> None:
        """Queue the next answers: an HTTP status, or "hang" to answer only after the client gave up."""
        self.answers.extend(statuses)


@pytest.fixture
def receiver():
    state: Receiver | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            state.received.set()
            answer = state.answers.popleft() if state.answers else state.default_status
            if answer == "hang":
                state.release.wait(10)  # the client times out first; released at teardown
                answer = 200
            self.send_response(answer)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"x" * 100_000 if answer >= 400 else b"ok")

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass  # a client that timed out and left ("hang") makes the late answer fail: expected, not news

    server = Server(("127.0.0.1", 0), Handler)
    state = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp_server(settings):
    """An aiosmtpd server on a free local port; Django's SMTP backend is pointed at it."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        def __init__(self):
            super().__init__()
            self.messages = []

        def handle_message(self, message):
            self.messages.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    yield inbox
    controller.stop()
