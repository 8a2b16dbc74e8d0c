"""Managers issue and revoke staff calendar feeds in the console (docs/console.md "Calendar feeds")."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from appointments.models import CalendarFeed
from tests.factories import LocationFactory, ProfileFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/appointments/calendarfeed/add/"
LIST = "/admin/appointments/calendarfeed/"


def test_a_manager_issues_a_feed_sees_its_url_once_and_revokes_it(manager_client):
    staff = ProfileFactory(first_name="Grace", last_name="Hopper")

    added = manager_client.post(ADD, {"name": "Grace's phone", "staff": str(staff.pk), "location": ""}, follow=True)

    [message] = [str(m) for m in added.context["messages"] if str(m).startswith("Feed created")]
    url = re.fullmatch(r"Feed created\. Copy its URL now, it will not be shown again: (\S+)", message)[1]
    assert url.startswith("http://127.0.0.1:8000/feeds/cf_") and url.endswith(".ics")
    path = url.removeprefix("http://127.0.0.1:8000")
    feed = CalendarFeed.objects.get()
    assert (feed.staff_id, feed.name, feed.created_by) == (
        staff.pk,
        "Grace's phone",
        f"user:{added.context['user'].pk}",
    )
    assert Client().get(path).status_code == 200
    listed = manager_client.get(LIST).content.decode()
    assert feed.prefix in listed and path not in listed
    assert path not in manager_client.get(f"{LIST}{feed.pk}/change/").content.decode()

    revoked = manager_client.post(LIST, {"action": "revoke", "_selected_action": [feed.pk]}, follow=True)

    assert "Revoked 1 feed(s)" in revoked.content.decode()
    assert Client().get(path).status_code == 404


def test_a_feed_needs_exactly_one_of_staff_and_location(manager_client):
    both = manager_client.post(ADD, {"name": "x", "staff": str(ProfileFactory().pk),
                                     "location": str(LocationFactory().pk)})  # fmt: skip
    neither = manager_client.post(ADD, {"name": "x", "staff": "", "location": ""})

    for response in (both, neither):
        assert response.status_code == 200
        assert "Pick a staff member or a location (one of the two)." in response.content.decode()
    assert CalendarFeed.objects.count() == 0


def test_operators_cannot_see_or_issue_feeds(operator_client):
    assert operator_client.get(LIST).status_code == 403
    assert operator_client.post(ADD, {"name": "x", "staff": str(ProfileFactory().pk)}).status_code == 403
    assert CalendarFeed.objects.count() == 0


def test_the_location_page_has_the_feed_names_setting(manager_client):
    location = LocationFactory()

    page = manager_client.get(f"/admin/directory/location/{location.pk}/change/").content.decode()

    assert 'name="feed_customer_names"' in page
    assert "First name and initial (Ada L.)" in page
