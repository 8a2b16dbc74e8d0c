"""NPS and CSAT reports: one aggregate query over the rating index, bucketed by the location's local dates.

Each rating carries `rated_on`, the local date of `rated_at` at its location, written with the rating; the
database groups by score and by that date (truncated to the ISO week or month): one query whatever the range or
the interval, read from the (location, scale, rated_on, score) index alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, DateField
from django.db.models.functions import Trunc

from questionnaires.enums import RatingScale
from questionnaires.models import Rating

PROMOTER, PASSIVE = 9, 7  # NPS: 9-10 promoters, 7-8 passives, 0-6 detractors
SATISFIED = 4  # CSAT: 4-5 on a 1-5 scale


@dataclass
class Bucket:
    start_date: date
    end_date: date
    counts: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, low: int, high: int) -> int:
        return sum(n for score, n in self.counts.items() if low <= score <= high)


def buckets_for(start: date, end: date, interval: str | None) -> list[Bucket]:
    """[start, end] cut at local day, Monday (ISO week) or first-of-month boundaries; None is one bucket."""
    if interval is None:
        return [Bucket(start, end)]
    out, day = [], start
    while day <= end:
        if interval == "day":
            last = day
        elif interval == "week":
            last = day + timedelta(days=6 - day.weekday())
        else:
            following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            last = following - timedelta(days=1)
        last = min(last, end)
        out.append(Bucket(day, last))
        day = last + timedelta(days=1)
    return out


TRUNC_KIND = {"day": "day", "week": "week", "month": "month"}


def rating_counts(
    *, scale: str, location_ids: list[int] | None, start: date, end: date, interval: str | None,
    questionnaire_id: int | None = None,
) -> list[Bucket]:  # fmt: skip
    """Counts of each score per bucket of local dates, in one query (grouped by score, and by the local day, ISO
    week or month of `rated_on`, the rating's date at its own location). `location_ids` None is every location:
    each rating still counts on its own location's local date, so the locations' days line up."""
    buckets = buckets_for(start, end, interval)
    queryset = Rating.objects.filter(scale=scale, rated_on__gte=start, rated_on__lte=end)
    if location_ids is not None:
        queryset = queryset.filter(location_id__in=location_ids)
    if questionnaire_id is not None:
        queryset = queryset.filter(questionnaire_id=questionnaire_id)
    if interval is None:
        for row in queryset.values("score").annotate(n=Count("*")).order_by():
            buckets[0].counts[row["score"]] = row["n"]
        return buckets
    period = Trunc("rated_on", TRUNC_KIND[interval], output_field=DateField())
    by_start = {bucket.start_date: bucket for bucket in buckets}
    rows = queryset.annotate(period=period).values("period", "score").annotate(n=Count("*")).order_by()
    for row in rows:
        # The first week or month may begin before the range: its bucket starts at the range's start.
        bucket = by_start[max(row["period"], start)]
        bucket.counts[row["score"]] = bucket.counts.get(row["score"], 0) + row["n"]
    return buckets


def _percent(part: int, total: int) -> float | None:
    return round(100 * part / total, 1) if total else None


def nps_figures(bucket: Bucket) -> dict:
    total = bucket.total
    promoters, passives = bucket.count(PROMOTER, 10), bucket.count(PASSIVE, PROMOTER - 1)
    detractors = bucket.count(0, PASSIVE - 1)
    score = round(100 * (promoters - detractors) / total, 1) if total else None
    return {
        "start_date": bucket.start_date, "end_date": bucket.end_date, "total": total, "promoters": promoters,
        "passives": passives, "detractors": detractors, "score": score,
    }  # fmt: skip


def csat_figures(bucket: Bucket) -> dict:
    total = bucket.total
    satisfied = bucket.count(SATISFIED, 5)
    return {
        "start_date": bucket.start_date, "end_date": bucket.end_date, "total": total, "satisfied": satisfied,
        "score": _percent(satisfied, total),
    }  # fmt: skip


FIGURES = {RatingScale.NPS: nps_figures, RatingScale.CSAT: csat_figures}


def rating_report(
    scale: str, *, location=None, start: date, end: date, interval: str | None = None,
    questionnaire_id: int | None = None, within: list[int] | None = None,
) -> dict:  # fmt: skip
    """The whole-range figures plus the series per interval (empty without an interval). Without a location, the
    ratings of every location (or of the `within` ids, an operator's locations), each on its own local dates;
    `location_id` and `timezone` are then null."""
    location_ids = [location.pk] if location is not None else within
    buckets = rating_counts(
        scale=scale, location_ids=location_ids, start=start, end=end, interval=interval,
        questionnaire_id=questionnaire_id,
    )  # fmt: skip
    whole = Bucket(start, end)
    for bucket in buckets:
        for score, n in bucket.counts.items():
            whole.counts[score] = whole.counts.get(score, 0) + n
    figures = FIGURES[scale]
    return {
        "location_id": location.pk if location is not None else None,
        "timezone": location.timezone.key if location is not None else None,
        "questionnaire_id": questionnaire_id,
        "interval": interval,
        **figures(whole),
        "series": [figures(bucket) for bucket in buckets] if interval else [],
    }
