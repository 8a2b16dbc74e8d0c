"""The console pages of this feature without a browser: the queue board, its moves, the waitlist actions, the
dashboard cards, the visits list and the footfall page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.dashboard import queue_cards
from appointments.models import QueueEntry, WaitlistEntry, WaitlistOffer
from tests.appointments.factories import QueueEntryFactory, WaitlistEntryFactory
from tests.factories import AppointmentFactory, DefinitionFactory, LocationFactory, ProfileFactory
from tests.visits.factories import VisitFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 16, 0, 0, tzinfo=UTC)


def board_url(location) -> str:
    return f"/admin/appointments/queueentry/board/{location.pk}/"


@pytest.mark.parametrize("count", [1, 50])
def test_board_lists_waiting_and_called_in_order_with_a_constant_query_count(admin_client, count):
    location = LocationFactory(timezone="Australia/Melbourne")
    definition = DefinitionFactory(allow_walk_in=True, allow_queue=True, duration_minutes=10)
    entries = [QueueEntryFactory(definition=definition, location=location, profile=ProfileFactory(),
                                 created_at=NOW + timedelta(minutes=n)) for n in range(count)]  # fmt: skip
    QueueEntryFactory(definition=definition, location=location, status="served")
    admin_client.get(f"{board_url(location)}rows/")

    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(f"{board_url(location)}rows/")

    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f'data-entry="{entry.pk}"') for entry in entries]
    assert positions == sorted(positions)
    assert html.count('class="queue-row"') == count
    assert len(captured.captured_queries) == 6  # session, user, entries (with positions), service times, staff x2


def test_board_buttons_move_entries_through_the_service(admin_client):
    location = LocationFactory()
    definition = DefinitionFactory(allow_walk_in=True, allow_queue=True)
    first = QueueEntryFactory(definition=definition, location=location, created_at=NOW)
    second = QueueEntryFactory(definition=definition, location=location, created_at=NOW + timedelta(minutes=1))
    move = f"{board_url(location)}move/"

    admin_client.post(move, {"move": "call_next", "definition": definition.pk})
    admin_client.post(move, {"move": "serve", "entry": first.pk})
    admin_client.post(move, {"move": "cancel", "entry": second.pk})
    refused = admin_client.post(move, {"move": "return", "entry": second.pk}, follow=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("served", "cancelled")
    assert "Cannot move from cancelled to waiting" in refused.content.decode()
    assert [e.actor.startswith("user:") for e in first.events.all()] == [True, True]


def test_waitlist_actions_fulfil_and_cancel_through_the_service(admin_client):
    entry = WaitlistEntryFactory()
    AppointmentFactory(definition=entry.definition, location=entry.location, profile=entry.profile)
    lonely = WaitlistEntryFactory()
    url = "/admin/appointments/waitlistentry/"

    response = admin_client.post(url, {"action": "fulfil_with_their_appointment",
                                       "_selected_action": [entry.pk, lonely.pk]}, follow=True)  # fmt: skip

    assert WaitlistEntry.objects.get(pk=entry.pk).status == "fulfilled"
    assert WaitlistEntry.objects.get(pk=lonely.pk).status == "active"
    assert "no booked appointment" in response.content.decode()
    admin_client.post(url, {"action": "cancel_entries", "_selected_action": [lonely.pk]})
    assert WaitlistEntry.objects.get(pk=lonely.pk).status == "cancelled"
    assert admin_client.get(url).status_code == 200


def test_dashboard_cards_per_location(rf, admin_user):
    location = LocationFactory(name="CBD")
    definition = DefinitionFactory(allow_walk_in=True, allow_queue=True, allow_waitlist=True)
    QueueEntryFactory(definition=definition, location=location, created_at=NOW - timedelta(minutes=42))
    QueueEntryFactory(definition=definition, location=location, created_at=NOW - timedelta(minutes=5))
    QueueEntryFactory(definition=definition, location=location, status="called", created_at=NOW - timedelta(hours=2))
    entry = WaitlistEntryFactory(definition=definition, location=location)
    WaitlistOffer.objects.create(entry=entry, definition=definition, location=location, start_at=NOW, end_at=NOW,
                                 occupancy_start=NOW, occupancy_end=NOW, offered_at=NOW, expires_at=NOW)  # fmt: skip
    request = rf.get("/admin/")
    request.user = admin_user

    with time_machine.travel(NOW, tick=False):
        cards = queue_cards(request, location, NOW.date())

    assert [(card.label, card.value, card.tone) for card in cards] == [
        ("Waiting", 2, ""), ("Longest wait (min)", 42, "warning"), ("Open waitlist offers", 1, ""),
    ]  # fmt: skip


def test_visits_list_and_footfall_page(admin_client):
    location = LocationFactory(timezone="Australia/Melbourne", name="CBD")
    VisitFactory(location=location, visited_at=datetime(2025, 6, 15, 1, 0, tzinfo=UTC), source="import")
    VisitFactory(location=location, visited_at=datetime(2025, 6, 15, 2, 0, tzinfo=UTC), source="queue")
    VisitFactory(location=location, visited_at=datetime(2025, 6, 16, 2, 0, tzinfo=UTC), source="queue")

    listed = admin_client.get("/admin/visits/visit/?source__exact=queue")
    assert listed.status_code == 200
    assert "Sun 15 Jun 2025 12:00 AEST" in listed.content.decode()

    page = admin_client.get(f"/admin/visits/visit/footfall/?location={location.pk}&start_date=2025-06-15"
                            "&end_date=2025-06-16").content.decode()  # fmt: skip

    assert 'data-date="2025-06-15" data-total="2"' in page
    assert 'data-date="2025-06-16" data-total="1"' in page
    assert 'data-source="queue" data-count="1"' in page
    bars = re.findall(r'class="chart-bar footfall-bar" data-source="(\w+)" data-count="(\d+)" x="[^"]*" y="[^"]*" '
                      r'width="[^"]*" height="([^"]*)"', page)  # fmt: skip
    assert sorted((source, count) for source, count, _ in bars) == [("import", "1"), ("queue", "1"), ("queue", "1")]
    heights = {float(height) for _, _, height in bars}
    assert len(heights) == 1 and heights.pop() > 0  # each bar is one visit, drawn to the same scale
    assert "<script" not in page.split('id="footfall-chart"')[1].split("</svg>")[0]
    assert QueueEntry.objects.count() == 0


def test_board_index_lists_the_locations_and_boards_of_others_are_404_for_limited_operators(admin_client):
    first, second = LocationFactory(name="Alpha"), LocationFactory(name="Beta")
    page = admin_client.get("/admin/appointments/queueentry/board/").content.decode()
    assert f"/admin/appointments/queueentry/board/{first.pk}/" in page
    assert f"/admin/appointments/queueentry/board/{second.pk}/" in page
    assert admin_client.get(board_url(first)).status_code == 200
    assert admin_client.get("/admin/appointments/queueentry/board/999999/").status_code == 404


def test_schema_describes_the_new_operations_with_their_bodies_and_errors(api):
    schema = api.get("/api/schema/?format=json").json()
    paths, components = schema["paths"], schema["components"]["schemas"]

    def body(path, method, status):
        return paths[path][method]["responses"][status]["content"]["application/json"]["schema"]

    for path, method, success in [
        ("/api/v3/appointment-waitlists", "post", "201"),
        ("/api/v3/appointment-waitlists/{id}", "put", "200"),
        ("/api/v3/appointment-waitlists/{id}/claim", "post", "201"),
        ("/api/v3/appointment-waitlists/{id}/decline", "post", "200"),
        ("/api/v3/appointment-queues", "post", "201"),
        ("/api/v3/appointment-queues/{id}/convert", "post", "201"),
        ("/api/v3/visits", "post", "201"),
        ("/api/v3/reports/footfall", "get", "200"),
        ("/api/v3/reports/appointments", "get", "200"),
    ]:
        responses = paths[path][method]["responses"]
        assert success in responses, (path, method)
        for code in ("401", "403", "429"):
            assert body(path, method, code) == {"$ref": "#/components/schemas/ErrorEnvelope"}, (path, method, code)
    claimed = body("/api/v3/appointment-waitlists/{id}/claim", "post", "201")
    assert claimed["properties"]["data"] == {"$ref": "#/components/schemas/Appointment"}
    entry = body("/api/v3/appointment-waitlists", "post", "201")["properties"]["data"]["$ref"].rsplit("/", 1)[1]
    assert {"offered_at", "offer_expires_at", "offered_start_at"} <= set(components[entry]["properties"])
    queued = body("/api/v3/appointment-queues", "post", "201")["properties"]["data"]["$ref"].rsplit("/", 1)[1]
    assert {"position", "estimated_wait_minutes"} <= set(components[queued]["properties"])
    footfall = body("/api/v3/reports/footfall", "get", "200")["$ref"].rsplit("/", 1)[1]
    assert set(components[footfall]["properties"]) == {"data", "meta"}


def test_a_limited_operator_sees_only_their_locations_boards_lists_and_cards(client, django_user_model):
    from django.contrib.auth.models import Permission

    from directory.models import OperatorAccess

    mine, other = LocationFactory(name="Mine"), LocationFactory(name="Other")
    definition = DefinitionFactory(allow_walk_in=True, allow_queue=True, allow_waitlist=True)
    QueueEntryFactory(definition=definition, location=mine, created_at=NOW)
    hidden = QueueEntryFactory(definition=definition, location=other, created_at=NOW)
    WaitlistEntryFactory(definition=definition, location=other)
    user = django_user_model.objects.create_user("olive", "o@example.com", "pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(
        codename__in=["view_queueentry", "change_queueentry", "view_waitlistentry", "view_visit"]))  # fmt: skip
    OperatorAccess.objects.create(user=user).locations.set([mine])
    client.force_login(user)

    assert client.get(board_url(mine)).status_code == 200
    assert client.get(board_url(other)).status_code == 404
    assert client.post(f"{board_url(other)}move/", {"move": "cancel", "entry": hidden.pk}).status_code == 404
    hidden.refresh_from_db()
    assert hidden.status == "waiting"
    listed = client.get("/admin/appointments/queueentry/").context_data["cl"].result_list
    assert [entry.location_id for entry in listed] == [mine.pk]
    assert client.get("/admin/appointments/waitlistentry/").context_data["cl"].result_count == 0
    request = type("R", (), {"user": user})()
    cards = queue_cards(request, None, NOW.date())
    assert [card.label for card in cards] == ["Waiting · Mine", "Longest wait (min) · Mine",
                                              "Open waitlist offers · Mine"]  # fmt: skip


def test_adding_and_changing_a_visit_in_the_console_goes_through_the_service(admin_client):
    from visits.models import Visit

    location = LocationFactory(timezone="Australia/Melbourne")
    form = {"location": location.pk, "visited_at_0": "2025-06-15", "visited_at_1": "00:30:00",
            "timezone": "Australia/Melbourne", "source": "manual", "tags": '["door"]', "external_id": "DOOR-1",
            "type": "", "notes": ""}  # fmt: skip

    response = admin_client.post("/admin/visits/visit/add/", form)

    assert response.status_code == 302, response.content.decode()[-2000:]
    visit = Visit.objects.get()
    assert (visit.external_id, visit.location_id, visit.tags) == ("DOOR-1", location.pk, ["door"])
    duplicate = admin_client.post("/admin/visits/visit/add/", form)
    assert duplicate.status_code == 200 and Visit.objects.count() == 1
