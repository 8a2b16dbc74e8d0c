"""Staff calendar feeds (docs/customer-links.md "Staff calendar feeds"): parsed by two calendar libraries
(`icalendar` and `ics`), a reschedule is the same event moved, a cancellation is STATUS:CANCELLED, revoked is a 404."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import ics
import pytest
from django.test import Client
from icalendar import Calendar

from appointments.models import CalendarFeed
from appointments.services.feeds import feed_issue, feed_revoke
from appointments.services.lifecycle import appointment_reschedule, appointment_transition
from directory.models import AuditRecord
from tests.appointments.link_world import DAY, NOW, book, local, make_shop
from tests.factories import AppointmentFactory, ProfileFactory, StaffAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    shop = make_shop(requires_staff=True)
    shop.grace = ProfileFactory(first_name="Grace", last_name="Hopper")
    StaffAssignmentFactory(location=shop.location, profile=shop.grace, is_default=True)
    return shop


def fetch(url: str):
    response = Client().get(urlparse(url).path)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def both(body: bytes):
    """The feed as icalendar reads it and as ics reads it: {uid: (start, end, status, sequence, summary)} each."""
    calendar = Calendar.from_ical(body)
    first = {
        str(e["uid"]): (
            e.decoded("dtstart"),
            e.decoded("dtend"),
            str(e["status"]),
            int(e["sequence"]),
            str(e["summary"]),
        )
        for e in calendar.walk("VEVENT")
    }
    parsed = ics.Calendar(body.decode())
    second = {
        e.uid: (e.begin.datetime, e.end.datetime, e.status,
                int(next(x.value for x in e.extra if x.name == "SEQUENCE")), e.name)
        for e in parsed.events
    }  # fmt: skip
    assert first == second
    zone = str(calendar["x-wr-timezone"])
    assert [x.value for x in parsed.extra if x.name == "X-WR-TIMEZONE"] == [zone]
    return first, zone


def test_a_staff_feed_lists_their_appointments_and_follows_a_reschedule_and_a_cancel(shop, at_now):
    _feed, url = feed_issue(staff=shop.grace, name="Grace's phone", created_by="user:1", now=NOW)
    appointment = book(shop, 10)
    uid = f"appointment-{appointment.pk}@appointments.invalid"

    events, zone = both(fetch(url))
    assert zone == "Australia/Melbourne"
    assert events == {uid: (local(DAY, 10), local(DAY, 10, 30), "CONFIRMED", 0, "Fitting \u2013 Ada L.")}

    appointment_reschedule(appointment_id=appointment.pk, start=local(DAY, 11), actor="user:1", now=NOW)
    events, _ = both(fetch(url))
    assert events == {uid: (local(DAY, 11), local(DAY, 11, 30), "CONFIRMED", 1, "Fitting \u2013 Ada L.")}

    appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="user:1", now=NOW)
    events, _ = both(fetch(url))
    assert events == {uid: (local(DAY, 11), local(DAY, 11, 30), "CANCELLED", 2, "Fitting \u2013 Ada L.")}


def test_the_event_names_the_local_time_zone_and_the_place(shop, at_now):
    _feed, url = feed_issue(staff=shop.grace, now=NOW)
    book(shop, 10)

    [event] = Calendar.from_ical(fetch(url)).walk("VEVENT")

    assert str(event["location"]) == "Fitzroy, 1 Smith St, Fitzroy, VIC, 3065"
    assert (
        str(event["description"])
        == "Mon 16 Jun 2025 10:00 AEST (Australia/Melbourne)\nStatus: Confirmed\nWith: Grace Hopper"
    )


@pytest.mark.parametrize(("mode", "summary"), [("first_initial", "Fitting \u2013 Ada L."),
                                               ("full", "Fitting \u2013 Ada Lovelace"), ("none", "Fitting")])  # fmt: skip
def test_the_location_decides_whether_customer_names_appear(shop, at_now, mode, summary):
    shop.location.feed_customer_names = mode
    shop.location.save()
    _feed, url = feed_issue(location=shop.location, now=NOW)
    book(shop, 10)

    events, _ = both(fetch(url))

    assert [value[4] for value in events.values()] == [summary]
    assert ("Lovelace" in fetch(url).decode()) == (mode == "full")


def test_a_feed_covers_thirty_days_back_to_the_advance_limit_and_only_its_own(shop, at_now):
    shop.definition.max_advance_days = 60
    shop.definition.save()
    other_staff = ProfileFactory()
    _feed, url = feed_issue(staff=shop.grace, now=NOW)
    _location_feed, location_url = feed_issue(location=shop.location, now=NOW)

    def make(start, staff):
        return AppointmentFactory(definition=shop.definition, location=shop.location, assigned_staff=staff,
                                  scheduled_start_at=start).pk  # fmt: skip

    inside = [make(NOW - timedelta(days=30), shop.grace), make(NOW + timedelta(days=60, hours=23), shop.grace)]
    outside = [
        make(NOW - timedelta(days=30, minutes=31), shop.grace),
        make(NOW + timedelta(days=61, minutes=1), shop.grace),
    ]
    theirs = make(NOW + timedelta(days=1), other_staff)

    uids = set(both(fetch(url))[0])
    assert uids == {f"appointment-{pk}@appointments.invalid" for pk in inside}
    assert not {f"appointment-{pk}@appointments.invalid" for pk in [*outside, theirs]} & uids
    location_uids = set(both(fetch(location_url))[0])
    assert location_uids == {f"appointment-{pk}@appointments.invalid" for pk in [*inside, theirs]}


def test_only_a_hash_is_stored_and_a_revoked_or_unknown_feed_is_a_404(shop, at_now):
    feed, url = feed_issue(staff=shop.grace, created_by="user:1", now=NOW)
    secret = urlparse(url).path.removeprefix("/feeds/").removesuffix(".ics")
    assert secret.startswith("cf_") and len(secret) > 40
    assert secret not in str(list(CalendarFeed.objects.values_list()))
    assert feed.prefix == secret[:8]
    fetch(url)
    feed.refresh_from_db()
    assert feed.last_used_at == NOW

    feed_revoke(feed, actor="user:1", now=NOW)

    assert Client().get(urlparse(url).path).status_code == 404
    assert Client().get("/feeds/cf_" + "x" * 43 + ".ics").status_code == 404
    assert list(AuditRecord.objects.filter(subject_type="calendar_feed").values_list("action", "actor")) == [
        ("calendar_feed.revoke", "user:1"), ("calendar_feed.issue", "user:1")]  # fmt: skip


def test_a_feed_is_for_one_staff_member_or_one_location(shop):
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        feed_issue(staff=shop.grace, location=shop.location)
    with pytest.raises(ValidationFailed):
        feed_issue()


def test_the_zone_of_a_staff_feed_is_their_default_location(shop, at_now):
    linus = ProfileFactory()
    StaffAssignmentFactory(profile=linus, location=shop.location, is_default=False)
    StaffAssignmentFactory(profile=linus, location__timezone="Australia/Perth", is_default=True)
    nobody = ProfileFactory()

    assert both(fetch(feed_issue(staff=linus, now=NOW)[1]))[1] == "Australia/Perth"
    assert both(fetch(feed_issue(staff=shop.grace, now=NOW)[1]))[1] == "Australia/Melbourne"
    assert both(fetch(feed_issue(staff=nobody, now=NOW)[1]))[1] == "UTC"
