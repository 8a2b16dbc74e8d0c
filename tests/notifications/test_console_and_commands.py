"""The console pages (targets, the outbox, the dashboard card, the definition's notification block) and the
management commands (dispatch_notifications, send_test_notification, setup_periodic_tasks)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from directory.models import OperatorAccess
from directory.roles import MANAGER, OPERATOR
from notifications.enums import Status
from notifications.models import DeliveryAttempt, Notification, Target
from tests.factories import DefinitionFactory, LocationFactory
from tests.notifications.factories import NotificationFactory, TargetFactory

pytestmark = pytest.mark.django_db

OUTBOX = "/admin/notifications/notification/"
TARGETS = "/admin/notifications/target/"


def staff(django_user_model, role: str, locations=()):
    user = django_user_model.objects.create_user(f"{role.lower()}1", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    if locations:
        OperatorAccess.objects.create(user=user).locations.set(locations)
    return user


def test_operators_see_the_outbox_of_their_locations_only_and_not_targets(client, django_user_model):
    mine, other = LocationFactory(name="Mine"), LocationFactory(name="Other")
    shown = NotificationFactory(location=mine, subject_id="501")
    NotificationFactory(location=other, subject_id="502")
    client.force_login(staff(django_user_model, OPERATOR, [mine]))

    page = client.get(OUTBOX)

    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [shown]
    assert client.get(f"{OUTBOX}{shown.pk}/change/").status_code == 200
    assert client.get(TARGETS).status_code == 403
    # Operators only look: the retry and cancel actions are for Managers.
    assert page.context["action_form"] is None


def test_the_outbox_filters_by_status_event_target_and_due_date(admin_client):
    target = TargetFactory()
    failed = NotificationFactory(target=target, status=Status.FAILED, event="reminder")
    NotificationFactory(status=Status.SENT, due_at=failed.due_at + timedelta(days=1))
    due = failed.due_at.strftime("%Y-%m-%d")

    for query in ("status__exact=failed", "event__exact=reminder", f"target__id__exact={target.pk}",
                  f"due_at__gte={due}T00:00:00%2B00:00&due_at__lt={due}T00:01:00%2B00:00"):  # fmt: skip
        page = admin_client.get(f"{OUTBOX}?{query}")
        assert page.status_code == 200, query
        assert list(page.context["cl"].result_list) == [failed], query


def test_retry_now_and_cancel_actions(admin_client):
    failed = NotificationFactory(status=Status.FAILED, attempts=6, next_attempt_at=timezone.now() - timedelta(days=1))
    sent = NotificationFactory(status=Status.SENT)

    admin_client.post(OUTBOX, {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]})

    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.PENDING, 6)
    assert failed.next_attempt_at > timezone.now() - timedelta(minutes=1)
    assert sent.status == Status.SENT

    admin_client.post(OUTBOX, {"action": "cancel", "_selected_action": [failed.pk, sent.pk]})

    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.last_error) == (Status.CANCELLED, "Cancelled by admin.")
    assert sent.status == Status.SENT


def test_the_outbox_shows_attempts_inline_and_due_in_local_time(admin_client):
    location = LocationFactory(timezone="Australia/Melbourne")
    row = NotificationFactory(location=location)
    DeliveryAttempt.objects.create(notification=row, target=row.target, at=timezone.now(), response_status=500,
                                   error="HTTP 500: boom")  # fmt: skip

    page = admin_client.get(f"{OUTBOX}{row.pk}/change/")

    content = page.content.decode()
    assert "HTTP 500: boom" in content
    assert "Mon 09 Jun 2025 10:00 AEST" in content


def test_send_test_action_sends_and_reports(admin_client, receiver):
    target = TargetFactory(url=receiver.url, name="CRM")

    page = admin_client.post(TARGETS, {"action": "send_test", "_selected_action": [target.pk]}, follow=True)

    assert [str(m) for m in page.context["messages"]] == ["CRM: sent"]
    assert len(receiver.requests) == 1
    row = Notification.objects.get(subject_type="test")
    assert (row.status, row.target_id) == (Status.SENT, target.pk)
    assert "HTTP" not in admin_client.get(f"{TARGETS}{target.pk}/change/").content.decode()


def test_the_target_form_shows_the_service_checks(admin_client):
    body = {"name": "Bad", "handle": "bad", "channel": "webhook", "url": "", "email": "", "subject_template": "",
            "body_template": "not json", "secret": "", "timeout_seconds": 10, "is_active": "on",
            "delivery_attempts-TOTAL_FORMS": 0, "delivery_attempts-INITIAL_FORMS": 0}  # fmt: skip

    page = admin_client.post(f"{TARGETS}add/", body)

    assert page.status_code == 200
    errors = page.context["adminform"].form.errors
    assert errors["url"] == ["A webhook target needs a url."]
    assert errors["body_template"][0].startswith("The template does not render valid JSON")
    assert Target.objects.count() == 0


def test_managers_manage_targets(client, django_user_model):
    client.force_login(staff(django_user_model, MANAGER))
    assert client.get(TARGETS).status_code == 200
    assert client.get(f"{TARGETS}add/").status_code == 200


def test_the_definition_page_shows_target_and_offsets_per_event(admin_client):
    target = TargetFactory(name="Customer email")
    definition = DefinitionFactory(reminder_target=target, notify_reminder_offset_days=1)

    content = admin_client.get(f"/admin/appointments/appointmentdefinition/{definition.pk}/change/").content.decode()

    assert "One line per event" in content
    for event in ("created", "confirmed", "cancelled", "rejected", "completed", "reminder"):
        assert f'name="{event}_target"' in content
        assert f'name="notify_{event}_offset_days"' in content


def test_the_dashboard_counts_failed_and_overdue(admin_client):
    location = LocationFactory()
    NotificationFactory(location=location, status=Status.FAILED)
    NotificationFactory(location=location, next_attempt_at=timezone.now() - timedelta(minutes=10))
    NotificationFactory(location=location, next_attempt_at=timezone.now() - timedelta(minutes=1))
    from notifications.dashboard import notification_cards

    cards = notification_cards(None, location, timezone.now().date())

    assert [(c.label, c.value, c.tone) for c in cards] == [
        ("Failed notifications", 1, "danger"),
        ("Pending over 5 min past due", 1, "warning"),
    ]
    assert admin_client.get("/admin/").status_code == 200


def test_dispatch_command(receiver):
    NotificationFactory.create_batch(3, target=TargetFactory(url=receiver.url), due_at=timezone.now())

    call_command("dispatch_notifications", "--once", "--batch", "2")
    assert Notification.objects.filter(status=Status.SENT).count() == 2

    call_command("dispatch_notifications")
    assert Notification.objects.filter(status=Status.SENT).count() == 3


def test_send_test_notification_command(receiver, capsys):
    TargetFactory(url=receiver.url, handle="crm", name="CRM")

    call_command("send_test_notification", "crm")

    assert capsys.readouterr().out == "CRM: sent\n"
    with pytest.raises(CommandError, match="No target 'nope'"):
        call_command("send_test_notification", "nope")


def test_send_test_notification_command_fails_loudly():
    target = TargetFactory(url="http://127.0.0.1:9/hook")

    with pytest.raises(CommandError, match="The test notification was not sent: pending"):
        call_command("send_test_notification", str(target.pk))


def test_setup_periodic_tasks_schedules_the_dispatcher_idempotently():
    call_command("setup_periodic_tasks")
    call_command("setup_periodic_tasks")

    task = PeriodicTask.objects.get(name="dispatch notifications")
    assert (task.task, task.interval.every, task.interval.period, task.enabled) == (
        "notifications.dispatch", 15, "seconds", True,
    )  # fmt: skip
