"""NPS and CSAT reports (issue 9 point 5): the arithmetic on a known data set, bucketed by the location's local
dates. The location is in New York (UTC-4 in June): a rating at 02:00 UTC on 2025-06-02 belongs to Sunday
2025-06-01 locally."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from tests.factories import LocationFactory
from tests.questionnaires.factories import RatingFactory

pytestmark = pytest.mark.django_db

NPS = "/api/v3/reports/nps"
CSAT = "/api/v3/reports/csat"


@pytest.fixture
def location():
    return LocationFactory(timezone="America/New_York")


def rate(location, scale, score, when, **kwargs):
    return RatingFactory(location=location, scale=scale, score=score, rated_at=when, **kwargs)


@pytest.fixture
def nps_data(location):
    # Week of Mon 2025-05-26 (locally): the Sunday-evening ratings at 02:00 UTC on Monday 06-02 still count here.
    for score in (10, 9, 9, 2):
        rate(location, "nps", score, datetime(2025, 6, 2, 2, 0, tzinfo=UTC))
    # Week of Mon 2025-06-02: one promoter, two passives, two detractors.
    for score in (10, 8, 7, 6, 0):
        rate(location, "nps", score, datetime(2025, 6, 3, 15, 0, tzinfo=UTC))
    rate(location, "nps", 10, datetime(2025, 6, 9, 3, 59, tzinfo=UTC))  # Sunday 06-08 23:59 local: in the range
    rate(location, "nps", 0, datetime(2025, 6, 9, 4, 0, tzinfo=UTC))  # Monday 06-09 00:00 local: after it
    rate(location, "nps", 0, datetime(2025, 5, 31, 3, 59, tzinfo=UTC))  # Friday 05-30 local: before it
    rate(location, "csat", 5, datetime(2025, 6, 3, 15, 0, tzinfo=UTC))  # another scale
    rate(LocationFactory(), "nps", 0, datetime(2025, 6, 3, 15, 0, tzinfo=UTC))  # another location


def test_nps_by_week_in_local_time(api, location, nps_data, django_assert_num_queries):
    params = {"location_id": location.pk, "start_date": "2025-05-31", "end_date": "2025-06-08", "interval": "week"}
    api.get(NPS, params)  # the token's first use of the minute also stamps last_used_at
    with django_assert_num_queries(3):  # token, location, one aggregate
        response = api.get(NPS, params)

    assert response.status_code == 200, response.json()
    assert response.json()["data"] == {
        "location_id": location.pk, "timezone": "America/New_York", "questionnaire_id": None, "interval": "week",
        "start_date": "2025-05-31", "end_date": "2025-06-08",
        "total": 10, "promoters": 5, "passives": 2, "detractors": 3, "score": 20.0,
        "series": [
            {"start_date": "2025-05-31", "end_date": "2025-06-01", "total": 4, "promoters": 3, "passives": 0,
             "detractors": 1, "score": 50.0},
            {"start_date": "2025-06-02", "end_date": "2025-06-08", "total": 6, "promoters": 2, "passives": 2,
             "detractors": 2, "score": 0.0},
        ],
    }  # fmt: skip


def test_nps_by_day_has_empty_days_with_a_null_score(api, location, nps_data):
    params = {"location_id": location.pk, "start_date": "2025-06-01", "end_date": "2025-06-03", "interval": "day"}
    series = api.get(NPS, params).json()["data"]["series"]
    assert [(b["start_date"], b["total"], b["score"]) for b in series] == [
        ("2025-06-01", 4, 50.0), ("2025-06-02", 0, None), ("2025-06-03", 5, -20.0),
    ]  # fmt: skip


def test_nps_can_be_limited_to_one_questionnaire(api, location):
    rate(location, "nps", 10, datetime(2025, 6, 3, tzinfo=UTC), questionnaire_id=7)
    rate(location, "nps", 0, datetime(2025, 6, 3, tzinfo=UTC), questionnaire_id=8)
    params = {"location_id": location.pk, "start_date": "2025-06-01", "end_date": "2025-06-30", "questionnaire_id": 7}
    data = api.get(NPS, params).json()["data"]
    assert (data["total"], data["score"], data["series"]) == (1, 100.0, [])


def test_csat_is_the_share_of_four_and_five(api, location):
    for score in (5, 4, 4, 3, 1, 2, 5, 5):
        rate(location, "csat", score, datetime(2025, 6, 3, tzinfo=UTC))
    data = api.get(CSAT, {"location_id": location.pk, "start_date": "2025-06-01", "end_date": "2025-06-30",
                          "interval": "month"}).json()["data"]  # fmt: skip
    assert (data["total"], data["satisfied"], data["score"]) == (8, 5, 62.5)
    assert data["series"] == [
        {"start_date": "2025-06-01", "end_date": "2025-06-30", "total": 8, "satisfied": 5, "score": 62.5}
    ]


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        # Issue 16: without location_id the report covers every location; one date alone is still an error.
        ({"location_id": 1, "start_date": "2025-06-01"}, {"end_date": ["Give both dates, or neither for the last 28 days."]}),
        ({"location_id": "L", "start_date": "2025-06-01", "end_date": "2025-06-02"},
         {"location_id": ["A valid integer is required."]}),
        ({"location_id": 1, "start_date": "2025-06-03", "end_date": "2025-06-02"},
         {"end_date": ["end_date must not be before start_date."]}),
        ({"location_id": 1, "start_date": "2025-06-01", "end_date": "2025-06-02", "interval": "hour"},
         {"interval": ['"hour" is not a valid choice.']}),
    ],
)  # fmt: skip
def test_bad_report_parameters_are_422(api, location, params, errors):
    params = {**params, **({"location_id": location.pk} if params.get("location_id") == 1 else {})}
    response = api.get(NPS, params)
    assert response.status_code == 422
    assert response.json()["errors"] == errors


def test_without_a_location_nps_covers_every_location_on_its_own_local_dates(api, location, nps_data):
    # Sydney is UTC+10: 20:00 UTC on 2025-05-31 is Sunday 06-01 there, inside the range; 14:00 UTC on 06-08 is
    # Monday 06-09 in Sydney, after it.
    sydney = LocationFactory(timezone="Australia/Sydney")
    rate(sydney, "nps", 10, datetime(2025, 5, 31, 20, 0, tzinfo=UTC))
    rate(sydney, "nps", 10, datetime(2025, 6, 8, 14, 0, tzinfo=UTC))
    response = api.get(NPS, {"start_date": "2025-05-31", "end_date": "2025-06-08"})
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    # New York's 10 (above), the other location's detractor (nps_data) and Sydney's Sunday promoter.
    assert (data["location_id"], data["timezone"], data["total"], data["promoters"], data["detractors"]) == (
        None, None, 12, 6, 4,
    )  # fmt: skip


def test_without_dates_nps_covers_the_last_28_local_days(api, location):
    # 02:00 UTC on Tue 2025-07-01 is still Mon 06-30 in New York: local today is 06-30, the range 06-03..06-30.
    rate(location, "nps", 10, datetime(2025, 6, 3, 12, 0, tzinfo=UTC))
    rate(location, "nps", 0, datetime(2025, 6, 2, 12, 0, tzinfo=UTC))  # 06-02: one day too early
    with time_machine.travel(datetime(2025, 7, 1, 2, 0, tzinfo=UTC), tick=False):
        data = api.get(NPS, {"location_id": location.pk}).json()["data"]
    assert (data["start_date"], data["end_date"], data["total"], data["score"]) == (
        "2025-06-03",
        "2025-06-30",
        1,
        100.0,
    )


def test_an_unknown_location_is_422(api):
    response = api.get(NPS, {"location_id": 999999, "start_date": "2025-06-01", "end_date": "2025-06-02"})
    assert (response.status_code, response.json()["errors"]) == (422, {"location_id": ["The location does not exist."]})


def test_customers_cannot_read_reports(customer, location):
    response = customer.get(NPS, {"location_id": location.pk, "start_date": "2025-06-01", "end_date": "2025-06-02"})
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
