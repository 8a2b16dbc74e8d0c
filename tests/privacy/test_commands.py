"""`manage.py erase_profile` and `manage.py export_profile`: output, JSON shape, unknown ids, exit status."""

from __future__ import annotations

import json
import os
import stat
from io import StringIO

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from directory.models import AuditRecord, Profile
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

UNKNOWN = "8f9c1c4e-0000-4000-8000-000000000000"
TOP_LEVEL = ["exported_at", "profile", "tokens", "staff_assignments", "audit", "appointments", "appearances",
             "waitlist_entries", "queue_entries", "visits", "submissions", "ratings", "notifications"]  # fmt: skip


def run(name: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def exit_status(name: str, *args, capsys) -> tuple[int, str]:
    """Run the command as manage.py does (run_from_argv): its exit status and what it printed on stderr."""
    command = load_command_class("appointments", name)
    with pytest.raises(SystemExit) as caught:
        command.run_from_argv(["manage.py", name, *args])
    return caught.value.code, capsys.readouterr().err


def test_export_writes_everything_about_the_person_as_json(world):
    out, _ = run("export_profile", str(world.ada.pk), "--actor", "cli:dpo")
    document = json.loads(out)

    assert list(document) == TOP_LEVEL
    assert document["profile"] == {
        "id": str(world.ada.pk), "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
        "mobile_phone": "+61 400 000 001", "attributes": {"shoe": 40, "loyalty": "gold"},
        "created_at": world.ada.created_at.isoformat(), "updated_at": world.ada.updated_at.isoformat(),
    }  # fmt: skip
    [token] = document["tokens"]
    assert (token["name"], token["kind"], token["revoked_at"]) == ("ada app", "customer", None)
    assert "key_hash" not in token and world.raw_token not in out
    [appointment] = document["appointments"]
    assert (appointment["id"], appointment["notes"], appointment["status"]) == (
        world.appointment.pk,
        "Ada prefers Dr Who",
        "completed",
    )
    assert [(e["to_status"], e["reason"]) for e in appointment["events"]] == [("completed", "Ada was late")]
    assert [(link["type"], link["target_id"]) for link in appointment["links"]] == [("list", "vip")]
    [entry] = document["waitlist_entries"]
    assert (entry["notes"], [o["id"] for o in entry["offers"]], len(entry["events"])) == (
        "Mornings only",
        [world.offer.pk],
        1,
    )
    [queued] = document["queue_entries"]
    assert (queued["notes"], [e["reason"] for e in queued["events"]]) == ("Wheelchair", ["Ada asked for Sam"])
    assert sorted(v["id"] for v in document["visits"]) == sorted([world.visit.pk, world.appointment_visit.pk])
    [submission] = document["submissions"]
    assert {a["mapping_key"]: a["value"] for a in submission["answers"]} == {
        "story": "My dog Rex", "age": 36, "size": "s", "email": "ada@example.com"
    }  # fmt: skip
    assert [(r["score"], r["comment"]) for r in document["ratings"]] == [(9, "Ada loved it")]
    assert sorted(n["id"] for n in document["notifications"]) == sorted(
        [world.notification.pk, world.offer_notification.pk]
    )
    [notification] = [n for n in document["notifications"] if n["id"] == world.notification.pk]
    assert [a["error"] for a in notification["attempts"]] == ["550 ada@example.com: no such user"]
    assert "Bob" not in out and "bob@example.com" not in out
    assert list(AuditRecord.objects.values_list("action", "actor", "subject_id")) == [
        ("profile.export", "cli:dpo", str(world.ada.pk))
    ]


def test_export_to_a_file_readable_by_its_owner_only(world, tmp_path):
    path = tmp_path / "ada.json"
    out, err = run("export_profile", str(world.ada.pk), "--output", str(path))

    assert out == ""
    assert err == f"Wrote the export of profile {world.ada.pk} to {path}\n"
    assert json.loads(path.read_text())["profile"]["email"] == "ada@example.com"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_an_export_that_cannot_be_written_is_an_error_and_not_audited(world, tmp_path):
    with pytest.raises(CommandError) as caught:
        run("export_profile", str(world.ada.pk), "--output", str(tmp_path / "missing" / "ada.json"))
    assert str(caught.value) == f"Cannot write {tmp_path / 'missing' / 'ada.json'}: No such file or directory."
    assert AuditRecord.objects.count() == 0


def test_an_export_after_erasure_shows_the_anonymised_rows_and_both_audit_records(world):
    run("erase_profile", str(world.ada.pk), "--actor", "user:7", "--no-input")
    document = json.loads(run("export_profile", str(world.ada.pk), "--actor", "cli:dpo")[0])

    assert {k: document["profile"][k] for k in ("first_name", "last_name", "email", "mobile_phone", "attributes")} == {
        "first_name": "", "last_name": "", "email": "", "mobile_phone": "", "attributes": {}
    }  # fmt: skip
    assert [a["notes"] for a in document["appointments"]] == [""]
    assert [(a["action"], a["actor"]) for a in document["audit"]] == [("profile.erase", "user:7")]
    assert document["tokens"][0]["revoked_at"] is not None


def test_erase_prints_what_it_kept_and_erased(world):
    out, _ = run("erase_profile", str(world.ada.pk), "--actor", "cli:dpo", "--no-input")

    assert out == (
        f"Erased profile {world.ada.pk}: appointments 1, waitlist_entries 1, queue_entries 1, "
        "idempotency_records_deleted 2, submissions 1, answers_erased 2, rating_comments_erased 1, visits 2, "
        "notifications 2, notifications_cancelled 1, tokens_revoked 1, admin_history_rows 1\n"
    )
    world.ada.refresh_from_db()
    assert world.ada.email == ""


def test_the_default_actor_is_the_login_name(db, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "dpo")
    profile = ProfileFactory()
    run("erase_profile", str(profile.pk), "--noinput")
    assert list(AuditRecord.objects.values_list("actor", flat=True)) == ["cli:dpo"]


# run_from_argv closes the database connections as manage.py does, so the test cannot sit in a test transaction.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["erase_profile", "export_profile"])
@pytest.mark.parametrize(
    ("given", "message"), [(UNKNOWN, f"No profile {UNKNOWN}."), ("ada", "No profile ada: not a UUID.")]
)
def test_an_unknown_profile_is_a_clear_error_with_a_non_zero_exit(db, capsys, name, given, message):
    with pytest.raises(CommandError) as caught:
        run(name, given)
    assert str(caught.value) == message

    status, err = exit_status(name, given, capsys=capsys)
    assert (status, err) == (1, f"CommandError: {message}\n")
    assert AuditRecord.objects.count() == 0


ADA_FIGURES = (
    "appointments 1, waitlist_entries 1, queue_entries 1, idempotency_records_deleted 2, submissions 1, "
    "answers_erased 2, rating_comments_erased 1, visits 2, notifications 2, notifications_cancelled 1, "
    "tokens_revoked 1, admin_history_rows 1"
)


def every_row() -> str:
    """Every row of every table the project owns, serialised: equal before and after means nothing changed."""
    models = [m for m in apps.get_models() if m._meta.app_label in {"directory", "appointments", "questionnaires",
                                                                    "notifications", "visits", "admin"}]  # fmt: skip
    return serializers.serialize("json", [obj for model in models for obj in model._default_manager.order_by("pk")])


def test_dry_run_shows_what_would_be_erased_and_changes_nothing(world):
    before = every_row()

    out, _ = run("erase_profile", str(world.ada.pk), "--dry-run")

    assert out == f"Would erase profile {world.ada.pk}: {ADA_FIGURES}\nDry run: nothing was erased.\n"
    assert every_row() == before
    assert Profile.objects.get(pk=world.ada.pk).email == "ada@example.com"


@pytest.mark.parametrize("answer", ["no", "", "y", "YES please"])
def test_erase_asks_first_and_anything_but_yes_cancels(world, monkeypatch, answer):
    prompts = []
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or answer)
    before = every_row()

    out, _ = run("erase_profile", str(world.ada.pk))

    assert prompts == ["This cannot be undone. Type 'yes' to erase, or anything else to cancel: "]
    assert out == f"Would erase profile {world.ada.pk}: {ADA_FIGURES}\nErasure cancelled: nothing was erased.\n"
    assert every_row() == before


def test_erase_after_yes_erases_and_audits_once(world, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: " Yes ")

    out, _ = run("erase_profile", str(world.ada.pk), "--actor", "cli:dpo")

    assert out == (f"Would erase profile {world.ada.pk}: {ADA_FIGURES}\nErased profile {world.ada.pk}: {ADA_FIGURES}\n")
    assert Profile.objects.get(pk=world.ada.pk).email == ""
    assert list(AuditRecord.objects.values_list("action", "actor")) == [("profile.erase", "cli:dpo")]
