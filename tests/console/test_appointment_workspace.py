"""The appointment's page as a workspace (issue 16): the moves its status allows as buttons (the day schedule's,
through `move_view` and the lifecycle service), the reschedule link, the booking answers in words; related ids
as links in words and readonly JSON without a literal `null` on the submission, notification and audit pages;
an Operator limited to one location acts on that location only."""

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
from directory.roles import MANAGER, OPERATOR
from questionnaires.models import Submission
from tests.console.conftest import console_user
from tests.console.workspace_world import FIVE_PAST_NINE, NINE_AEDT, melbourne_appointment
from tests.factories import LocationFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

# The buttons (move, label) each status shows, and whether it links to its reschedule page.
EXPECTED = {
    S.REQUESTED: ([("confirmed", "Approve"), ("rejected", "Reject"), ("cancelled", "Cancel")], True),
    S.CONFIRMED: (
        [("arrived", "Check in"), ("completed", "Complete"), ("no_show", "No-show"), ("cancelled", "Cancel")],
        True,
    ),  # fmt: skip
    S.ARRIVED: ([("completed", "Complete")], False),
    S.COMPLETED: ([], False),
    S.NO_SHOW: ([], False),
    S.CANCELLED: ([], False),
    S.REJECTED: ([], False),
}
BUTTON = re.compile(r'<button type="submit"[^>]*data-move="([a-z_]+)"[^>]*>([^<]+)</button>')


