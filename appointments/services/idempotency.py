"""Idempotency-Key handling for POSTs: the first response is kept and replayed for repeats by the same caller."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction

from appointments.models import IdempotencyRecord
from core.errors import Conflict, ValidationFailed


def request_fingerprint(method: str, path: str, body) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path.rstrip('/')} {canonical}".encode()).hexdigest()


def idempotency_claim(*, actor: str, key: str, fingerprint: str) -> tuple[IdempotencyRecord, bool]:
    """Claim `key` for this request; returns (record, claimed). Unclaimed means a replay of the stored answer.

    The claim is committed on its own, before the work, so a concurrent repeat sees it and gets a 409 instead
    of doing the work twice.
    """
    if not key or len(key) > 255:
        raise ValidationFailed.on("Idempotency-Key", "The Idempotency-Key header must be 1 to 255 characters.")
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(actor=actor, key=key, fingerprint=fingerprint), True
    except IntegrityError:
        record = IdempotencyRecord.objects.get(actor=actor, key=key)
    if record.fingerprint != fingerprint:
        raise ValidationFailed.on("Idempotency-Key", "This Idempotency-Key was used with a different request.")
    if record.status_code is None:
        raise Conflict("A request with this Idempotency-Key is still being processed.", code="idempotency_in_progress",
                       retry_after=1)  # fmt: skip
    return record, False


def idempotency_store(record: IdempotencyRecord, *, status_code: int, body) -> None:
    record.status_code = status_code
    record.body = body
    record.save(update_fields=["status_code", "body"])


def idempotency_release(record: IdempotencyRecord) -> None:
    """The work failed: forget the claim so that a retry with the same key can succeed."""
    record.delete()
