"""Demo activity for `manage.py seed_demo`: what fills the console's pages, loaded once, through the services.

Per demo location, in its own time zone: bookings of today and tomorrow (some checked in, completed or a no-show
already) with their booking answers and notifications; an open waitlist offer; a walk-in queue with two weeks of
served history (so wait estimates are learned) and people waiting now; 60 days of NPS ratings and visits from
every source (manual, appointment, queue and an import). Notification targets write to the console's email backend,
and to a webhook receiver when DEMO_WEBHOOK_URL names one. Every row is dated from `now`, so the dashboard shows a
live day whenever the demo is loaded.
"""

from __future__ import annotations

import os
import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from appointments.enums import AppointmentStatus as S
from appointments.enums import QueueStatus as Q
from appointments.models import Appointment, AppointmentDefinition
from appointments.services.booking import appointment_book, booking_request
from appointments.services.lifecycle import appointment_transition
from appointments.services.queue import queue_join, queue_transition
from appointments.services.waitlist import waitlist_join
from core.errors import DomainError
from directory.models import Location, Profile
from notifications.models import Target
from notifications.services.targets import target_create
from questionnaires.models import Rating
from questionnaires.services.questionnaires import questionnaire_create
from questionnaires.services.questions import question_create
from visits.services.imports import visits_import
from visits.services.visits import visit_create

MARK = "activity"  # meta.demo of the appointments this module books: loaded once
SIZES = [{"value": "s", "label": "Small"}, {"value": "m", "label": "Medium"}, {"value": "l", "label": "Large"}]


def seed_activity(stdout, *, now: datetime | None = None) -> None:
    if Appointment.objects.filter(meta__demo=MARK).exists():
        stdout.write("  demo activity already loaded")
        return
    now = now or timezone.now()
    rng = random.Random(7)
    fitting = AppointmentDefinition.objects.get(handle="fitting")
    repairs = AppointmentDefinition.objects.get(handle="express-repairs")
    _targets(fitting)
    slot_ids = _booking_form(fitting)
    customers = list(Profile.objects.filter(attributes__role="customer").order_by("email"))
    for location in Location.objects.filter(handle__in=_demo_handles()).order_by("pk"):
        booked = _bookings(fitting, location, customers, slot_ids, now, rng)
        _waitlist_offer(fitting, location, customers, booked, now)
        _queue(repairs, location, customers, now, rng)
        _ratings_and_visits(location, customers, now, rng)
    stdout.write(f"  demo activity: {Appointment.objects.filter(meta__demo=MARK).count()} bookings, "
                 f"{Rating.objects.count()} ratings, queues with two weeks of history")  # fmt: skip


def _demo_handles() -> list[str]:
    from directory.demo import LOCATIONS

    return [handle for handle, *_ in LOCATIONS]


def _targets(definition: AppointmentDefinition) -> None:
    inbox = Target.objects.filter(handle="demo-inbox").first() or target_create(
        name="Front desk inbox", handle="demo-inbox", channel="email", email="frontdesk@example.com"
    )
    definition.created_target = definition.confirmed_target = definition.cancelled_target = inbox
    definition.reminder_target = definition.waitlist_offer_target = inbox
    definition.notify_reminder_offset_days = 1
    url = os.environ.get("DEMO_WEBHOOK_URL", "")
    if url and not Target.objects.filter(handle="demo-webhook").exists():
        definition.completed_target = target_create(
            name="Demo receiver", handle="demo-webhook", channel="webhook", url=url
        )
    definition.save()


def _booking_form(definition: AppointmentDefinition) -> dict[str, int]:
    if definition.booking_questionnaire_id is None:
        size = question_create(handle="demo-size", label="Which size do you usually wear?", type="single_select",
                               options=SIZES)  # fmt: skip
        occasion = question_create(handle="demo-occasion", label="What is the occasion?", type="text")
        first = question_create(handle="demo-first-visit", label="Is this your first visit?", type="boolean")
        definition.booking_questionnaire = questionnaire_create(
            handle="demo-fitting-form", name="Fitting questions", purpose="booking", questions=[
                {"mapping_key": "size", "question_id": size.pk, "is_required": True},
                {"mapping_key": "occasion", "question_id": occasion.pk},
                {"mapping_key": "first_visit", "question_id": first.pk},
            ],
        )  # fmt: skip
        definition.save()
    slots = definition.booking_questionnaire.current_version.slots.all()
    return {slot.mapping_key: slot.pk for slot in slots}


def _local(location: Location, day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=location.timezone)


