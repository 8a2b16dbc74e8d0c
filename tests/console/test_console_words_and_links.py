"""Words instead of internals on the console's detail pages (issue 16): related ids as links that name the record
(a submission's appointment, a notification's and an audit record's subject), actors and titles by name, answers
as the customer chose them, every readonly JSON field without a literal `null`; and the appointment page for a
user who may only view it, or when the clock refuses a move."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from appointments.enums import AppointmentStatus as S
from appointments.models import Appointment
from directory.models import AuditRecord
from directory.roles import OPERATOR
from questionnaires.models import Submission
from tests.console.conftest import console_user
from tests.console.workspace_world import NINE_AEDT, melbourne_appointment
from tests.factories import LocationFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def page_of(client, appointment) -> str:
    response = client.get(reverse("admin:appointments_appointment_change", args=[appointment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def visible_text(html: str) -> str:
    """The page's words: no scripts, no tags, single spaces."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_user_who_may_only_view_gets_the_page_without_buttons(login):
    appointment = melbourne_appointment(status=S.CONFIRMED, answers=False)
    viewer = User.objects.create_user("vera", "vera@example.com", "pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_appointment"))
    html = page_of(login(viewer), appointment)  # was a 500: the form's disabled fields are absent then
    workspace = html.split('id="workspace-moves"', 1)[1].split("</div>", 1)[0]
    assert "data-move" not in workspace and "workspace-reschedule" not in workspace


def test_a_move_the_clock_refuses_says_why_on_the_page(operator_client):
    appointment = melbourne_appointment(status=S.CONFIRMED, answers=False)
    page = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    move = reverse("admin:appointments_appointment_move", args=[appointment.pk])
    with time_machine.travel(NINE_AEDT - timedelta(days=1), tick=False):
        response = operator_client.post(move, {"to": S.ARRIVED, "next": page}, follow=True)
    assert response.redirect_chain == [(page, 302)]
    assert [str(message) for message in response.context["messages"]] == [
        f"#{appointment.pk}: Check-in opens at 2026-12-02 08:00 Australia/Melbourne."
    ]
    assert Appointment.objects.get(pk=appointment.pk).status == S.CONFIRMED


def test_who_approved_is_named_not_user_id(login):
    melbourne = LocationFactory(name="Melbourne CBD", timezone="Australia/Melbourne")
    appointment = melbourne_appointment(status=S.REQUESTED, location=melbourne, answers=False)
    client = login(console_user("olive", OPERATOR, locations=[melbourne]))
    assert client.post(reverse("admin:appointments_appointment_move", args=[appointment.pk]),
                       {"to": S.CONFIRMED}).status_code == 302  # fmt: skip
    approved_by = re.search(r"Approved by</label>\s*(.*?)</div>\s*</div>", page_of(client, appointment), re.S)
    assert visible_text(approved_by.group(1)) == "olive"  # the user's name, not "user:<id>"


def test_the_submission_links_its_appointment_in_words_and_shows_answers_as_chosen(operator_client):
    appointment = melbourne_appointment()
    submission = Submission.objects.get(appointment_id=appointment.pk)
    url = reverse("admin:questionnaires_submission_change", args=[submission.pk])
    html = operator_client.get(url).content.decode()
    link = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    words = "Fitting for Olivia Jones, Wed 02 Dec 2026 09:00 AEDT (Confirmed)"
    assert re.search(rf'<a href="{link}"[^>]*>{re.escape(words)}</a>', html)
    text = visible_text(html)
    assert "Appointment id" not in text
    assert "Your size? (v1) Medium" in text and "Gift wrap? (v1) Yes" in text  # option labels, not "m" / true
    assert "size = " not in text

    Appointment.objects.filter(pk=appointment.pk).delete()
    html = operator_client.get(url).content.decode()
    assert f"Appointment {appointment.pk} (deleted)" in html and f'href="{link}"' not in html


def test_no_raw_null_on_the_submission_notification_audit_and_location_pages(manager_client, login):
    appointment = melbourne_appointment()
    submission = Submission.objects.get(appointment_id=appointment.pk)  # its context is None
    notification = NotificationFactory(subject_id=str(appointment.pk), location=appointment.location,
                                       context={"summary": {"what": "Fitting", "note": None}, "reason": None,
                                                "wrap": True, "sizes": ["s", "m"]})  # fmt: skip
    audit = AuditRecord.objects.create(action="profile.export", actor="cli:ops", subject_type="profile",
                                       subject_id=str(appointment.profile_id), at=appointment.created_at, data={})  # fmt: skip
    location = appointment.location
    location.address = {"street": "1 Collins St", "floor": None}
    location.save()
    pages = {
        "submission": reverse("admin:questionnaires_submission_change", args=[submission.pk]),
        "notification": reverse("admin:notifications_notification_change", args=[notification.pk]),
        "audit": reverse("admin:directory_auditrecord_change", args=[audit.pk]),
    }
    html = {name: manager_client.get(url).content.decode() for name, url in pages.items()}
    # An Operator views a location read-only: its JSON fields go through the same rendering, named by field.
    html["location"] = (
        login(console_user("olive", OPERATOR))
        .get(reverse("admin:directory_location_change", args=[location.pk]))
        .content.decode()
    )
    for name, page in html.items():
        assert re.search(r"\b(null|None)\b", visible_text(page)) is None, name
    assert "<dt>reason</dt><dd>—</dd>" in html["notification"] and "<dt>wrap</dt><dd>Yes</dd>" in html["notification"]
    assert "<dt>sizes</dt><dd>s, m</dd>" in html["notification"]
    # Each key with its value; the keys' order is the database's (PostgreSQL's jsonb orders them itself).
    assert "<dt>street</dt><dd>1 Collins St</dd>" in html["location"] and "<dt>floor</dt><dd>—</dd>" in html["location"]

    appointment_link = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    assert f'href="{appointment_link}"' in html["notification"]
    title = re.search(r"<title>(.*?)</title>", html["notification"], re.S).group(1)
    assert title.split(" | ")[0].strip() == f"Confirmed: appointment {appointment.pk}, to {notification.target}"
    profile_link = reverse("admin:directory_profile_change", args=[appointment.profile_id])
    assert re.search(rf'<a href="{profile_link}"[^>]*>Olivia Jones</a>', html["audit"])
    assert "ops (command line)" in visible_text(html["audit"]) and "cli:ops" not in visible_text(html["audit"])


def test_cancel_reject_and_no_show_ask_first_and_the_forward_moves_do_not(operator_client):
    for status, asking, plain in ((S.REQUESTED, ["rejected", "cancelled"], ["confirmed"]),
                                  (S.CONFIRMED, ["no_show", "cancelled"], ["arrived", "completed"])):  # fmt: skip
        html = page_of(operator_client, melbourne_appointment(status=status, answers=False))
        buttons = dict(re.findall(r'data-move="([a-z_]+)"( onclick="return confirm\([^"]*\)")?', html))
        assert sorted(to for to, confirm in buttons.items() if confirm) == sorted(asking)
        assert sorted(to for to, confirm in buttons.items() if not confirm) == sorted(plain)
