"""The README and docs/ stay inside the repository, and every command the README shows exists and has --help."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_stay_inside_the_repository(document):
    for target in LINK.findall(document.read_text()):
        assert not target.startswith(("http:", "https:", "/")), target
        assert (document.parent / target).resolve().is_relative_to(ROOT), target


def test_the_readme_links_resolve_and_point_at_docs():
    text = (ROOT / "README.md").read_text()
    targets = LINK.findall(text)

    assert "shared/design" not in text
    assert {"docs/README.md", "docs/architecture.md", "docs/domain.md", "docs/api.md", "docs/operations.md"} <= set(
        targets
    )
    assert all((ROOT / target).exists() for target in targets), targets


def test_the_readme_keeps_exactly_the_two_set_up_commands():
    setup = (ROOT / "README.md").read_text().split("## Set up")[1].split("```")[1]

    assert re.findall(r"^make \w+", setup, flags=re.MULTILINE) == ["make run", "make test"]


def test_every_command_the_readme_shows_exists_and_has_help(capsys):
    shown = set(re.findall(r"manage\.py (\w+)", (ROOT / "README.md").read_text()))

    assert shown == {"seed_demo", "create_api_token", "availability", "mark_no_shows", "setup_periodic_tasks",
                     "audit_capacity", "export_appointments", "dispatch_notifications", "send_test_notification",
                     "route_answers", "import_visits",
                     "axes_reset_username", "erase_profile", "export_profile", "check"}  # fmt: skip
    assert shown <= set(get_commands())
    for name in sorted(shown):
        with pytest.raises(SystemExit) as exit_info:
            call_command(name, "--help")
        assert exit_info.value.code == 0
        assert name in capsys.readouterr().out
