"""The order an appointment's timestamps must keep, wherever it came from (issue 19, finding 8; docs/domain.md
"Lifecycle"): it is created before anything happens to it, confirmed (or approved, or rejected) after that,
arrives after being confirmed, and is completed, marked a no-show or cancelled after what came before."""

from __future__ import annotations

from django.db.models import Count, F, Q

# (earlier, later): when both are set, earlier <= later.
ORDER = (
    ("created_at", "approved_at"),
    ("created_at", "confirmed_at"),
    ("created_at", "rejected_at"),
    ("created_at", "cancelled_at"),
    ("created_at", "arrived_at"),
    ("created_at", "completed_at"),
    ("created_at", "no_show_at"),
    ("confirmed_at", "arrived_at"),
    ("confirmed_at", "completed_at"),
    ("confirmed_at", "no_show_at"),
    ("confirmed_at", "cancelled_at"),
    ("arrived_at", "completed_at"),
)
FIELDS = sorted({name for pair in ORDER for name in pair})


def out_of_order(appointment) -> list[str]:
    """The pairs of `appointment` whose timestamps are in the wrong order, as readable lines (empty: all is well)."""
    wrong = []
    for earlier, later in ORDER:
        first, second = getattr(appointment, earlier), getattr(appointment, later)
        if first is not None and second is not None and first > second:
            wrong.append(f"#{appointment.pk} {appointment.status}: {earlier} {first} > {later} {second}")
    return wrong


def out_of_order_counts(queryset) -> dict[str, int]:
    """For a large set, in the database: how many rows break each pair (only pairs that some row breaks)."""
    counts = queryset.aggregate(**{f"{a}>{b}": Count("pk", filter=Q(**{f"{a}__gt": F(b)})) for a, b in ORDER})
    return {pair: n for pair, n in counts.items() if n}
