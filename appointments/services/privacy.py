"""Erasing and exporting everything held about a person (docs/privacy.md): the orchestration over every app.

Each app erases and exports its own rows (`<app>/services/privacy.py`); this module finds the person's
appointments, waitlist and queue entries, hands their ids down, and writes the audit record. Erasure keeps every
row that reports count (appointments, visits, ratings, queue and waitlist entries, outbox rows) and empties the
personal and free-text fields; it runs in one transaction with the profile row locked, and running it again is
harmless.
"""

from __future__ import annotations

import copy
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentLink,
    IdempotencyRecord,
    QueueEntry,
    QueueEvent,
    WaitlistEntry,
    WaitlistEvent,
    WaitlistOffer,
)
from appointments.services.customer_links import links_revoke
from appointments.services.notify import OFFER_SUBJECT
from appointments.services.notify import SUBJECT as APPOINTMENT_SUBJECT
from core.export import plain, row
from directory.services.audit import audit_record
from directory.services.privacy import (
    SUBJECT,
    directory_erase,
    directory_export,
    person_values,
    profile_for_privacy,
    was_erased,
)
from notifications.services.privacy import notifications_erase, notifications_export
from questionnaires.services.privacy import questionnaires_erase, questionnaires_export
from visits.services.privacy import visits_erase, visits_export

ERASE, EXPORT = "profile.erase", "profile.export"
# What a notification's rendering context says about the person (appointments/services/notify.py), emptied.
ERASED_PERSON = {"first_name": "", "last_name": "", "email": ""}


def scrub_context(context: dict) -> dict:
    """A notification context without the person: names and email emptied, the appointment's notes dropped."""
    out = copy.deepcopy(context or {})
    if isinstance(out.get("profile"), dict):
        out["profile"] = {"id": out["profile"].get("id", ""), **ERASED_PERSON}
    if isinstance(out.get("appointment"), dict) and "notes" in out["appointment"]:
        out["appointment"]["notes"] = ""
    return out


