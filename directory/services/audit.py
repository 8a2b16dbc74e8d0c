"""Writing the generic audit trail (directory.models.AuditRecord)."""

from __future__ import annotations

from datetime import datetime

from directory.models import AuditRecord


def audit_record(*, action: str, actor: str, subject_type: str, subject_id, now: datetime, data=None) -> AuditRecord:
    """Add one audit row (inside the caller's transaction, so it commits or rolls back with the action)."""
    return AuditRecord.objects.create(
        action=action, actor=actor, subject_type=subject_type, subject_id=str(subject_id), at=now, data=data or {}
    )


def audit_records(records: list[dict], *, now: datetime) -> None:
    """Add several audit rows in one insert; each dict has action, actor, subject_type, subject_id and data."""
    AuditRecord.objects.bulk_create(
        AuditRecord(action=r["action"], actor=r["actor"], subject_type=r["subject_type"],
                    subject_id=str(r["subject_id"]), at=now, data=r.get("data") or {})
        for r in records
    )  # fmt: skip
