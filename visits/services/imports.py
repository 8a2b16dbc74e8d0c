"""Importing visits from door-counter or point-of-sale exports (CSV rows as dicts).

Each row names a location (`location` handle), a local time (`visited_at`, `YYYY-MM-DD HH:MM:SS` in the
location's time zone) and either a `profile_id` (one visit of that person) or a `count` (that many anonymous
visits). `external_id` is optional; without it the row's own content names it, so a re-run of the same file
creates nothing new. A bad row is reported with its line number and reason and never stops the good ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.dateparse import parse_datetime

from core.errors import DomainError
from core.localtime import localize
from directory.models import Location, Profile
from visits.enums import VisitSource
from visits.models import Visit

MAX_COUNT = 100_000


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    already_imported: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


class RowRejected(Exception):
    pass


def _parse_row(row: dict, locations: dict[str, Location | None]) -> tuple[Location, datetime, Profile | None, int]:
    handle = (row.get("location") or "").strip()
    if not handle:
        raise RowRejected("location is missing")
    if handle not in locations:
        locations[handle] = Location.objects.filter(handle=handle).first()
    location = locations[handle]
    if location is None:
        raise RowRejected(f"unknown location {handle!r}")
    raw_time = (row.get("visited_at") or "").strip()
    try:
        naive = parse_datetime(raw_time)
    except ValueError:
        naive = None
    if naive is None:
        raise RowRejected(f"visited_at {raw_time!r} is not 'YYYY-MM-DD HH:MM:SS'")
    try:
        visited_at = localize(naive, location.timezone, "visited_at")
    except DomainError as exc:
        raise RowRejected(str(exc)) from exc
    profile_id = (row.get("profile_id") or "").strip()
    raw_count = (row.get("count") or "").strip()
    if profile_id and raw_count and raw_count != "1":
        raise RowRejected("give either profile_id or count, not both")
    if profile_id:
        try:
            profile = Profile.objects.filter(pk=profile_id).first()
        except Exception as exc:  # noqa: BLE001 - a malformed UUID is the row's fault
            raise RowRejected(f"profile_id {profile_id!r} is not a UUID") from exc
        if profile is None:
            raise RowRejected(f"unknown profile {profile_id!r}")
        return location, visited_at, profile, 1
    if not raw_count:
        raise RowRejected("give a profile_id or a count")
    if not raw_count.isdigit() or not 1 <= int(raw_count) <= MAX_COUNT:
        raise RowRejected(f"count {raw_count!r} must be a whole number from 1 to {MAX_COUNT}")
    return location, visited_at, None, int(raw_count)


def _keys(row: dict, location: Location, visited_at: datetime, profile: Profile | None, count: int) -> list[str]:
    base = (row.get("external_id") or "").strip()
    if not base:
        who = str(profile.pk) if profile else "anonymous"
        base = f"{location.handle}|{visited_at:%Y-%m-%dT%H:%M:%SZ}|{who}"
    return [base] if count == 1 else [f"{base}#{n}" for n in range(1, count + 1)]


def visits_import(
    rows: Iterable[dict], *, dry_run: bool = False, progress: Callable[[], None] | None = None
) -> ImportReport:
    """Import rows (first data row is line 2, after the header); a dry run checks and counts but writes nothing."""
    report = ImportReport()
    locations: dict[str, Location | None] = {}
    for line, row in enumerate(rows, start=2):
        report.rows += 1
        try:
            location, visited_at, profile, count = _parse_row(row, locations)
            keys = _keys(row, location, visited_at, profile, count)
            existing = set(
                Visit.objects.filter(source=VisitSource.IMPORT, external_id__in=keys).values_list(
                    "external_id", flat=True
                )
            )
            new = [key for key in keys if key not in existing]
            report.already_imported += len(existing)
            if new and not dry_run:
                tags = [tag.strip() for tag in (row.get("tags") or "").split(";") if tag.strip()]
                with transaction.atomic():
                    Visit.objects.bulk_create(
                        [
                            Visit(location=location, profile=profile, visited_at=visited_at,
                                  timezone=location.timezone, source=VisitSource.IMPORT, external_id=key,
                                  tags=tags, type=(row.get("type") or "").strip()[:64],
                                  notes=(row.get("notes") or "").strip())
                            for key in new
                        ],
                        ignore_conflicts=True,
                    )  # fmt: skip
            report.created += len(new)
        except RowRejected as exc:
            report.rejected.append((line, str(exc)))
        if progress is not None:
            progress()
    return report
