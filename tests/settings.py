"""The test suite's settings: the project's own (config.settings), plus what only a test run wants.

- A fast password hasher: the production hasher spends ~0.2 s of CPU per password on purpose, and the suite
  creates and logs in hundreds of users; what a test of ours checks never depends on the hash's cost.
- Under pytest-xdist, every worker gets its own Redis databases and its own var/ directory, so that one worker's
  `cache.clear()` (a FLUSHDB), `celery_app.control.purge()` or filesystem broker never touches another worker's.
  PostgreSQL needs nothing here: pytest-django gives each worker its own test database (test_<name>_gw<N>).

This runs before config.settings reads the environment, and it changes os.environ rather than the settings alone
so that the subprocesses some tests start (manage.py, gunicorn, a second client process) see the same values.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _isolate_worker(worker: str) -> None:
    index = int(worker.removeprefix("gw") or 0)
    if "VAR_DIR" not in os.environ:
        os.environ["VAR_DIR"] = str(Path(__file__).resolve().parent.parent / "var" / "test-workers" / worker)
    if index == 0:
        return  # the first worker keeps the databases it was given, so a single-process run changes nothing
    for name in ("CELERY_BROKER_URL", "CACHE_URL"):
        match = re.fullmatch(r"(rediss?://[^/]*/)(\d+)", os.environ.get(name, ""))
        if match is None:
            continue
        # CI gives the broker db 15 and the cache db 14; worker N takes the pair 2N below (13 and 12 for gw1).
        database = int(match[2]) - 2 * index
        if database < 0:
            raise RuntimeError(f"{name}: too many xdist workers for Redis databases below {match[2]}; use fewer (-n)")
        os.environ[name] = f"{match[1]}{database}"


if _WORKER:
    _isolate_worker(_WORKER)

from config.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
