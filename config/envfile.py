"""The development `.env` file, read by the entry points (manage.py, wsgi, asgi) before the settings.

The settings module itself never reads it: it sees only the real environment, so the test suite (which imports
the settings directly through pytest-django) behaves the same whether or not a developer's `.env` exists, and
production without a `.env` and without `SECRET_KEY` still refuses to start. (Not config.celery: importing any
`config` module runs it, pytest-django included. Under `make run`, honcho hands the same `.env` to the worker and
beat; in production the process manager sets the environment.)
"""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent


def load_env_file() -> Path | None:
    """Load `ENV_FILE` (default `<repo>/.env`; empty for none) into os.environ. Real variables always win."""
    path = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
    if not path or not Path(path).is_file():
        return None
    load_dotenv(path, override=False)
    return Path(path)
