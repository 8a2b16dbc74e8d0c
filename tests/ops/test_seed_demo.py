"""seed_demo: idempotent demo data, a demo token that survives restarts, staff and customers told apart, and the
large data set (a year of appointments in three time zones) that obeys capacity and staff exclusion."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from appointments.demo_large import MARK, seed_large
from appointments.enums import HOLDING_STATUSES, TERMINAL_STATUSES
from appointments.models import Appointment, AppointmentDefinition
from appointments.selectors.reports import capacity_audit
from directory.demo import CUSTOMERS, LOCATIONS, STAFF
from directory.management.commands.seed_demo import DEMO_TOKEN_NAME
from directory.models import ApiToken, Location, LocationNormalHour, Profile, ProfileNormalHour, StaffAssignment
from directory.services.tokens import derived_secret, token_revoke
from tests.appointments.timestamps import FIELDS, out_of_order, out_of_order_counts
from tests.conftest import BearerClient
from tests.factories import AppointmentFactory, LocationFactory

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def printed_token(output: str) -> str:
    match = re.search(r"Authorization: Bearer (\S+)", output)
    assert match, output
    return match.group(1)


def snapshot() -> dict[str, int]:
    return {
        "locations": Location.objects.count(),
        "location_hours": LocationNormalHour.objects.count(),
        "profiles": Profile.objects.count(),
        "staff_hours": ProfileNormalHour.objects.count(),
        "assignments": StaffAssignment.objects.count(),
        "definitions": AppointmentDefinition.objects.count(),
        "users": get_user_model().objects.count(),
        "tokens": ApiToken.objects.count(),
    }


@pytest.fixture(autouse=True)
def demo_env(monkeypatch, settings):
    for name in ("ADMIN_USERNAME", "ADMIN_PASSWORD", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    # Every run sets the admin's password: a fast hasher keeps these tests about the data, not about PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- small ----------------------------------------------------------------------------------------------------------


def test_loads_the_demo_directory_and_prints_the_access():
    output = seed()

    assert set(Location.objects.values_list("handle", flat=True)) == {handle for handle, *_ in LOCATIONS}
    for first, last, email, handle, start, end in STAFF:
        staff = Profile.objects.get(email=email)
        assert (staff.first_name, staff.last_name) == (first, last)
        hours = list(staff.normal_hours.values_list("day_of_week", "available_from", "available_until"))
        assert hours == [(day, start, end) for day in ("MON", "TUE", "WED", "THU", "FRI")]
        assert StaffAssignment.objects.filter(profile=staff, location__handle=handle, is_default=True).count() == 1
    user = get_user_model().objects.get(username="admin")
    assert user.is_staff and user.is_superuser and user.check_password("admin")
    assert "login admin / admin" in output
    assert "http://127.0.0.1:8000/api/docs/" in output
    assert BearerClient(printed_token(output)).get("/api/v3/locations").status_code == 200


def test_profiles_say_whether_they_are_staff_or_customers_and_the_printout_lists_them():
    output = seed()

    roles = dict(Profile.objects.values_list("email", "attributes__role"))
    assert roles == {**{s[2]: "staff" for s in STAFF}, **{c[2]: "customer" for c in CUSTOMERS}}
    staff_part = output.split('Staff (attributes.role = "staff"')[1].split("Customers")[0]
    customer_part = output.split('Customers (attributes.role = "customer"')[1]
    assert [line.split()[2] for line in staff_part.strip().splitlines()[1:]] == [s[2] for s in STAFF]
    assert "ava.nguyen@example.com        Melbourne CBD (Australia/Melbourne)" in staff_part
    for first, last, email in CUSTOMERS:
        profile = Profile.objects.get(email=email)
        assert f"{first} {last}".ljust(16) + email.ljust(30) + str(profile.id) in customer_part


def test_an_existing_profile_gets_its_role_and_keeps_its_other_attributes():
    Profile.objects.create(email="olivia.jones@example.com", first_name="Liv", attributes={"tier": "gold"})

    seed()

    assert Profile.objects.get(email="olivia.jones@example.com").attributes == {"tier": "gold", "role": "customer"}


def test_running_again_changes_nothing_and_the_printed_token_keeps_working():
    first_raw = printed_token(seed())
    before = snapshot()

    second_raw = printed_token(seed())

    assert snapshot() == before
    assert second_raw == first_raw
    assert ApiToken.objects.filter(name=DEMO_TOKEN_NAME).count() == 1
    assert BearerClient(first_raw).get("/api/v3/locations").status_code == 200


def test_the_demo_token_is_derived_from_the_secret_key(settings):
    settings.SECRET_KEY = "one-secret"
    first = printed_token(seed())
    settings.SECRET_KEY = "another-secret"
    second = printed_token(seed())

    assert first == derived_secret("one-secret", f"{DEMO_TOKEN_NAME}:0")
    assert second == derived_secret("another-secret", f"{DEMO_TOKEN_NAME}:0")
    assert first != second
    assert ApiToken.objects.filter(name=DEMO_TOKEN_NAME, revoked_at=None).count() == 2


def test_a_revoked_demo_token_is_not_revived_a_new_one_is_issued():
    first_raw = printed_token(seed())
    token_revoke(ApiToken.objects.get(name=DEMO_TOKEN_NAME))

    second_raw = printed_token(seed())
    third_raw = printed_token(seed())

    assert second_raw != first_raw
    assert third_raw == second_raw
    assert BearerClient(first_raw).get("/api/v3/locations").status_code == 401
    assert BearerClient(second_raw).get("/api/v3/locations").status_code == 200


def test_existing_rows_are_kept_as_they_are():
    existing = LocationFactory(handle="melbourne-cbd", name="Our own name")

    seed()

    existing.refresh_from_db()
    assert existing.name == "Our own name"
    assert Location.objects.filter(handle="melbourne-cbd").count() == 1
    assert not existing.normal_hours.exists()


def test_other_tokens_are_left_alone(api):
    seed()

    assert api.get("/api/v3/locations").status_code == 200


def test_an_unknown_size_is_refused():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="invalid choice: 'huge'"):
        seed("--size", "huge")

    assert not Location.objects.exists()


# --- large ----------------------------------------------------------------------------------------------------------

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 14:00 in Melbourne, 22:00 on 1 December in New York


def small_large(**kwargs):
    """The large generator over a fortnight: every rule it follows, fast enough for SQLite. The small demo (with its
    activity, dated from the clock) is seeded at the same `now` as the large data."""
    with time_machine.travel(NOW, tick=False):
        seed()
    return seed_large(StringIO(), now=NOW, days_before=7, days_after=3, customers=40, quiet=True, **kwargs)


def test_large_data_follows_time_zones_hours_and_the_clock():
    result = small_large()

    rows = list(Appointment.objects.filter(meta__demo=MARK).select_related("location", "definition"))
    assert result.appointments == len(rows) > 300
    assert (result.locations, result.staff, result.customers) == (3, 13, 40)
    assert {row.location.handle for row in rows} == {handle for handle, *_ in LOCATIONS}
    for row in rows:
        local_start = row.scheduled_start_at.astimezone(row.location.timezone)
        local_end = row.scheduled_end_at.astimezone(row.location.timezone)
        assert local_start.weekday() < 5
        assert local_start.hour >= 8 and (local_end.hour, local_end.minute) <= (17, 0), row
        assert row.timezone == row.location.timezone
        if row.scheduled_end_at <= NOW:
            assert row.status in TERMINAL_STATUSES, row
        elif row.scheduled_start_at > NOW:
            assert row.status in (*HOLDING_STATUSES, "cancelled") and row.status != "arrived", row
        if row.status == "completed":
            assert row.arrived_at < row.completed_at == row.scheduled_end_at
        if row.status == "requested":
            assert row.definition.booking_type == "approval_required"
        assert (row.assigned_staff_id is not None) == row.definition.requires_staff
    assert {row.status for row in rows} >= {"completed", "no_show", "cancelled", "confirmed", "requested"}


def test_every_demo_appointment_keeps_its_timestamps_in_order():
    # Issue 19, finding 8: a demo appointment was confirmed a second before it was created.
    small_large()

    rows = list(Appointment.objects.only("status", *FIELDS))

    assert len(rows) > 300
    assert [line for row in rows for line in out_of_order(row)] == []
    assert all(row.created_at <= NOW for row in rows)


def test_large_data_never_overbooks_or_double_books():
    small_large()

    audit = capacity_audit()

    assert audit.checked > 50
    assert (audit.overbookings, audit.clashes) == ([], [])


def test_large_data_works_around_appointments_already_there():
    seed()
    melbourne = Location.objects.get(handle="melbourne-cbd")
    ava = Profile.objects.get(email="ava.nguyen@example.com")
    styling = AppointmentDefinition.objects.get(handle="styling-consultation")
    fitting = AppointmentDefinition.objects.get(handle="fitting")
    tomorrow_10 = datetime(2026, 12, 3, 10, tzinfo=melbourne.timezone).astimezone(UTC)
    ahead = [
        AppointmentFactory(definition=styling, location=melbourne, assigned_staff=ava, scheduled_start_at=start)
        for start in (tomorrow_10 + timedelta(minutes=90 * n) for n in range(4))
    ]
    full = [AppointmentFactory(definition=fitting, location=melbourne, scheduled_start_at=tomorrow_10) for _ in "ab"]

    seed_large(StringIO(), now=NOW, days_before=0, days_after=2, customers=10, quiet=True)

    audit = capacity_audit()
    assert (audit.overbookings, audit.clashes) == ([], [])
    assert Appointment.objects.filter(assigned_staff=ava, meta__demo=MARK).exists()
    assert len(ahead + full) == 6


def test_large_loads_once():
    small_large()
    before = Appointment.objects.count()
    out = StringIO()

    assert seed_large(out, now=NOW, quiet=True) is None

    assert Appointment.objects.count() == before
    assert out.getvalue() == "  Large demo appointments are loaded already: nothing to do."


@pytest.mark.postgres
def test_seed_demo_large_loads_a_year_in_bulk_on_postgres():
    began = time.perf_counter()

    output = seed("--size", "large")

    seconds = time.perf_counter() - began
    print(f"seed_demo --size large: {seconds:.1f}s")  # the budget is a minute; see docs/operations.md
    rows = Appointment.objects.filter(meta__demo=MARK)
    first = rows.order_by("scheduled_start_at").first().scheduled_start_at
    last = rows.order_by("scheduled_start_at").last().scheduled_start_at
    assert 40_000 < rows.count() < 70_000
    assert (last - first).days >= 360
    assert rows.values("location").distinct().count() == 3
    assert Profile.objects.filter(attributes__demo=MARK).count() == 3000
    assert StaffAssignment.objects.count() == 13
    assert AppointmentDefinition.objects.count() == 4
    assert out_of_order_counts(Appointment.objects.all()) == {}  # issue 19, finding 8
    assert f"Large demo: {rows.count()} appointments" in output
    audit = capacity_audit()
    assert (audit.overbookings, audit.clashes) == ([], [])


# --- activity: every console page has something to show ------------------------------------------------------------


def test_the_demo_fills_the_console_pages_with_activity():
    from appointments.enums import OfferStatus, QueueStatus
    from appointments.models import QueueEntry, WaitlistOffer
    from appointments.selectors.queue import queue_entries, queue_figures
    from notifications.models import Notification
    from questionnaires.models import Answer, Rating
    from visits.models import Visit

    seed()

    fitting = AppointmentDefinition.objects.get(handle="fitting")
    assert fitting.created_target.handle == "demo-inbox" and fitting.created_target.channel == "email"
    assert [s.mapping_key for s in fitting.booking_questionnaire.current_version.slots.order_by("sort_order")] == [
        "size", "occasion", "first_visit",
    ]  # fmt: skip
    booked = Appointment.objects.filter(meta__demo="activity")
    assert booked.count() == 8 * len(LOCATIONS)
    for key in ("size", "first_visit"):  # the occasion is sometimes left empty, as customers do
        answered = Answer.objects.filter(slot__mapping_key=key, submission__appointment_id__in=booked.values("pk"))
        assert answered.count() == booked.count()
    assert Notification.objects.filter(subject_type="appointment").exists()
    assert WaitlistOffer.objects.filter(status=OfferStatus.OPEN).count() == len(LOCATIONS)
    for location in Location.objects.all():
        days = set(Rating.objects.filter(location=location).values_list("rated_on", flat=True))
        assert len(days) == 60
        served = QueueEntry.objects.filter(location=location, status=QueueStatus.SERVED).count()
        assert served >= 5 * 9  # two weeks of weekdays, five a day
    assert set(Visit.objects.values_list("source", flat=True)) >= {"manual", "queue", "import"}
    waiting = [entry for entry in queue_entries() if entry.status == QueueStatus.WAITING]
    figures = queue_figures(waiting, now=datetime.now(UTC))
    assert waiting and all(figures[entry.pk].estimated_wait_minutes is not None for entry in waiting)


def test_seeding_again_adds_no_activity_and_keeps_the_console_signed_in(client):
    seed()
    client.force_login(get_user_model().objects.get(username="admin"))  # the session keeps the password's hash
    assert client.get("/admin/").status_code == 200
    counts = (Appointment.objects.count(), AppointmentDefinition.objects.count())

    seed()

    assert (Appointment.objects.count(), AppointmentDefinition.objects.count()) == counts
    assert client.get("/admin/").status_code == 200  # the session survived: the password hash did not change
