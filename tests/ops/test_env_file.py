"""The development `.env`: `make` writes it, the entry points read it, the settings and the tests never do.

Each case runs a fresh interpreter so that the environment is exactly what the test gives.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)"
REFUSAL = "SECRET_KEY must be set when DEBUG is off."


def run(args: list[str], env: dict[str, str], cwd: Path = BASE_DIR) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ENV_FILE", "DATABASE_URL"}}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update(env)
    return subprocess.run(args, cwd=cwd, env=clean, capture_output=True, text=True, timeout=120)


def manage_py(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run([sys.executable, "manage.py", "shell", "--no-imports", "-c", PRINT_SETTINGS], env)


@pytest.fixture
def env_file(tmp_path) -> Path:
    path = tmp_path / ".env"
    path.write_text("DEBUG=1\nSECRET_KEY=key-from-the-file\n")
    return path


def test_make_writes_a_development_env_once(tmp_path):
    makefile = str(BASE_DIR / "Makefile")

    first = run(["make", "-s", "-C", str(tmp_path), "-f", makefile, ".env", f"PYTHON={sys.executable}"], {})
    written = (tmp_path / ".env").read_text()
    again = run(["make", "-s", "-C", str(tmp_path), "-f", makefile, ".env", f"PYTHON={sys.executable}"], {})

    assert first.returncode == 0, first.stderr
    values = dict(line.split("=", 1) for line in written.splitlines() if line and not line.startswith("#"))
    assert values.keys() == {"DEBUG", "SECRET_KEY"}
    assert values["DEBUG"] == "1"
    assert len(values["SECRET_KEY"]) >= 50
    assert again.returncode == 0
    assert (tmp_path / ".env").read_text() == written


def test_manage_py_reads_the_env_file(env_file, tmp_path):
    result = manage_py({"ENV_FILE": str(env_file), "VAR_DIR": str(tmp_path / "var")})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True key-from-the-file"


def test_real_environment_variables_win_over_the_file(env_file, tmp_path):
    result = manage_py({"ENV_FILE": str(env_file), "SECRET_KEY": "from-the-environment", "VAR_DIR": str(tmp_path)})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True from-the-environment"


def test_production_without_env_file_or_secret_refuses_to_start(tmp_path):
    result = manage_py({"ENV_FILE": str(tmp_path / "missing.env"), "VAR_DIR": str(tmp_path)})

    assert result.returncode != 0
    assert REFUSAL in result.stderr


def test_production_with_a_real_secret_starts_without_env_file(tmp_path):
    result = manage_py({"ENV_FILE": "", "SECRET_KEY": "a-real-secret", "VAR_DIR": str(tmp_path)})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False a-real-secret"


def test_the_settings_module_never_reads_the_env_file(env_file, tmp_path):
    """pytest-django imports the settings directly: a developer's .env cannot change how the tests run."""
    code = "import config.settings as s; print(s.DEBUG, s.SECRET_KEY)"

    result = run([sys.executable, "-c", code], {"ENV_FILE": str(env_file), "VAR_DIR": str(tmp_path)})

    assert result.returncode != 0
    assert REFUSAL in result.stderr