def page_of(client, appointment) -> str:
    response = client.get(reverse("admin:appointments_appointment_change", args=[appointment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def workspace_of(html: str) -> str:
    start = html.index('id="appointment-workspace"')
    return html[start : html.index('id="booking-answers"', start)]


def visible_text(html: str) -> str:
    """The page's words: no scripts, no tags."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("status", list(EXPECTED))
@pytest.mark.parametrize("role", [OPERATOR, MANAGER])
def test_the_buttons_are_the_moves_the_status_allows(login, status, role):
    appointment = melbourne_appointment(status=status, answers=False)
    html = workspace_of(page_of(login(console_user("user", role)), appointment))
    moves, reschedulable = EXPECTED[status]
    assert BUTTON.findall(html) == moves
    move_url = reverse("admin:appointments_appointment_move", args=[appointment.pk])
    assert html.count(f'action="{move_url}"') == len(moves)
    reschedule = reverse("admin:appointments_appointment_reschedule", args=[appointment.pk])
    assert (f'href="{reschedule}"' in html) is reschedulable


def test_a_user_who_may_only_view_gets_no_buttons(login):
    appointment = melbourne_appointment(status=S.CONFIRMED, answers=False)
    viewer = User.objects.create_user("vera", "vera@example.com", "pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_appointment"))
    html = workspace_of(page_of(login(viewer), appointment))
    assert BUTTON.findall(html) == []
    assert "reschedule" not in html
    assert "No moves from confirmed." in html


def test_the_page_shows_the_booking_answers_in_words(operator_client):
    appointment = melbourne_appointment()
    html = page_of(operator_client, appointment)
    table = html[html.index('id="booking-answers"') :]
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td></tr>", table)
    assert rows == [("Your size?", "Medium"), ("Gift wrap?", "Yes"), ("Anything we should know?",
                                                                        "Left shoulder is lower")]  # fmt: skip
    submission = Submission.objects.get(appointment_id=appointment.pk)
    assert f'href="{reverse("admin:questionnaires_submission_change", args=[submission.pk])}"' in table
    head = visible_text(workspace_of(html))
    assert "Wed 02 Dec 2026 09:00 AEDT – 09:30 AEDT" in head
    assert "Fitting for Olivia Jones at Melbourne CBD with Noah Brown" in " ".join(head.split())


def test_an_appointment_without_answers_says_so(operator_client):
    html = page_of(operator_client, melbourne_appointment(answers=False))
    assert "No answers: the booking asked no questions." in html


def test_the_buttons_move_the_appointment_and_come_back_to_its_page(operator_client):
    appointment = melbourne_appointment(status=S.CONFIRMED, answers=False)
    page = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    move = reverse("admin:appointments_appointment_move", args=[appointment.pk])
    with time_machine.travel(FIVE_PAST_NINE, tick=False):
        response = operator_client.post(move, {"to": S.ARRIVED, "next": page}, follow=True)
    assert response.redirect_chain == [(page, 302)]
    assert BUTTON.findall(workspace_of(response.content.decode())) == [("completed", "Complete")]
    appointment.refresh_from_db()
    assert appointment.status == S.ARRIVED
    assert list(appointment.events.values_list("from_status", "to_status")) == [("confirmed", "arrived")]


def test_the_submission_links_its_appointment_in_words(operator_client):
    appointment = melbourne_appointment()
    submission = Submission.objects.get(appointment_id=appointment.pk)
    url = reverse("admin:questionnaires_submission_change", args=[submission.pk])
    html = operator_client.get(url).content.decode()
    link = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    assert re.search(
        rf'<a href="{link}"[^>]*>Fitting for Olivia Jones, Wed 02 Dec 2026 09:00 AEDT \(Confirmed\)</a>', html
    )
    assert "Appointment id" not in html
    text = " ".join(visible_text(html).split())
    assert "Your size? (v1) Medium" in text and "Gift wrap? (v1) Yes" in text  # option labels, not "m" / true
    assert "size = " not in html

    Appointment.objects.filter(pk=appointment.pk).delete()
    html = operator_client.get(url).content.decode()
    assert f"Appointment {appointment.pk} (deleted)" in html and f'href="{link}"' not in html


def test_no_raw_null_on_the_submission_notification_and_audit_pages(manager_client):
    appointment = melbourne_appointment()
    submission = Submission.objects.get(appointment_id=appointment.pk)  # context is None
    notification = NotificationFactory(subject_id=str(appointment.pk), location=appointment.location,
                                       context={"summary": {"what": "Fitting", "note": None}, "reason": None,
                                                "wrap": True, "sizes": ["s", "m"]})  # fmt: skip
    audit = AuditRecord.objects.create(action="profile.export", actor="cli:ops", subject_type="profile",
                                       subject_id=str(appointment.profile_id), at=appointment.created_at, data={})  # fmt: skip
    pages = {
        "submission": reverse("admin:questionnaires_submission_change", args=[submission.pk]),
        "notification": reverse("admin:notifications_notification_change", args=[notification.pk]),
        "audit": reverse("admin:directory_auditrecord_change", args=[audit.pk]),
    }
    text = {name: visible_text(manager_client.get(url).content.decode()) for name, url in pages.items()}
    for name, words in text.items():
        assert re.search(r"\b(null|None)\b", words) is None, name
    notification_page = manager_client.get(pages["notification"]).content.decode()
    assert '<dl class="console-json">' in notification_page
    assert "<dt>reason</dt><dd>—</dd>" in notification_page and "<dt>wrap</dt><dd>yes</dd>" in notification_page
    assert "<dt>sizes</dt><dd>s, m</dd>" in notification_page
    appointment_link = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    assert f'href="{appointment_link}"' in notification_page
    title = re.search(r"<title>(.*?)</title>", notification_page, re.S).group(1)
    assert title.split(" | ")[0].strip() == f"Confirmed: appointment {appointment.pk}, to {notification.target}"
    audit_page = manager_client.get(pages["audit"]).content.decode()
    assert f'href="{reverse("admin:directory_profile_change", args=[appointment.profile_id])}"' in audit_page
    assert "Olivia Jones" in audit_page


def test_an_operator_of_one_location_acts_on_that_location_only(login):
    melbourne = LocationFactory(name="Melbourne CBD", timezone="Australia/Melbourne")
    london = LocationFactory(name="London Covent Garden", timezone="Europe/London")
    own = melbourne_appointment(status=S.REQUESTED, location=melbourne, answers=False)
    other = melbourne_appointment(status=S.REQUESTED, location=london, answers=False)
    client = login(console_user("olive", OPERATOR, locations=[melbourne]))

    assert BUTTON.findall(workspace_of(page_of(client, own)))[0] == ("confirmed", "Approve")
    refused = client.get(reverse("admin:appointments_appointment_change", args=[other.pk]))
    assert refused.status_code == 302 and refused["Location"] == reverse("admin:index")
    for to in (S.CONFIRMED, S.REJECTED, S.CANCELLED):
        moved = client.post(reverse("admin:appointments_appointment_move", args=[other.pk]), {"to": to})
        assert moved.status_code == 404
    assert client.get(reverse("admin:appointments_appointment_reschedule", args=[other.pk])).status_code == 404
    assert Appointment.objects.get(pk=other.pk).status == S.REQUESTED
    assert not other.events.exists()

    approved = client.post(reverse("admin:appointments_appointment_move", args=[own.pk]), {"to": S.CONFIRMED})
    assert approved.status_code == 302
    assert Appointment.objects.get(pk=own.pk).status == S.CONFIRMED
    approved_by = re.search(r"Approved by</label>\s*(.*?)</div>\s*</div>", page_of(client, own), re.S)
    assert visible_text(approved_by.group(1)).split() == ["olive"]  # the user's name, not "user:<id>"


def test_only_a_manager_gets_the_delete_button_and_it_asks_first(login):
    appointment = melbourne_appointment(answers=False)
    delete = reverse("admin:appointments_appointment_delete", args=[appointment.pk])
    operator, manager = (login(console_user(name, role)) for name, role in (("olive", OPERATOR), ("max", MANAGER)))
    assert delete not in page_of(operator, appointment)
    assert operator.get(delete).status_code == 403
    assert delete in page_of(manager, appointment)
    confirm = manager.get(delete)
    assert confirm.status_code == 200 and "Are you sure" in confirm.content.decode()
    assert Appointment.objects.filter(pk=appointment.pk).exists()


def test_a_move_the_clock_refuses_says_why_on_the_page(operator_client):
    appointment = melbourne_appointment(status=S.CONFIRMED, answers=False)
    page = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    move = reverse("admin:appointments_appointment_move", args=[appointment.pk])
    with time_machine.travel(NINE_AEDT - timedelta(days=1), tick=False):
        response = operator_client.post(move, {"to": S.ARRIVED, "next": page}, follow=True)
    assert response.redirect_chain == [(page, 302)]
    assert f"#{appointment.pk}: Check-in opens at 2026-12-02 08:00 Australia/Melbourne." in [
        str(message) for message in response.context["messages"]
    ]
    assert Appointment.objects.get(pk=appointment.pk).status == S.CONFIRMED