def _bookings(definition, location, customers, slot_ids, now, rng) -> list[Appointment]:
    """Today's and tomorrow's bookings at the location; the ones already past have been seen to."""
    today = now.astimezone(location.timezone).date()
    plan = [(today, 9, S.COMPLETED), (today, 10, S.NO_SHOW), (today, 11, S.ARRIVED), (today, 14, None),
            (today, 15, None), (today + timedelta(days=1), 9, None), (today + timedelta(days=1), 10, None),
            (today + timedelta(days=1), 11, None)]  # fmt: skip
    booked = []
    for n, (day, hour, outcome) in enumerate(plan):
        start = _local(location, day, hour)
        customer = customers[n % len(customers)]
        answers = [{"questionnaire_question_id": slot_ids["size"], "value": rng.choice("sml")},
                   {"questionnaire_question_id": slot_ids["occasion"], "value": rng.choice(
                       ["A wedding", "Work", "A birthday", ""])},
                   {"questionnaire_question_id": slot_ids["first_visit"], "value": n % 3 == 0}]  # fmt: skip
        request = booking_request(definition, customer, location, start, answers=answers, meta={"demo": MARK},
                                  override_availability=True)  # fmt: skip
        appointment = appointment_book(request, actor="system", now=min(now, start) - timedelta(days=2))
        if outcome is not None and start <= now:
            moves = {S.COMPLETED: [S.ARRIVED, S.COMPLETED], S.ARRIVED: [S.ARRIVED], S.NO_SHOW: [S.NO_SHOW]}[outcome]
            for step, to in enumerate(moves):
                at = start + timedelta(minutes=20 if to == S.NO_SHOW else 5 + 25 * step)
                if at <= now:
                    appointment_transition(appointment_id=appointment.pk, to=to, actor="system", now=at)
        booked.append(appointment)
    return booked


def _waitlist_offer(definition, location, customers, booked, now) -> None:
    """Somebody waits for tomorrow; a cancellation frees a place, which is offered to them (an open offer)."""
    tomorrow = booked[-1]
    try:
        waitlist_join(definition_id=definition.pk, profile_id=customers[-1].pk, location_id=location.pk,
                      desired_start_at=tomorrow.scheduled_start_at, actor="system", now=now)  # fmt: skip
        appointment_transition(appointment_id=tomorrow.pk, to=S.CANCELLED, actor="system", reason="Demo", now=now)
    except DomainError:
        pass  # a location where the definition takes no waitlist: nothing to show


def _queue(definition, location, customers, now, rng) -> None:
    """Two weeks of walk-ins served at the counter (15 to 25 minutes each), then today's queue."""
    today = now.astimezone(location.timezone).date()
    for back in range(14, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for n in range(5):
            joined = _local(location, day, 10 + n, rng.randrange(0, 30))
            entry = queue_join(definition_id=definition.pk, location_id=location.pk,
                               profile_id=customers[n % len(customers)].pk if n % 2 else None, actor="system",
                               now=joined)  # fmt: skip
            called = joined + timedelta(minutes=rng.randrange(3, 15))
            queue_transition(entry_id=entry.pk, to=Q.CALLED, actor="system", now=called)
            queue_transition(entry_id=entry.pk, to=Q.SERVED, actor="system", now=called + timedelta(
                minutes=rng.randrange(15, 26)))  # fmt: skip
    for n in range(3):
        entry = queue_join(definition_id=definition.pk, location_id=location.pk,
                           profile_id=customers[n].pk if n != 1 else None, actor="system",
                           now=now - timedelta(minutes=25 - 8 * n))  # fmt: skip
        if n == 0:
            queue_transition(entry_id=entry.pk, to=Q.CALLED, actor="system", now=now - timedelta(minutes=2))


def _ratings_and_visits(location, customers, now, rng) -> None:
    """60 local days of NPS ratings and of visits: walk-ins logged by hand, and a door counter's import."""
    today = now.astimezone(location.timezone).date()
    ratings, rows = [], []
    for back in range(60, 0, -1):
        day = today - timedelta(days=back)
        for n in range(rng.randrange(1, 4)):
            at = _local(location, day, 12 + n, rng.randrange(60))
            score = rng.choices(range(11), weights=[1, 1, 1, 1, 1, 2, 3, 5, 9, 12, 10])[0]
            ratings.append(Rating(location=location, profile=customers[n % len(customers)], scale="nps", score=score,
                                  rated_at=at, rated_on=day))  # fmt: skip
        if back % 3 == 0:
            visit_create(location=location, profile=customers[back % len(customers)], source="manual",
                         visited_at=_local(location, day, 16).replace(tzinfo=None))  # fmt: skip
        rows.append({"location": location.handle, "visited_at": f"{day.isoformat()} 12:00",
                     "count": str(rng.randrange(20, 60)), "tags": "door-counter"})  # fmt: skip
    Rating.objects.bulk_create(ratings)
    visits_import(rows)
