"""The console's pages in the location's local time: lists, filters, change pages, dashboard, day schedule,
booking and rescheduling from free slots, and exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.urls import reverse

from appointments.enums import AppointmentStatus as S
from appointments.models import Appointment
from directory.enums import DayOfWeek
from directory.models import Profile
from directory.roles import OPERATOR
from tests.console.conftest import console_user
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    LocationFactory,
    LocationNormalHourFactory,
    ProfileFactory,
    StaffAssignmentFactory,
)

pytestmark = pytest.mark.django_db

# Tuesday 1 Dec 2026 20:00 UTC is Wednesday 2 Dec 07:00 in Melbourne (AEDT, UTC+11).
NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
# Wednesday 2 Dec 09:00 AEDT.
NINE_AEDT = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


@pytest.fixture
def melbourne():
    location = LocationFactory(name="Melbourne CBD", handle="melbourne", timezone="Australia/Melbourne", address=None)
    LocationNormalHourFactory(location=location, day_of_week=DayOfWeek.WED, open_at=time(8), close_at=time(18))
    definition = DefinitionFactory(name="Fitting", handle="fitting", duration_minutes=30, max_concurrent_bookings=1)
    DefinitionLocationFactory(definition=definition, location=location)
    DefinitionNormalHourFactory(
        definition=definition, day_of_week=DayOfWeek.WED, available_from=time(9), available_until=time(11)
    )
    return location, definition


@pytest.fixture
def client(login):
    return login(console_user("olive", OPERATOR))


def listed(client, **params) -> list[int]:
    response = client.get(reverse("admin:appointments_appointment_changelist"), params)
    return [row.pk for row in response.context["cl"].result_list]


def test_the_day_filter_uses_each_locations_local_day(client, melbourne):
    location, definition = melbourne
    nine = AppointmentFactory(definition=definition, location=location, scheduled_start_at=NINE_AEDT)
    with time_machine.travel(NOW, tick=False):
        assert listed(client, day="2026-12-02") == [nine.pk]
        assert listed(client, day="2026-12-01") == []
        assert listed(client, day="today") == [nine.pk]
        assert listed(client, day="yesterday") == []
        assert listed(client, day="next7") == [nine.pk]


def test_the_list_and_change_page_show_local_times_with_the_zone(client, melbourne):
    location, definition = melbourne
    appointment = AppointmentFactory(
        definition=definition, location=location, scheduled_start_at=NINE_AEDT, confirmed_at=NINE_AEDT
    )
    listing = client.get(reverse("admin:appointments_appointment_changelist")).content.decode()
    assert "Wed 02 Dec 2026 09:00 AEDT" in listing
    page = client.get(reverse("admin:appointments_appointment_change", args=[appointment.pk])).content.decode()
    assert f"#{appointment.pk} Fitting Wed 02 Dec 2026 09:00 AEDT (confirmed)" in page
    assert "Wed 02 Dec 2026 09:30 AEDT" in page  # the end
    assert "Australia/Melbourne" in page
    assert " UTC" not in page


def test_the_staff_filter_lists_each_staff_member_once(client, melbourne):
    location, definition = melbourne
    staff = ProfileFactory(first_name="Noah", last_name="Brown")
    for hour in (22, 23):
        AppointmentFactory(
            definition=definition, location=location, assigned_staff=staff,
            scheduled_start_at=datetime(2026, 12, 1, hour, tzinfo=UTC),
        )  # fmt: skip
    response = client.get(reverse("admin:appointments_appointment_changelist"))
    spec = next(f for f in response.context["cl"].filter_specs if f.title == "assigned staff")
    assert [label for _, label in spec.lookup_choices] == ["Noah Brown"]


def test_the_location_page_shows_empty_fields_empty(login, melbourne, django_user_model):
    location, _ = melbourne
    StaffAssignmentFactory(location=location, excluded_service_handles=[])
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    page = login(boss).get(reverse("admin:directory_location_change", args=[location.pk])).content.decode()
    assert ">null<" not in page
    assert ">[]<" not in page and 'value="[]"' not in page


def test_the_dashboard_counts_the_locations_local_day_and_links_to_the_lists(client, melbourne):
    location, definition = melbourne

    def at(hour_utc: int, status: str, day: int = 1):
        return AppointmentFactory(
            definition=definition, location=location, status=status,
            scheduled_start_at=datetime(2026, 12, day, hour_utc, tzinfo=UTC),
        )  # fmt: skip

    at(22, S.CONFIRMED)  # 09:00 on the 2nd: still to come
    at(23, S.REQUESTED)  # 10:00 on the 2nd: still to come and awaiting approval
    at(23, S.REQUESTED, day=5)  # a later day: awaiting approval only
    at(19, S.ARRIVED)  # 06:00 on the 2nd
    at(14, S.COMPLETED)  # 01:00 on the 2nd
    at(12, S.NO_SHOW)  # 23:00 on the 1st: yesterday in Melbourne
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("admin:index"))
    (panel,) = response.context["console_panels"]
    (title, cards), *_ = panel["sections"]
    assert title == "Appointments"
    assert {card.label: card.value for card in cards} == {
        "Still to come today": 2, "Awaiting approval": 2, "Arrived": 1, "Completed": 1, "No-shows": 0,
    }  # fmt: skip
    arrived = next(card for card in cards if card.label == "Arrived")
    assert arrived.url == (
        f"{reverse('admin:appointments_appointment_changelist')}?location__id__exact={location.pk}"
        "&day=2026-12-02&status__exact=arrived"
    )
    with time_machine.travel(NOW, tick=False):
        assert len(listed(client, **dict(pair.split("=") for pair in arrived.url.split("?")[1].split("&")))) == 1


def test_the_day_schedule_puts_appointments_in_staff_lanes(client, melbourne, django_assert_max_num_queries):
    location, definition = melbourne
    noah = ProfileFactory(first_name="Noah", last_name="Brown")
    StaffAssignmentFactory(location=location, profile=noah)
    with_staff = AppointmentFactory(
        definition=definition, location=location, assigned_staff=noah, scheduled_start_at=NINE_AEDT
    )
    pooled = AppointmentFactory(definition=definition, location=location, scheduled_start_at=NINE_AEDT)
    AppointmentFactory(definition=definition, location=location, scheduled_start_at=datetime(2026, 12, 3, tzinfo=UTC))
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("admin:appointments_appointment_day"), {"location": location.pk})
    lanes = {row["lane"].title: [b["appointment"].pk for b in row["blocks"]] for row in response.context["lanes"]}
    assert lanes == {"Noah Brown": [with_staff.pk], "No staff: Fitting": [pooled.pk]}
    assert response.context["day"].isoformat() == "2026-12-02"
    block = response.context["lanes"][0]["blocks"][0]
    assert [label for _, label in block["moves"]] == ["Check in", "Complete", "No-show", "Cancel"]
    assert [hour["label"] for hour in response.context["hours"]][:2] == ["08:00", "09:00"]


@pytest.mark.parametrize("count", [1, 20])
def test_the_day_schedule_reads_a_fixed_number_of_queries(client, melbourne, django_assert_max_num_queries, count):
    location, definition = melbourne
    for minute in range(count):
        AppointmentFactory(
            definition=definition, location=location,
            scheduled_start_at=NINE_AEDT.replace(minute=minute), assigned_staff=ProfileFactory(),
        )  # fmt: skip
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(14):
        response = client.get(reverse("admin:appointments_appointment_day"), {"location": location.pk})
    assert sum(len(row["blocks"]) for row in response.context["lanes"]) == count


def test_the_move_buttons_call_the_lifecycle_service(client, melbourne):
    location, definition = melbourne
    requested = AppointmentFactory(
        definition=definition, location=location, status=S.REQUESTED, scheduled_start_at=NINE_AEDT
    )
    url = reverse("admin:appointments_appointment_move", args=[requested.pk])
    day = reverse("admin:appointments_appointment_day") + f"?location={location.pk}"
    with time_machine.travel(NOW, tick=False):
        response = client.post(url, {"to": S.CONFIRMED, "next": day})
        assert response.status_code == 302 and response["Location"] == day
        refused = client.post(url, {"to": S.REJECTED, "next": "https://evil.example/"}, follow=True)
    requested.refresh_from_db()
    assert requested.status == S.CONFIRMED
    assert requested.approved_by.startswith("user:")
    assert list(requested.events.values_list("from_status", "to_status")) == [("requested", "confirmed")]
    assert refused.redirect_chain[0][0] == reverse("admin:appointments_appointment_change", args=[requested.pk])
    assert "Cannot move from confirmed to rejected" in refused.content.decode()


def test_booking_from_free_slots_creates_the_customer_and_books_through_the_service(client, melbourne):
    location, definition = melbourne
    search = {"definition": definition.pk, "location": location.pk, "date": "2026-12-02"}
    url = reverse("admin:appointments_appointment_book")
    with time_machine.travel(NOW, tick=False):
        page = client.get(url, search)
        assert [slot.local_start.strftime("%H:%M") for slot in page.context["slots"]] == [
            "09:00", "09:30", "10:00", "10:30"
        ]  # fmt: skip
        chosen = {**search, "slot": "2026-12-01T22:30:00+00:00"}
        missing = client.post(f"{url}?definition={definition.pk}&location={location.pk}&date=2026-12-02&slot="
                              "2026-12-01T22:30:00%2B00:00", {})  # fmt: skip
        assert missing.context["errors"] == ["Give the customer's name or email."]
        booked = client.post(
            url + "?" + "&".join(f"{k}={v}".replace("+", "%2B") for k, v in chosen.items()),
            {"first_name": "Olivia", "last_name": "Jones", "email": "olivia@example.com", "notes": "Walks slowly"},
        )
    appointment = Appointment.objects.get()
    assert booked.status_code == 302
    assert booked["Location"] == reverse("admin:appointments_appointment_change", args=[appointment.pk])
    assert (appointment.scheduled_start_at, appointment.status) == (
        datetime(2026, 12, 1, 22, 30, tzinfo=UTC),
        S.CONFIRMED,
    )
    assert (appointment.profile.email, appointment.notes) == ("olivia@example.com", "Walks slowly")
    assert Profile.objects.count() == 1
    assert list(appointment.events.values_list("kind", "actor")) == [("created", f"user:{page.wsgi_request.user.pk}")]


def test_booking_a_taken_slot_shows_the_services_error_and_writes_nothing(client, melbourne):
    location, definition = melbourne
    customer = ProfileFactory(first_name="Olivia")
    AppointmentFactory(definition=definition, location=location, scheduled_start_at=NINE_AEDT)
    url = (f"{reverse('admin:appointments_appointment_book')}?definition={definition.pk}&location={location.pk}"
           "&date=2026-12-02&slot=2026-12-01T22:00:00%2B00:00&q=oliv")  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        page = client.get(url)
        assert [profile.pk for profile in page.context["matches"]] == [customer.pk]
        response = client.post(url, {"profile": str(customer.pk)})
    assert response.status_code == 200
    assert response.context["errors"] == ["That slot is fully booked: every place is taken. Pick another slot."]
    assert Appointment.objects.count() == 1


def test_a_missing_answer_names_its_question_and_staff_are_those_of_the_chosen_location(client, melbourne):
    from tests.factories import StaffAssignmentFactory
    from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory

    location, definition = melbourne
    size = QuestionFactory(handle="size", label="Your size?", type="text")
    definition.booking_questionnaire = QuestionnaireFactory(
        purpose="booking", questions=[{"mapping_key": "size", "question_id": size.pk, "is_required": True}]
    )
    definition.save()
    here = StaffAssignmentFactory(location=location, profile=ProfileFactory(first_name="Ava")).profile
    elsewhere = LocationFactory(name="New York", timezone="America/New_York")
    StaffAssignmentFactory(location=elsewhere, profile=ProfileFactory(first_name="Noah"))
    customer = ProfileFactory(first_name="Olivia")
    url = (f"{reverse('admin:appointments_appointment_book')}?definition={definition.pk}&location={location.pk}"
           "&date=2026-12-02&slot=2026-12-01T22:00:00%2B00:00")  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        page = client.get(url)
        assert list(page.context["search"].fields["staff"].queryset) == [here]
        response = client.post(url, {"profile": str(customer.pk)})

    assert response.status_code == 200
    assert response.context["errors"] == ["“Your size?”: This question is required."]
    assert Appointment.objects.count() == 0


def test_rescheduling_from_free_slots_moves_the_appointment(client, melbourne):
    location, definition = melbourne
    appointment = AppointmentFactory(definition=definition, location=location, scheduled_start_at=NINE_AEDT)
    url = reverse("admin:appointments_appointment_reschedule", args=[appointment.pk])
    with time_machine.travel(NOW, tick=False):
        page = client.get(url)
        assert [slot.local_start.strftime("%H:%M") for slot in page.context["slots"]] == ["09:30", "10:00", "10:30"]
        response = client.post(url, {"slot": "2026-12-01T23:30:00+00:00"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.scheduled_start_at == datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    assert list(appointment.events.values_list("kind", flat=True)) == ["rescheduled"]


def test_the_availability_preview_links_each_slot_to_the_booking_page(login, melbourne, django_user_model):
    location, definition = melbourne
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    url = reverse("admin:appointments_appointmentdefinition_availability", args=[definition.pk])
    with time_machine.travel(NOW, tick=False):
        page = login(boss).get(url, {"location": location.pk, "date": "2026-12-02"}).content.decode()
    assert (
        f"{reverse('admin:appointments_appointment_book')}?definition={definition.pk}&location={location.pk}"
        "&date=2026-12-02&slot=2026-12-02T09%3A00%3A00%2B11%3A00" in page.replace("&amp;", "&")
    )


def test_appointments_export_from_the_list_to_csv_and_excel_in_local_time(client, melbourne):
    location, definition = melbourne
    appointment = AppointmentFactory(definition=definition, location=location, scheduled_start_at=NINE_AEDT)
    AppointmentFactory(definition=definition, location=location, scheduled_start_at=datetime(2026, 12, 3, tzinfo=UTC))
    changelist = reverse("admin:appointments_appointment_changelist")
    form = client.post(changelist, {"action": "export_admin_action", "_selected_action": [appointment.pk]})
    formats = dict(re.findall(r'<option value="(\d+)"[^>]*>\s*(\w+)\s*</option>', form.content.decode()))
    by_name = {name: value for value, name in formats.items()}
    assert {"csv", "xlsx"} <= set(by_name)

    def export(name: str):
        return client.post(
            f"{changelist}export/", {"format": by_name[name], "resource": "0", "export_items": [appointment.pk]}
        )

    rows = list(csv.DictReader(io.StringIO(export("csv").content.decode())))
    assert [(row["id"], row["local_start"], row["timezone"], row["location"]) for row in rows] == [
        (str(appointment.pk), "2026-12-02 09:00", "Australia/Melbourne", "Melbourne CBD")
    ]
    workbook = export("xlsx")
    assert workbook["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert workbook.content[:2] == b"PK"


def test_booking_from_free_slots_answers_the_booking_questionnaire(client, melbourne):
    from appointments.models import Appointment as Booked
    from questionnaires.models import Answer
    from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory

    location, definition = melbourne
    size = QuestionFactory(handle="size", label="Your size?", type="single_select",
                           options=[{"value": "s", "label": "Small"}, {"value": "m", "label": "Medium"}])  # fmt: skip
    gift = QuestionFactory(handle="gift", label="Gift wrap?", type="boolean")
    definition.booking_questionnaire = QuestionnaireFactory(
        name="Fitting form", purpose="booking",
        questions=[{"mapping_key": "size", "question_id": size.pk, "is_required": True},
                   {"mapping_key": "gift", "question_id": gift.pk}],
    )  # fmt: skip
    definition.save()
    url = (f"{reverse('admin:appointments_appointment_book')}?definition={definition.pk}&location={location.pk}"
           "&date=2026-12-02&slot=2026-12-01T22:00:00%2B00:00")  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        page = client.get(url)
        assert 'name="answer-size"' in page.content.decode() and "Your size?" in page.content.decode()
        missing = client.post(url, {"first_name": "Olivia"})
        assert missing.context["errors"] == ["“Your size?”: This question is required."]
        assert Booked.objects.count() == 0 and Profile.objects.count() == 0
        booked = client.post(url, {"first_name": "Olivia", "answer-size": "m", "answer-gift": "true"})
    assert booked.status_code == 302
    appointment = Booked.objects.get()
    assert appointment.questionnaire_version_id == definition.booking_questionnaire.current_version_id
    assert sorted((a.slot.mapping_key, a.value) for a in Answer.objects.select_related("slot")) == [
        ("gift", True), ("size", "m")
    ]  # fmt: skip
