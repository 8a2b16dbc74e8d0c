"""The directory's part of erasing and exporting a person (docs/privacy.md); appointments orchestrates.

The profile row stays (appointments, visits and ratings point at it) with every personal field emptied; the
person's customer tokens are revoked; the admin history names the profile by its id instead of its name.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from core.errors import NotFound
from core.export import row
from directory.models import ApiToken, AuditRecord, Profile, StaffAssignment

ERASED_PROFILE = {"first_name": "", "last_name": "", "email": "", "mobile_phone": "", "attributes": {}}
TOKEN_EXPORT_EXCLUDE = ("key_hash",)
SUBJECT = "profile"


def profile_for_privacy(profile_id, *, lock: bool = False) -> Profile:
    """The profile to erase or export (locked for the transaction when `lock`); NotFound for an unknown id."""
    try:
        pk = uuid.UUID(str(profile_id))
    except ValueError:
        raise NotFound(f"No profile {profile_id}: not a UUID.") from None
    rows = Profile.objects.select_for_update() if lock else Profile.objects
    profile = rows.filter(pk=pk).first()
    if profile is None:
        raise NotFound(f"No profile {pk}.")
    return profile


def person_values(profile: Profile) -> list[str]:
    """The strings that identify the person, to redact from free-text logs (longest first)."""
    values = {profile.email, profile.mobile_phone, profile.full_name, profile.first_name, profile.last_name}
    return sorted((value for value in values if len(value) >= 3), key=len, reverse=True)


def directory_erase(profile: Profile, *, now: datetime) -> dict[str, int]:
    """Empty the profile's personal fields, revoke its tokens, clear staff-assignment notes and the admin
    history's name for it. Running it again changes nothing."""
    for name, value in ERASED_PROFILE.items():
        setattr(profile, name, value)
    profile.save(update_fields=[*ERASED_PROFILE, "updated_at"])
    revoked = ApiToken.objects.filter(profile=profile, revoked_at__isnull=True).update(revoked_at=now)
    # Saved one by one, not with update(): staff assignments feed the schedule cache, whose version moves on save.
    for assignment in StaffAssignment.objects.filter(profile=profile).exclude(notes="", meta__isnull=True):
        assignment.notes, assignment.meta = "", None
        assignment.save(update_fields=["notes", "meta", "updated_at"])
    history = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Profile), object_id=str(profile.pk)
    ).update(object_repr=str(profile.pk))
    return {"tokens_revoked": revoked, "admin_history_rows": history}


def directory_export(profile: Profile) -> dict:
    """The profile, its tokens (never their hashes), its staff assignments and the audit rows about it."""
    return {
        "profile": row(profile),
        "tokens": [row(token, exclude=TOKEN_EXPORT_EXCLUDE) for token in ApiToken.objects.filter(profile=profile)],
        "staff_assignments": [row(item) for item in StaffAssignment.objects.filter(profile=profile)],
        "audit": [
            row(item, exclude=("subject_type", "subject_id"))
            for item in AuditRecord.objects.filter(subject_type=SUBJECT, subject_id=str(profile.pk)).order_by(
                "at", "id"
            )
        ],
    }


def was_erased(profile: Profile) -> bool:
    return AuditRecord.objects.filter(subject_type=SUBJECT, subject_id=str(profile.pk), action="profile.erase").exists()
