"""The console's report pages (footfall, NPS, the daily report) and date pickers: local-day defaults, one
location or all of the user's, an operator limited to one location sees only it, and CSV downloads."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from appointments.enums import AppointmentStatus as S
from directory.roles import MANAGER, OPERATOR
from tests.appointments.factories import QueueEntryFactory
from tests.console.conftest import console_user
from tests.factories import AppointmentFactory, DefinitionFactory, DefinitionLocationFactory, LocationFactory
from tests.questionnaires.factories import RatingFactory
from tests.visits.factories import VisitFactory

pytestmark = pytest.mark.django_db

# Tuesday 1 Dec 2026 20:00 UTC is Wednesday 2 Dec 07:00 in Melbourne and still Tuesday 1 Dec in London.
NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
# Tuesday 1 Dec 2026, 09:00 AEDT / 09:00 GMT.
NINE_MELBOURNE = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)
NINE_LONDON = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def places():
    melbourne = LocationFactory(name="Melbourne CBD", timezone="Australia/Melbourne")
    london = LocationFactory(name="London Covent Garden", timezone="Europe/London")
    fitting = DefinitionFactory(name="Fitting", duration_minutes=30)
    for place in (melbourne, london):
        DefinitionLocationFactory(definition=fitting, location=place)
    return melbourne, london, fitting


@pytest.fixture
def world(places):
    """Tuesday 1 Dec at both places: Melbourne 3 appointments (one no-show, one completed, one confirmed), 2 visits,
    a promoter and a walk-in who waited 10 minutes and was served in 20; London 1 completed, 1 visit, a detractor."""
    melbourne, london, fitting = places
    for status in (S.NO_SHOW, S.COMPLETED, S.CONFIRMED):
        AppointmentFactory(definition=fitting, location=melbourne, scheduled_start_at=NINE_MELBOURNE, status=status)
    AppointmentFactory(definition=fitting, location=london, scheduled_start_at=NINE_LONDON, status=S.COMPLETED)
    for source in ("queue", "import"):
        VisitFactory(location=melbourne, visited_at=NINE_MELBOURNE, source=source)
    VisitFactory(location=london, visited_at=NINE_LONDON, source="manual")
    RatingFactory(location=melbourne, score=10, rated_at=NINE_MELBOURNE)
    RatingFactory(location=london, score=0, rated_at=NINE_LONDON)
    QueueEntryFactory(definition=fitting, location=melbourne, status="served", created_at=NINE_MELBOURNE,
                      called_at=NINE_MELBOURNE + timedelta(minutes=10),
                      served_at=NINE_MELBOURNE + timedelta(minutes=30))  # fmt: skip
    return places


@pytest.fixture
def operator(login, places):
    return login(console_user("olive", OPERATOR, locations=[places[0]]))


@pytest.fixture
def manager(login):
    return login(console_user("max", MANAGER))


def get(client, name: str, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse(name), params)


def test_the_nps_link_of_the_dashboard_opens_the_last_28_local_days(operator, world):
    melbourne = world[0]
    response = get(operator, "admin:questionnaires_rating_nps", location=melbourne.pk)
    assert response.context["form"].errors == {}
    report = response.context["report"]
    # Melbourne's today is Wed 2 Dec although UTC is still on 1 Dec.
    assert (
        report["start_date"],
        report["end_date"],
    ).__repr__() == "(datetime.date(2026, 11, 5), datetime.date(2026, 12, 2))"
    assert (report["total"], report["score"]) == (1, 100.0)
    assert "This field is required." not in response.content.decode()


def test_the_nps_page_without_a_location_covers_all_of_the_users_locations(operator, manager, world):
    assert (get(manager, "admin:questionnaires_rating_nps").context["report"]["total"]) == 2
    # The operator limited to Melbourne: London's detractor is not theirs, and London is not offered.
    response = get(operator, "admin:questionnaires_rating_nps")
    assert (response.context["report"]["total"], response.context["report"]["score"]) == (1, 100.0)
    assert "London" not in response.content.decode()
    forced = get(operator, "admin:questionnaires_rating_nps", location=world[1].pk)
    assert forced.context["report"] is None and "location" in forced.context["form"].errors


def test_the_nps_csv_has_one_row_per_week(manager, world):
    response = get(manager, "admin:questionnaires_rating_nps", start_date="2026-11-30", end_date="2026-12-06",
                   format="csv")  # fmt: skip
    assert response["Content-Disposition"] == 'attachment; filename="nps.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        ["week_start", "week_end", "ratings", "promoters", "passives", "detractors", "nps"],
        ["2026-11-30", "2026-12-06", "2", "1", "0", "1", "0.0"],
    ]


def test_footfall_defaults_to_local_days_and_sums_the_users_locations(operator, manager, world):
    response = get(operator, "admin:visits_visit_footfall")
    form = response.context["form"]
    assert (form.cleaned_data["start_date"].isoformat(), form.cleaned_data["end_date"].isoformat()) == (
        "2026-11-05", "2026-12-02",
    )  # fmt: skip
    by_day = {row["date"].isoformat(): row["total"] for row in response.context["rows"] if row["total"]}
    assert by_day == {"2026-12-01": 2}
    html = response.content.decode()
    assert 'class="plain" id="footfall-table"' in html and "<h1" in html and ">Footfall<" in html
    assert ">Tue<" in html and ">1 Dec<" in html  # the day under its bar
    assert ">Visits<" in html and ">Local day<" in html  # labelled axes
    everyone = get(manager, "admin:visits_visit_footfall", start_date="2026-12-01", end_date="2026-12-01")
    assert [row["total"] for row in everyone.context["rows"]] == [3]
    csv_rows = list(csv.reader(io.StringIO(get(manager, "admin:visits_visit_footfall", start_date="2026-12-01",
                                               end_date="2026-12-01", format="csv").content.decode())))  # fmt: skip
    assert csv_rows == [
        ["date", "total", "manual", "appointment", "queue", "import"],
        ["2026-12-01", "3", "1", "0", "1", "1"],
    ]


def test_the_daily_report_figures_for_one_location_and_for_all(operator, manager, world):
    response = get(operator, "console_report", start_date="2026-12-01", end_date="2026-12-01")
    summary = response.context["report"]["summary"]
    assert (summary["total"], summary["by_status"]["no_show"], summary["no_show_rate"]) == (3, 1, 0.5)
    assert (summary["average_queue_wait_minutes"], summary["average_service_minutes"]) == (10.0, 20.0)
    assert (summary["visits"], summary["ratings"], summary["nps"]) == (2, 1, 100.0)
    html = response.content.decode()
    assert "London" not in html
    for chart in ("report-appointments", "report-no-shows", "report-queue-wait", "report-service",
                  "report-footfall", "report-nps"):  # fmt: skip
        assert f'<svg id="{chart}"' in html
    everyone = get(manager, "console_report", start_date="2026-12-01", end_date="2026-12-01")
    summary = everyone.context["report"]["summary"]
    assert (summary["total"], summary["no_show_rate"], summary["visits"], summary["nps"]) == (
        4,
        round(1 / 3, 4),
        3,
        0.0,
    )


def test_the_daily_report_csv(manager, world):
    response = get(manager, "console_report", start_date="2026-12-01", end_date="2026-12-02", format="csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["date"], r["appointments"], r["no_show"], r["no_show_rate"], r["average_queue_wait_minutes"],
             r["visits"], r["visits_queue"], r["ratings"], r["nps"]) for r in rows] == [
        ("2026-12-01", "4", "1", "0.3333", "10.0", "3", "1", "2", "0.0"),
        ("2026-12-02", "0", "0", "", "", "0", "0", "0", ""),
    ]  # fmt: skip


def test_the_daily_report_defaults_and_is_linked_from_the_sidebar_and_dashboard(operator, world):
    response = get(operator, "console_report")
    form = response.context["form"]
    assert (form.cleaned_data["start_date"].isoformat(), form.cleaned_data["end_date"].isoformat()) == (
        "2026-11-05", "2026-12-02",
    )  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        dashboard = operator.get(reverse("admin:index")).content.decode()
    assert f'href="/admin/report/?location={world[0].pk}"' in dashboard
    assert 'href="/admin/report/"' in dashboard  # the sidebar


def test_a_user_without_appointments_view_may_not_open_the_report(login, places):
    from django.contrib.auth.models import User

    user = User.objects.create_user("clerk", "clerk@example.com", "pw", is_staff=True)
    assert login(user).get(reverse("console_report")).status_code == 403


def test_date_pickers_default_to_the_locations_local_today(operator, places):
    melbourne, _, fitting = places
    book = get(operator, "admin:appointments_appointment_book")
    assert book.context["search"].initial["date"].isoformat() == "2026-12-02"
    with time_machine.travel(NOW, tick=False):
        preview = operator.get(reverse("admin:appointments_appointmentdefinition_availability", args=[fitting.pk]))
    assert preview.context["form"].initial["date"].isoformat() == "2026-12-02"
