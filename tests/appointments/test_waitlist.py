"""Waitlists (DOMAIN.md "Waitlists"): entry moves, and offers that hold a freed place for the oldest match.

A Melbourne location; the definition is open Mondays 09:00-17:00 with one place per 30-minute slot. DAY is
Monday 2025-06-16; NOW is a week before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from appointments import selectors
from appointments.models import Appointment, WaitlistEntry, WaitlistEvent, WaitlistOffer
from appointments.services.booking import BookingRequest, appointment_book
from appointments.services.lifecycle import appointment_reschedule, appointment_transition
from appointments.services.offers import offers_expire
from appointments.services.waitlist import (
    waitlist_claim,
    waitlist_decline,
    waitlist_delete,
    waitlist_join,
    waitlist_transition,
)
from core.errors import DomainError
from directory.enums import DayOfWeek
from tests.appointments.factories import WaitlistEntryFactory
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    LocationFactory,
    ProfileFactory,
    StaffAssignmentFactory,
)

pytestmark = pytest.mark.django_db

MELBOURNE = ZoneInfo("Australia/Melbourne")
DAY = date(2025, 6, 16)
NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=MELBOURNE).astimezone(UTC)


@pytest.fixture
def place():
    location = LocationFactory(timezone="Australia/Melbourne")
    definition = DefinitionFactory(allow_waitlist=True, duration_minutes=30, max_concurrent_bookings=1)
    DefinitionLocationFactory(definition=definition, location=location)
    DefinitionNormalHourFactory(definition=definition, day_of_week=DayOfWeek.MON, available_from=time(9),
                                available_until=time(17))  # fmt: skip
    return definition, location


def booked(definition, location, hour, **kwargs) -> Appointment:
    return AppointmentFactory(definition=definition, location=location, scheduled_start_at=local(DAY, hour), **kwargs)


def entry(definition, location, minutes_ago: int, **kwargs) -> WaitlistEntry:
    with time_machine.travel(NOW - timedelta(minutes=minutes_ago), tick=False):
        return WaitlistEntryFactory(definition=definition, location=location, **kwargs)


def open_offer_of(entry_: WaitlistEntry) -> WaitlistOffer | None:
    return WaitlistOffer.objects.filter(entry=entry_, status="open").first()


def slot_starts(definition, location, now=NOW) -> list[datetime]:
    _, slots = selectors.day_slots(definition, location.pk, DAY, now=now)
    return [slot.start for slot in slots]


def book(definition, location, hour, now=NOW) -> Appointment:
    request = BookingRequest(definition_id=definition.pk, profile_id=str(ProfileFactory().pk),
                             location_id=location.pk, start=local(DAY, hour))  # fmt: skip
    return appointment_book(request, actor="token:9", now=now)


# Entries --------------------------------------------------------------------------------------------------------


def test_join_reads_the_desired_time_local_to_the_location(place):
    definition, location = place
    profile = ProfileFactory()
    created = waitlist_join(definition_id=definition.pk, profile_id=profile.pk, location_id=location.pk,
                            desired_start_at=datetime.fromisoformat("2025-06-16 10:00:00"), actor="token:1", now=NOW)  # fmt: skip
    assert (created.status, created.desired_start_at, created.appointment_id) == ("active", local(DAY, 10), None)
    event = WaitlistEvent.objects.get(entry=created)
    assert (event.kind, event.to_status, event.actor) == ("status", "active", "token:1")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"allow_waitlist": False}, "appointment_definition_id"),
        ({"is_archived": True}, "appointment_definition_id"),
    ],
)
def test_join_needs_a_definition_with_a_waitlist(place, change, field):
    definition, location = place
    for name, value in change.items():
        setattr(definition, name, value)
    definition.save()
    with pytest.raises(DomainError) as caught:
        waitlist_join(definition_id=definition.pk, profile_id=ProfileFactory().pk, location_id=location.pk,
                      actor="token:1", now=NOW)  # fmt: skip
    assert list(caught.value.errors) == [field]
    assert WaitlistEntry.objects.count() == 0


def test_join_refuses_unlinked_locations_and_staff_on_unstaffed_definitions(place):
    definition, _ = place
    with pytest.raises(DomainError) as caught:
        waitlist_join(definition_id=definition.pk, profile_id=ProfileFactory().pk,
                      location_id=LocationFactory().pk, actor="token:1", now=NOW)  # fmt: skip
    assert list(caught.value.errors) == ["location_id"]
    with pytest.raises(DomainError) as caught:
        waitlist_join(definition_id=definition.pk, profile_id=ProfileFactory().pk, location_id=place[1].pk,
                      desired_staff_id=ProfileFactory().pk, actor="token:1", now=NOW)  # fmt: skip
    assert list(caught.value.errors) == ["desired_staff_id"]


MOVES = [("active", "fulfilled"), ("active", "cancelled")]
REFUSED = [(a, b) for a in ("active", "fulfilled", "cancelled") for b in ("active", "fulfilled", "cancelled")
           if a != b and (a, b) not in MOVES]  # fmt: skip


def test_fulfil_needs_an_appointment_of_the_same_definition_location_and_profile(place):
    definition, location = place
    waiting = entry(definition, location, 5)
    other_profile = booked(definition, location, 9)
    with pytest.raises(DomainError) as caught:
        waitlist_transition(entry_id=waiting.pk, to="fulfilled", appointment_id=other_profile.pk, actor="u", now=NOW)
    assert list(caught.value.errors) == ["appointment_id"]
    with pytest.raises(DomainError) as caught:
        waitlist_transition(entry_id=waiting.pk, to="fulfilled", actor="u", now=NOW)
    assert list(caught.value.errors) == ["appointment_id"]

    own = booked(definition, location, 11, profile=waiting.profile)
    done = waitlist_transition(entry_id=waiting.pk, to="fulfilled", appointment_id=own.pk, actor="u", now=NOW)

    assert (done.status, done.appointment_id, done.fulfilled_at) == ("fulfilled", own.pk, NOW)


def test_cancel_stamps_and_records(place):
    definition, location = place
    waiting = entry(definition, location, 5)
    done = waitlist_transition(entry_id=waiting.pk, to="cancelled", actor="profile:x", reason="found another",
                               now=NOW)  # fmt: skip
    assert (done.status, done.cancelled_at) == ("cancelled", NOW)
    event = WaitlistEvent.objects.get(entry=waiting, kind="status")
    assert (event.from_status, event.to_status, event.reason) == ("active", "cancelled", "found another")


@pytest.mark.parametrize(("before", "after"), REFUSED)
def test_refused_moves_are_422_on_status(place, before, after):
    definition, location = place
    row = entry(definition, location, 5, status=before)
    with pytest.raises(DomainError) as caught:
        waitlist_transition(entry_id=row.pk, to=after, actor="u", appointment_id=None, now=NOW)
    assert caught.value.status == 422
    assert caught.value.errors["status"][0].startswith(f"Cannot move from {before} to {after}")
    row.refresh_from_db()
    assert row.status == before


def test_customers_may_only_cancel(place):
    definition, location = place
    row = entry(definition, location, 5)
    own = booked(definition, location, 11, profile=row.profile)
    with pytest.raises(DomainError) as caught:
        waitlist_transition(entry_id=row.pk, to="fulfilled", appointment_id=own.pk, actor="p", customer=True,
                            now=NOW)  # fmt: skip
    assert caught.value.status == 403


# Offers ---------------------------------------------------------------------------------------------------------


def test_a_cancelled_appointment_offers_its_place_to_the_oldest_matching_entry_and_holds_it(place):
    definition, location = place
    appointment = booked(definition, location, 10)
    other_day = entry(definition, location, 90, desired_start_at=local(DAY + timedelta(days=1), 10))
    oldest = entry(definition, location, 60, desired_start_at=local(DAY, 15))
    younger = entry(definition, location, 30)
    entry(DefinitionFactory(allow_waitlist=True), location, 120)  # another definition
    other_location = LocationFactory()
    DefinitionLocationFactory(definition=definition, location=other_location)
    entry(definition, other_location, 120)

    with override_settings(WAITLIST_OFFER_MINUTES=15):
        appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="token:1", now=NOW)

    offer = WaitlistOffer.objects.get()
    assert offer.entry_id == oldest.pk
    assert (offer.start_at, offer.end_at, offer.offered_at, offer.expires_at) == (
        local(DAY, 10), local(DAY, 10, 30), NOW, NOW + timedelta(minutes=15),
    )  # fmt: skip
    assert open_offer_of(other_day) is None and open_offer_of(younger) is None
    # The place is held: nobody else sees or books it.
    assert local(DAY, 10) not in slot_starts(definition, location)
    assert local(DAY, 10, 30) in slot_starts(definition, location)
    with pytest.raises(DomainError) as caught:
        book(definition, location, 10)
    assert list(caught.value.errors) == ["scheduled_start_at"]


def test_claim_books_exactly_the_offered_slot_and_fulfils_the_entry(place):
    definition, location = place
    appointment = booked(definition, location, 10)
    waiting = entry(definition, location, 60)
    appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="token:1", now=NOW)

    claimed = waitlist_claim(entry_id=waiting.pk, actor="profile:me", now=NOW + timedelta(minutes=5))

    assert (claimed.profile_id, claimed.scheduled_start_at, claimed.status) == (
        waiting.profile_id, local(DAY, 10), "confirmed",
    )  # fmt: skip
    waiting.refresh_from_db()
    assert (waiting.status, waiting.appointment_id) == ("fulfilled", claimed.pk)
    offer = WaitlistOffer.objects.get()
    assert (offer.status, offer.appointment_id) == ("claimed", claimed.pk)
    assert local(DAY, 10) not in slot_starts(definition, location)
    with pytest.raises(DomainError) as caught:
        waitlist_claim(entry_id=waiting.pk, actor="profile:me", now=NOW)
    assert caught.value.status == 409


def test_decline_passes_the_place_to_the_next_and_never_back(place):
    definition, location = place
    appointment = booked(definition, location, 10)
    first = entry(definition, location, 60)
    second = entry(definition, location, 30)
    appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="token:1", now=NOW)

    waitlist_decline(entry_id=first.pk, actor="profile:first", now=NOW + timedelta(minutes=1))

    assert open_offer_of(first) is None
    assert open_offer_of(second).start_at == local(DAY, 10)
    first.refresh_from_db()
    assert first.status == "active"

    waitlist_decline(entry_id=second.pk, actor="profile:second", now=NOW + timedelta(minutes=2))

    assert WaitlistOffer.objects.filter(status="open").count() == 0
    assert local(DAY, 10) in slot_starts(definition, location)  # nobody left: the place is free again


def test_expiry_offers_the_next_and_cascades_until_nobody_is_left(place):
    definition, location = place
    appointment = booked(definition, location, 10)
    first, second = entry(definition, location, 60), entry(definition, location, 30)
    with override_settings(WAITLIST_OFFER_MINUTES=15):
        appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="token:1", now=NOW)

        assert offers_expire(now=NOW + timedelta(minutes=14)) == 0
        with time_machine.travel(NOW + timedelta(minutes=15), tick=False):
            assert offers_expire() == 1
        assert WaitlistOffer.objects.get(entry=first).status == "expired"
        second_offer = open_offer_of(second)
        assert second_offer.expires_at == NOW + timedelta(minutes=30)
        with pytest.raises(DomainError) as caught:
            waitlist_claim(entry_id=second.pk, actor="p", now=NOW + timedelta(minutes=31))
        assert caught.value.code == "offer_expired"

        assert offers_expire(now=NOW + timedelta(minutes=31)) == 1
    assert WaitlistOffer.objects.filter(status="open").count() == 0
    assert local(DAY, 10) in slot_starts(definition, location)


def test_cancelling_or_deleting_an_entry_with_an_offer_passes_the_place_on(place):
    definition, location = place
    appointment = booked(definition, location, 10)
    first, second, third = (entry(definition, location, n) for n in (60, 30, 10))
    appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="token:1", now=NOW)

    waitlist_transition(entry_id=first.pk, to="cancelled", actor="p", now=NOW)
    assert WaitlistOffer.objects.get(entry=first).status == "withdrawn"
    assert open_offer_of(second) is not None

    waitlist_delete(entry_id=second.pk, actor="u", now=NOW)
    assert open_offer_of(third) is not None


def test_a_rescheduled_appointment_offers_its_old_place(place):
    definition, location = place
    appointment = booked(definition, location, 10)
    waiting = entry(definition, location, 60)
    appointment_reschedule(appointment_id=appointment.pk, start=local(DAY, 14), actor="token:1", now=NOW)
    assert open_offer_of(waiting).start_at == local(DAY, 10)


def test_past_places_and_completed_visits_are_not_offered(place):
    definition, location = place
    appointment = booked(definition, location, 10)
    entry(definition, location, 60)
    appointment_transition(appointment_id=appointment.pk, to="arrived", actor="u", now=local(DAY, 10, 5))
    appointment_transition(appointment_id=appointment.pk, to="completed", actor="u", now=local(DAY, 10, 25))
    assert WaitlistOffer.objects.count() == 0


def test_staffed_offers_match_the_desired_staff_and_hold_that_staff_member(place):
    _, location = place
    definition = DefinitionFactory(allow_waitlist=True, requires_staff=True, duration_minutes=30)
    DefinitionLocationFactory(definition=definition, location=location)
    anna, ben = ProfileFactory(), ProfileFactory()
    StaffAssignmentFactory(location=location, profile=anna)
    StaffAssignmentFactory(location=location, profile=ben)
    appointment = booked(definition, location, 10, assigned_staff=anna)
    wants_ben = entry(definition, location, 90, desired_staff=ben)
    wants_anna = entry(definition, location, 60, desired_staff=anna)

    appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="u", now=NOW)

    assert open_offer_of(wants_ben) is None
    offer = open_offer_of(wants_anna)
    assert str(offer.staff_id) == str(anna.pk)
    _, slots = selectors.day_slots(definition, location.pk, DAY, now=NOW)
    ten = next(slot for slot in slots if slot.start == local(DAY, 10))
    assert ten.free_staff == (str(ben.pk),)
    claimed = waitlist_claim(entry_id=wants_anna.pk, actor="p", now=NOW)
    assert claimed.assigned_staff_id == anna.pk


def test_a_claim_that_cannot_book_changes_nothing_and_the_offer_stays_open(place):
    definition, location = place
    appointment = booked(definition, location, 10)
    waiting = entry(definition, location, 60)
    appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="token:1", now=NOW)
    # The definition closes at 10:00 on that day after the offer was made.
    for hours in definition.normal_hours.all():
        hours.available_until = time(10)
        hours.save()

    with pytest.raises(DomainError) as caught:
        waitlist_claim(entry_id=waiting.pk, actor="p", now=NOW + timedelta(minutes=1))

    assert (caught.value.status, list(caught.value.errors)) == (422, ["scheduled_start_at"])
    assert open_offer_of(waiting) is not None
    waiting.refresh_from_db()
    assert (waiting.status, waiting.appointment_id) == ("active", None)
    assert Appointment.objects.filter(profile=waiting.profile).count() == 0


def test_an_offer_writes_the_waitlist_offer_notification_in_the_same_transaction(place):
    from notifications.models import Notification
    from tests.notifications.factories import TargetFactory

    definition, location = place
    target = TargetFactory()
    definition.waitlist_offer_target = target
    definition.save()
    appointment = booked(definition, location, 10)
    waiting = entry(definition, location, 60)

    with override_settings(WAITLIST_OFFER_MINUTES=15):
        appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="token:1", now=NOW)

    offer = WaitlistOffer.objects.get()
    row = Notification.objects.get(event="waitlist_offer")
    assert (row.subject_type, row.subject_id, row.target_id, row.due_at, row.status, row.location_id) == (
        "waitlist_offer", str(offer.pk), target.pk, NOW, "pending", location.pk,
    )  # fmt: skip
    assert row.context["offer"]["waitlist_entry_id"] == waiting.pk
    assert row.context["offer"]["local_start"] == local(DAY, 10).astimezone(location.timezone).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert row.context["offer"]["expires_at"] == (NOW + timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert row.context["profile"]["id"] == str(waiting.profile_id)


def test_without_a_waitlist_offer_target_an_offer_writes_no_notification(place):
    from notifications.models import Notification

    definition, location = place
    appointment = booked(definition, location, 10)
    entry(definition, location, 60)
    appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="token:1", now=NOW)
    assert WaitlistOffer.objects.count() == 1
    assert not Notification.objects.filter(event="waitlist_offer").exists()
