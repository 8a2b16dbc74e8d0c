"""Real parts to break on purpose: a private redis-server, a webhook server that misbehaves at the socket level, the
committed PostgreSQL test database reachable from subprocesses, and the project's own processes (manage.py,
gunicorn) started as real subprocesses."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.notifications.conftest import receiver  # noqa: F401  (the well-behaved webhook receiver)

BASE_DIR = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, timeout: float = START_TIMEOUT) -> None:
    """Until something accepts connections on the port (or the process died, or `timeout` passed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            threading.Event().wait(0.05)
    raise RuntimeError(f"nothing listened on port {port} within {timeout}s")


def stop(process: subprocess.Popen) -> None:
    """End a subprocess this test started (SIGCONT first in case it was frozen)."""
    if process.poll() is None:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


# --- a private Redis --------------------------------------------------------------------------------------------


@dataclass
class RedisServer:
    """A redis-server of our own on a fixed free port: it can be killed (connection refused), frozen with SIGSTOP
    (it accepts connections and never answers) and started again on the same port. The machine's shared Redis
    is never touched."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port, self.process)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail("REQUIRE_SERVICES is set but redis-server is not installed")
        pytest.skip("needs the redis-server binary")
    server = RedisServer()
    server.start()
    yield server
    stop(server.process)


# --- a webhook server that misbehaves ---------------------------------------------------------------------------


@dataclass
class FaultServer:
    """Answers every POST with the same fault: "reset" (read the request, then RST instead of an answer), "cut"
    (a 200 status line and headers promising 1000 bytes, 10 of them, then the connection closes), or "hang" (no
    answer until the test ends, then RST). `ids` are the X-Notification-Id values received, in order."""

    mode: str
    url: str = ""
    ids: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


def _read_request(conn: socket.socket) -> dict[str, str]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return {}
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")[1:]
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return headers


def _reset(conn: socket.socket) -> None:
    """Close with SO_LINGER 0: the peer gets a TCP RST, not a clean FIN."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    conn.close()


@pytest.fixture
def fault_server():
    """Make FaultServers: `fault_server("reset")`; each listens on its own port until the test ends."""
    servers: list[tuple[FaultServer, socket.socket]] = []
    pending: deque[threading.Thread] = deque()

    def serve(state: FaultServer, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # closed at teardown
            worker = threading.Thread(target=handle, args=(state, conn), daemon=True)
            worker.start()
            pending.append(worker)

    def handle(state: FaultServer, conn: socket.socket) -> None:
        headers = _read_request(conn)
        if not headers:
            conn.close()
            return
        state.ids.append(headers.get("x-notification-id", ""))
        if state.mode == "cut":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n" + b"x" * 10)
            conn.close()  # a clean close: the client reads the 10 bytes, then the end of the stream
            return
        if state.mode == "hang":
            state.release.wait(30)
        _reset(conn)

    def make(mode: str) -> FaultServer:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        state = FaultServer(mode, url=f"http://127.0.0.1:{listener.getsockname()[1]}/hook")
        servers.append((state, listener))
        threading.Thread(target=serve, args=(state, listener), daemon=True).start()
        return state

    yield make
    for state, listener in servers:
        state.release.set()
        listener.close()
    for worker in pending:
        worker.join(5)


# --- subprocesses on the test database ----------------------------------------------------------------------------


def test_database_url() -> str:
    """The URL of the (committed) PostgreSQL test database this session uses, for subprocesses."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def subprocess_env(tmp_path) -> dict[str, str]:
    """The environment of a project subprocess: development settings on the test database, nothing from .env."""
    env = {key: value for key, value in os.environ.items() if key not in ("CACHE_URL", "DB_CONN_MAX_AGE")}
    env.update(
        DEBUG="1", ENV_FILE="", DATABASE_URL=test_database_url(), VAR_DIR=str(tmp_path / "var"), CELERY_BROKER_URL="filesystem://",
        PYTHONPATH=str(BASE_DIR), PYTHONUNBUFFERED="1",
    )  # fmt: skip
    return env


def manage(*args: str) -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), *args]


# --- something to book --------------------------------------------------------------------------------------------


@dataclass
class Bookable:
    """A 30-minute definition at a location, with a webhook target for `created` (and `confirmed`), bookable at
    10:00 local time two days from now (no hours rows: always open; no lead time)."""

    definition: object
    location: object
    target: object
    start: datetime

    def body(self, profile, **extra) -> dict:
        return {
            "appointment_definition_id": self.definition.pk,
            "profile_id": str(profile.pk),
            "location_id": self.location.pk,
            "scheduled_start_at": self.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            **extra,
        }


def make_bookable(url: str, **definition) -> Bookable:
    from django.utils import timezone

    from tests.factories import DefinitionFactory, DefinitionLocationFactory, LocationFactory
    from tests.notifications.factories import TargetFactory

    target = TargetFactory(url=url)
    location = LocationFactory()
    definition = DefinitionFactory(
        duration_minutes=30, min_lead_minutes=0, created_target=target, confirmed_target=target, **definition
    )
    DefinitionLocationFactory(definition=definition, location=location)
    day = timezone.now().astimezone(location.timezone).date() + timedelta(days=2)
    start = datetime.combine(day, dt_time(10), tzinfo=location.timezone).astimezone(UTC)
    return Bookable(definition, location, target, start)


def envelope_of(response) -> dict:
    body = response.json()
    assert set(body) == {"message", "code", "errors"}, body
    return body
