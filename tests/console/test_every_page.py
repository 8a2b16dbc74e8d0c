"""Every console page, found from the admin's own registry and URLs, opened as a Manager and as an Operator.

Each answers 200 or 403 as the role's permissions say (directory/roles.py), never an error page; and on each page
that opens: no instant without its zone, no raw `null`/`None`, and every table on a custom page styled. The page
list is not written down here: a new model admin or custom view is opened automatically, and a custom view that
fits none of the rules below fails until it is given one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from appointments.enums import OfferStatus
from appointments.models import WaitlistOffer
from appointments.services.booking import appointment_book, booking_request
from appointments.services.feeds import feed_issue
from directory.models import Location
from directory.roles import MANAGER, OPERATOR
from directory.services.audit import audit_record
from directory.services.tokens import token_issue
from notifications.models import DeliveryAttempt
from questionnaires.models import Submission
from tests.appointments.factories import QueueEntryFactory, WaitlistEntryFactory
from tests.console.conftest import console_user
from tests.factories import (
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    LocationFactory,
    LocationNormalHourFactory,
    ProfileFactory,
    StaffAssignmentFactory,
)
from tests.notifications.factories import NotificationFactory, TargetFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory, RatingFactory
from tests.visits.factories import VisitFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 22, 0, tzinfo=UTC)  # Tue 8 Dec 09:00 in Melbourne
START = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)

# The admin's own plumbing, not console pages (sign-in, the site's JavaScript, its redirects and JSON helpers).
PLUMBING = {"login", "logout", "password_change", "password_change_done", "jsi18n", "view_on_site", "autocomplete",
            "search", "app_list"}  # fmt: skip
# Views that only take a POST: a GET is refused for everybody (403, or 405 where the view names its method).
POST_ONLY = {"appointments_appointment_move": 403, "appointments_queue_board_move": 405}
# Views that send the user on: the list of queue boards opens the only location's board straight away.
REDIRECTS = {"appointments_queue_boards": 302}
# Views every console user opens, whatever their model permissions: a definition's free slots (the booking page's
# preview, limited to the user's locations).
FRONT_DESK = {"appointments_appointmentdefinition_availability"}
# Site-level console pages (not under a model) and who opens them.
SITE_PAGES = {"index": {MANAGER, OPERATOR}, "console_report": {MANAGER, OPERATOR}}
STANDARD = ("changelist", "add", "change", "delete", "history")
# Pages of installed packages that only superusers use (periodic tasks, login attempts, users and groups).
SUPERUSER_APPS = {"django_celery_beat", "axes", "auth"}

INSTANT = re.compile(
    r"(?:[A-Z][a-z]{2}\.? \d{1,2}, \d{4}, \d{1,2}(?::\d{2})? [ap]\.m\."  # Django's default "Dec. 7, 2026, 11 p.m."
    r"|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?"  # "2026-12-08 10:00"
    r"|\d{1,2} [A-Z][a-z]{2} \d{4},? \d{1,2}:\d{2}(?::\d{2})?)"  # "08 Dec 2026 10:00"
    r"(?:[–-]\d{2}:\d{2})?"  # an end time of the same day
)
ZONE = re.compile(r"Z\b|\s*(?:[A-Z]{2,5}\b|[+-]\d{2}|\(?[A-Z][A-Za-z_]+/[A-Za-z_]+|UTC)")


class Text(HTMLParser):
    """What a person reads on the page (no scripts, styles, form values or hidden inputs), and its tables."""

    SKIP = {"script", "style", "textarea", "select", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.tables: list[str | None] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1
        if tag == "table":
            self.tables.append(dict(attrs).get("class"))

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1
        if tag in ("td", "th", "dd", "dt", "li", "p", "div", "tr", "span", "a", "h1", "h2", "h3"):
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.parts))


@pytest.fixture
def world():
    """One of everything the console shows, at a Melbourne location, through the services where they exist."""
    location = LocationFactory(name="Collins St", handle="collins", timezone="Australia/Melbourne")
    LocationNormalHourFactory(location=location, day_of_week="TUE", open_at=time(8), close_at=time(18))
    staff = ProfileFactory(first_name="Sam", last_name="Staff")
    StaffAssignmentFactory(location=location, profile=staff)
    question = QuestionFactory(handle="size", label="Your size?", type="text")
    form = QuestionnaireFactory(handle="fitting", name="Fitting form", purpose="booking",
                                questions=[{"mapping_key": "size", "question_id": question.pk}])  # fmt: skip
    target = TargetFactory(name="Front desk mail", handle="desk", channel="email", email="desk@example.com")
    definition = DefinitionFactory(name="Fitting", handle="fitting", duration_minutes=30, booking_questionnaire=form,
                                   allow_waitlist=True, allow_walk_in=True, allow_queue=True, created_target=target)  # fmt: skip
    DefinitionLocationFactory(definition=definition, location=location)
    DefinitionNormalHourFactory(definition=definition, day_of_week="TUE", available_from=time(9),
                                available_until=time(17))  # fmt: skip
    customer = ProfileFactory(first_name="Olivia", last_name="Jones", email="olivia@example.com")
    slot = form.current_version.slots.get()
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        appointment = appointment_book(
            booking_request(definition, customer, location, START, answers=[
                {"questionnaire_question_id": slot.pk, "value": "M"}]),
            actor="user:0",
        )  # fmt: skip
    notification = NotificationFactory(target=target, subject_id=str(appointment.pk), location=location)
    DeliveryAttempt.objects.create(notification=notification, target=target, at=NOW, ok=False, error="refused")
    entry = WaitlistEntryFactory(definition=definition, location=location, profile=customer)
    WaitlistOffer.objects.create(
        entry=entry, definition=definition, location=location, start_at=START, end_at=START + timedelta(minutes=30),
        occupancy_start=START, occupancy_end=START + timedelta(minutes=30), offered_at=NOW,
        expires_at=NOW + timedelta(minutes=30), status=OfferStatus.OPEN,
    )  # fmt: skip
    QueueEntryFactory(definition=definition, location=location, profile=customer)
    VisitFactory(location=location, profile=customer, visited_at=NOW)
    RatingFactory(location=location, profile=customer, rated_at=NOW)
    token_issue(name="Website")
    feed_issue(location=location, name="Front desk calendar", created_by="user:0", now=NOW)
    audit_record(action="profile.export", actor="user:0", subject_type="profile", subject_id=customer.pk, now=NOW,
                 data={"rows": 3, "note": None})  # fmt: skip
    assert Submission.objects.filter(appointment_id=appointment.pk).exists()
    return location


def admin_views():
    """(url name, pattern, model or None) of every URL in the admin's namespace, and the console's report."""
    found = []

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and (prefix + str(pattern.pattern)).startswith("admin/")
            ):
                found.append((namespace, pattern.name, prefix + str(pattern.pattern)))

    walk(get_resolver(), "", None)
    models = {f"admin/{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}
    # A view belongs to the model admin whose URLs it sits under (admin/<app>/<model>/...).
    return [(name, route, next((m for key, m in models.items() if route.startswith(key)), None))
            for _, name, route in found]  # fmt: skip


def planted(model):
    return model._default_manager.order_by("pk").first()


def url_for(name: str, route: str, model, location: Location) -> str:
    kwargs = {}
    for param in re.findall(r"<(?:\w+:)?(\w+)>", route):
        if param == "location_id":
            kwargs[param] = location.pk
        elif param in ("pk", "object_id", "id"):
            row = planted(model)
            if row is None and model._meta.app_label in SUPERUSER_APPS:
                kwargs[param] = 0  # no console role may open it: the permission check refuses before the lookup
                continue
            assert row is not None, f"plant a {model._meta.verbose_name} so {name} can be opened"
            kwargs[param] = row.pk
        else:
            raise AssertionError(f"{name}: no rule for the URL parameter {param!r}")
    namespace = "" if name == "console_report" else "admin:"
    return reverse(namespace + name, kwargs=kwargs)


def expected(user, name: str, model) -> int:
    """200 or 403 from the user's permissions; a view no rule covers fails the test."""
    if name in POST_ONLY:
        return POST_ONLY[name]
    if name in FRONT_DESK:
        return 200
    if name in SITE_PAGES:
        return 200 if any(user.groups.filter(name=role).exists() for role in SITE_PAGES[name]) else 403
    if model is None:
        raise AssertionError(f"{name}: a console page with no model and no rule in SITE_PAGES")
    meta = model._meta
    perm = lambda action: user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}")  # noqa: E731
    model_admin = admin.site._registry[model]
    action = name.removeprefix(f"{meta.app_label}_{meta.model_name}_")
    if action == "add":
        return 200 if perm("add") and model_admin.has_add_permission(_request(user)) else 403
    if action == "delete":
        return 200 if perm("delete") and model_admin.has_delete_permission(_request(user)) else 403
    allowed = perm("view") or perm("change")
    return REDIRECTS.get(name, 200) if allowed else 403


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def problems(html: str, custom: bool) -> list[str]:
    parser = Text()
    parser.feed(html)
    text = parser.text
    found = []
    for match in INSTANT.finditer(text):
        if not ZONE.match(text, match.end()):
            found.append(f"an instant without its zone: {text[max(0, match.start() - 40) : match.end() + 15]!r}")
    for match in re.finditer(r"\b(null|None)\b", text):
        found.append(f"raw {match[1]}: {text[max(0, match.start() - 60) : match.end() + 20]!r}")
    if custom:
        found += [f"a table without a styled class ({i + 1})" for i, css in enumerate(parser.tables) if not css]
    return found


@pytest.mark.parametrize("role", [MANAGER, OPERATOR])
def test_every_console_page_opens_as_the_role_says_and_reads_right(login, world, role):
    user = console_user(f"user-{role.lower()}", role)
    client = login(user)
    seen, failures = 0, []
    with time_machine.travel(NOW, tick=False):
        for name, route, model in admin_views():
            if name in PLUMBING or name.startswith("app_list") or name.endswith(("_autocomplete", "_history")):
                continue
            url = url_for(name, route, model, world)
            want = expected(user, name, model)
            response = client.get(url)
            seen += 1
            if response.status_code != want:
                failures.append(f"{url}: {response.status_code}, expected {want}")
                continue
            if want != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            custom = model is None or not name.endswith(tuple(f"_{action}" for action in STANDARD))
            failures += [f"{url}: {problem}" for problem in problems(response.content.decode(), custom)]
    assert seen > 60
    print("\n".join(failures))  # the whole list, on failure
    assert failures == []