def _ids(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


def _held(profile) -> dict[str, list[int]]:
    """The ids of the person's own appointment-side rows."""
    waitlist_ids = _ids(WaitlistEntry.objects.filter(profile=profile))
    return {
        "appointments": _ids(Appointment.objects.filter(profile=profile)),
        "waitlist_entries": waitlist_ids,
        "offers": _ids(WaitlistOffer.objects.filter(entry_id__in=waitlist_ids)),
        "queue_entries": _ids(QueueEntry.objects.filter(profile=profile)),
    }


def _subjects(held: dict[str, list[int]]) -> list[tuple[str, list[int]]]:
    return [(APPOINTMENT_SUBJECT, held["appointments"]), (OFFER_SUBJECT, held["offers"])]


def _idempotency_rows(profile):
    """Stored first responses that are the person's own calls or name them (they may quote names and email)."""
    return IdempotencyRecord.objects.filter(Q(actor=f"profile:{profile.pk}") | Q(body__profile_id=str(profile.pk)))


def _erase_appointment_side(held: dict[str, list[int]], now: datetime) -> None:
    Appointment.objects.filter(pk__in=held["appointments"]).update(
        notes="", meta=None, transaction=None, order=None, updated_at=now
    )
    AppointmentEvent.objects.filter(appointment_id__in=held["appointments"]).exclude(reason="").update(reason="")
    WaitlistEntry.objects.filter(pk__in=held["waitlist_entries"]).update(notes="", meta=None, updated_at=now)
    WaitlistEvent.objects.filter(entry_id__in=held["waitlist_entries"]).exclude(reason="").update(reason="")
    QueueEntry.objects.filter(pk__in=held["queue_entries"]).update(notes="", meta=None, updated_at=now)
    QueueEvent.objects.filter(entry_id__in=held["queue_entries"]).exclude(reason="").update(reason="")


@transaction.atomic
def profile_erase(profile_id, *, actor: str, now: datetime | None = None) -> dict[str, int]:
    """Erase the person's personal data everywhere, keep their rows anonymised; returns what was kept and erased.

    NotFound for an unknown profile. Idempotent: a second run finds nothing left to erase and is audited again.
    """
    now = now or timezone.now()
    profile = profile_for_privacy(profile_id, lock=True)
    repeat = was_erased(profile)
    redact = person_values(profile)
    held = _held(profile)
    summary = {
        "appointments": len(held["appointments"]),
        "waitlist_entries": len(held["waitlist_entries"]),
        "queue_entries": len(held["queue_entries"]),
    }
    _erase_appointment_side(held, now)
    # The signed links in the person's messages stop working (docs/customer-links.md): their pages would show
    # what is left of the appointment to anyone holding an old message.
    links_revoke(appointment_ids=held["appointments"], offer_ids=held["offers"])
    summary["idempotency_records_deleted"] = _idempotency_rows(profile).delete()[0]
    summary |= questionnaires_erase(profile.pk, appointment_ids=held["appointments"], now=now)
    summary |= visits_erase(
        profile.pk, appointment_ids=held["appointments"], queue_entry_ids=held["queue_entries"], now=now
    )
    summary |= notifications_erase(_subjects(held), scrub=scrub_context, redact=redact, now=now)
    summary |= directory_erase(profile, now=now)
    audit_record(action=ERASE, actor=actor, subject_type=SUBJECT, subject_id=profile.pk, now=now,
                 data={**summary, "repeat": repeat})  # fmt: skip
    return summary


def profile_erase_preview(profile_id, *, now: datetime | None = None) -> dict[str, int]:
    """What profile_erase would keep and erase, changing nothing (`erase_profile --dry-run`).

    The erasure itself runs and is rolled back, so the figures are exactly those of a real run, with no second
    copy of the counting to drift apart (the schedule token it may touch is random, so the rollback is harmless).
    NotFound for an unknown profile.
    """
    with transaction.atomic():
        summary = profile_erase(profile_id, actor="preview", now=now)
        transaction.set_rollback(True)
    return summary


def _by_parent(children, key: str) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = {}
    for child in children:
        grouped.setdefault(getattr(child, key), []).append(row(child, exclude=(key,)))
    return grouped


@transaction.atomic
def profile_export(profile_id, *, actor: str, now: datetime | None = None) -> dict:
    """Everything held about the person as JSON-ready data (docs/privacy.md "Export"); audited. NotFound for an
    unknown profile."""
    now = now or timezone.now()
    profile = profile_for_privacy(profile_id)
    held = _held(profile)
    appointments = Appointment.objects.filter(pk__in=held["appointments"]).order_by("scheduled_start_at", "id")
    events = _by_parent(AppointmentEvent.objects.filter(appointment_id__in=held["appointments"]), "appointment_id")
    links = _by_parent(AppointmentLink.objects.filter(appointment_id__in=held["appointments"]), "appointment_id")
    offers = _by_parent(WaitlistOffer.objects.filter(entry_id__in=held["waitlist_entries"]), "entry_id")
    w_events = _by_parent(WaitlistEvent.objects.filter(entry_id__in=held["waitlist_entries"]), "entry_id")
    q_events = _by_parent(QueueEvent.objects.filter(entry_id__in=held["queue_entries"]), "entry_id")
    document = {"exported_at": plain(now), **directory_export(profile)}
    document["appointments"] = [
        {**row(item), "events": events.get(item.pk, []), "links": links.get(item.pk, [])} for item in appointments
    ]
    document["appearances"] = [
        row(link) for link in AppointmentLink.objects.filter(profile=profile).exclude(appointment__profile=profile)
    ]
    document["waitlist_entries"] = [
        {**row(item), "offers": offers.get(item.pk, []), "events": w_events.get(item.pk, [])}
        for item in WaitlistEntry.objects.filter(pk__in=held["waitlist_entries"]).order_by("created_at", "id")
    ]
    document["queue_entries"] = [
        {**row(item), "events": q_events.get(item.pk, [])}
        for item in QueueEntry.objects.filter(pk__in=held["queue_entries"]).order_by("created_at", "id")
    ]
    document["visits"] = visits_export(
        profile.pk, appointment_ids=held["appointments"], queue_entry_ids=held["queue_entries"]
    )
    document |= questionnaires_export(profile.pk, appointment_ids=held["appointments"])
    document["notifications"] = notifications_export(_subjects(held))
    audit_record(action=EXPORT, actor=actor, subject_type=SUBJECT, subject_id=profile.pk, now=now)
    return document
