"""/targets CRUD (secret write-only, channel rules, safe URLs, templates) and the /notifications outbox list."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from directory.enums import Scope
from notifications.models import Notification, Target
from tests.factories import DefinitionFactory
from tests.notifications.factories import NotificationFactory, TargetFactory

pytestmark = pytest.mark.django_db

TARGETS = "/api/v3/targets"
NOTIFICATIONS = "/api/v3/notifications"
NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    return body


def test_create_a_webhook_target_never_echoes_the_secret(api):
    body = {"name": "CRM", "handle": "crm", "channel": "webhook", "url": "http://127.0.0.1:8080/hook",
            "secret": "s3cret", "template": '{"id": {{ appointment.id }}, "who": "{{ profile.first_name }}"}'}  # fmt: skip

    response = api.post(TARGETS, body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data == {
        "id": data["id"], "name": "CRM", "handle": "crm", "channel": "webhook", "url": "http://127.0.0.1:8080/hook",
        "email": None, "subject": None, "template": body["template"], "has_secret": True, "timeout_seconds": 10,
        "is_active": True, "created_at": data["created_at"], "updated_at": data["updated_at"],
    }  # fmt: skip
    assert "secret" not in api.get(f"{TARGETS}/{data['id']}").json()["data"]
    assert Target.objects.get().secret == "s3cret"


def test_update_keeps_the_secret_unless_given(api):
    target = TargetFactory(secret="old")

    response = api.put(f"{TARGETS}/{target.pk}", {"name": "Renamed"}, format="json")
    assert response.status_code == 200
    target.refresh_from_db()
    assert (target.name, target.secret) == ("Renamed", "old")

    api.put(f"{TARGETS}/{target.pk}", {"secret": None}, format="json")
    target.refresh_from_db()
    assert target.secret == ""


def test_an_email_target_to_the_customer(api):
    response = api.post(TARGETS, {"name": "Customer", "handle": "customer", "channel": "email"}, format="json")

    assert response.status_code == 201, response.json()
    assert (response.json()["data"]["email"], response.json()["data"]["url"]) == (None, None)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"channel": "webhook"}, "url", "A webhook target needs a url."),
        ({"channel": "webhook", "url": "http://127.0.0.1/x", "email": "a@example.com"}, "email",
         "A webhook target has no email address."),
        ({"channel": "email", "url": "http://127.0.0.1/x"}, "url",
         "An email target has no url (leave email empty to write to the customer)."),
        ({"channel": "email", "secret": "x"}, "secret", "Only webhook targets are signed."),
        ({"channel": "sms"}, "channel", '"sms" is not a valid choice.'),
        ({"channel": "webhook", "url": "ftp://example.com/x"}, "url", "The URL must be an http or https URL with a host."),
        ({"channel": "webhook", "url": "http://127.0.0.1/x", "template": "{{ oops"}, "template", None),
        ({"channel": "webhook", "url": "http://127.0.0.1/x", "template": "not json {{ event }}"}, "template", None),
        ({"channel": "email", "template": "{% if %}"}, "template", None),
    ],
)  # fmt: skip
def test_bad_targets_are_422_with_the_envelope(api, body, field, message):
    response = api.post(TARGETS, {"name": "T", "handle": "t", **body}, format="json")

    payload = error(response, 422)
    assert list(payload["errors"]) == [field]
    if message:
        assert payload["errors"][field] == [message]
    assert Target.objects.count() == 0


def test_a_private_url_is_refused_when_private_urls_are_not_allowed(api, settings):
    settings.NOTIFICATIONS_ALLOW_PRIVATE_URLS = False
    for url in ("http://127.0.0.1/x", "http://10.1.2.3/x", "http://169.254.169.254/latest", "http://[::1]/x"):
        response = api.post(TARGETS, {"name": "T", "handle": "t", "channel": "webhook", "url": url}, format="json")
        payload = error(response, 422)
        assert payload["errors"]["url"][0].endswith("resolves to a private or local address (" +
                                                     url.split("/")[2].strip("[]") + ").")  # fmt: skip


def test_unknown_target_is_404_and_a_target_in_use_is_409(api):
    assert error(api.get(f"{TARGETS}/999"), 404)["code"] == "not_found"
    target = TargetFactory()
    DefinitionFactory(reminder_target=target)

    payload = error(api.delete(f"{TARGETS}/{target.pk}"), 409)

    assert payload["code"] == "target_in_use"
    assert Target.objects.filter(pk=target.pk).exists()
    unused = TargetFactory()
    assert api.delete(f"{TARGETS}/{unused.pk}").status_code == 204


def test_definitions_refuse_an_unknown_target(api):
    definition = DefinitionFactory()

    payload = error(api.put(f"/api/v3/appointment-definitions/{definition.pk}", {"created_target_id": 999},
                            format="json"), 422)  # fmt: skip

    assert payload["errors"] == {"created_target_id": ['Invalid pk "999" - object does not exist.']}


def test_targets_need_the_admin_scope(make_integration_client, customer):
    client = make_integration_client(scopes=[Scope.APPOINTMENTS_WRITE])
    assert error(client.get(TARGETS), 403)["code"] == "forbidden"
    assert error(customer.get(NOTIFICATIONS), 403)["code"] == "forbidden"


def test_notifications_list_and_filters(api):
    target, other = TargetFactory(), TargetFactory()
    first = NotificationFactory(target=target, subject_id="41", event="confirmed", due_at=NOW)
    second = NotificationFactory(target=other, subject_id="42", event="reminder", due_at=NOW.replace(day=10),
                                 status="sent", attempts=1, sent_at=NOW.replace(day=10))  # fmt: skip
    NotificationFactory(target=target, subject_type="waitlist_entry", subject_id="41", event="waitlist_offer",
                        due_at=NOW.replace(day=11))  # fmt: skip

    data = api.get(NOTIFICATIONS).json()["data"]
    assert data[0] == {
        "id": first.pk, "notification_id": str(first.uuid), "appointment_id": 41, "subject_type": "appointment",
        "subject_id": "41", "event": "confirmed", "target_id": target.pk, "due_at": "2025-06-09T00:00:00Z",
        "status": "pending", "attempts": 0, "next_attempt_at": "2025-06-09T00:00:00Z", "sent_at": None,
        "last_error": None, "created_at": data[0]["created_at"], "updated_at": data[0]["updated_at"],
    }  # fmt: skip
    assert data[2]["appointment_id"] is None

    def ids(**params):
        response = api.get(NOTIFICATIONS, params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["data"]]

    assert ids(**{"filter[appointment_id]": 41}) == [first.pk]
    assert ids(**{"filter[event]": "reminder"}) == [second.pk]
    assert ids(**{"filter[status]": "sent"}) == [second.pk]
    assert ids(**{"filter[target_id]": other.pk}) == [second.pk]
    assert ids(**{"filter[due_at][gte]": "2025-06-10T00:00:00Z", "filter[due_at][lt]": "2025-06-11T00:00:00Z"}) == [
        second.pk
    ]
    assert ids(sort="-due_at")[0] != first.pk
    assert error(api.get(NOTIFICATIONS, {"filter[nope]": 1}), 422)["errors"]["filter"][0].startswith("Unknown filter")
    assert error(api.get(NOTIFICATIONS, {"filter[due_at][gte]": "soon"}), 422)["code"] == "validation_error"


@pytest.mark.parametrize("count", [1, 25])
def test_notifications_list_query_count_does_not_grow(api, django_assert_max_num_queries, count):
    NotificationFactory.create_batch(count, target=TargetFactory())

    # token, last_used_at, count, page
    with django_assert_max_num_queries(4):
        response = api.get(NOTIFICATIONS, {"page[size]": 100})

    assert len(response.json()["data"]) == count


@pytest.mark.parametrize("count", [1, 25])
def test_targets_list_query_count_does_not_grow(api, django_assert_max_num_queries, count):
    TargetFactory.create_batch(count)

    with django_assert_max_num_queries(4):
        response = api.get(TARGETS, {"page[size]": 100})

    assert len(response.json()["data"]) == count


@pytest.fixture(scope="module")
def schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_responses_match_the_openapi_schema(schema, api):
    from tests.config.test_openapi_schema import assert_documented

    target = TargetFactory(secret="x")
    NotificationFactory(target=target, status="failed", attempts=6, last_error="HTTP 500: boom")
    body = {"name": "E", "handle": "e", "channel": "email"}
    used = TargetFactory()
    DefinitionFactory(created_target=used)
    cases = [
        ("GET", TARGETS, api.get(TARGETS), 200),
        ("POST", TARGETS, api.post(TARGETS, body, format="json"), 201),
        ("POST", TARGETS, api.post(TARGETS, {"name": "W", "handle": "w", "channel": "webhook"}, format="json"), 422),
        ("GET", TARGETS + "/{id}", api.get(f"{TARGETS}/{target.pk}"), 200),
        ("PUT", TARGETS + "/{id}", api.put(f"{TARGETS}/{target.pk}", {"is_active": False}, format="json"), 200),
        ("GET", TARGETS + "/{id}", api.get(f"{TARGETS}/999999"), 404),
        ("DELETE", TARGETS + "/{id}", api.delete(f"{TARGETS}/{used.pk}"), 409),
        ("GET", NOTIFICATIONS, api.get(NOTIFICATIONS), 200),
        ("GET", NOTIFICATIONS, api.get(NOTIFICATIONS, {"filter[due_at][gte]": "soon"}), 422),
        ("GET", NOTIFICATIONS + "/{id}", api.get(f"{NOTIFICATIONS}/{Notification.objects.get().pk}"), 200),
    ]
    for method, path, response, status in cases:
        assert response.status_code == status, (path, response.json())
        assert_documented(schema, method, path, response)
    assert api.delete(f"{TARGETS}/{Target.objects.get(handle='e').pk}").status_code == 204
