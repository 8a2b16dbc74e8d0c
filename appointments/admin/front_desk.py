"""The console's own appointment pages: the dashboard numbers, the day schedule, booking and rescheduling from
free slots, and the move buttons. Reads come from selectors, every write from the booking and lifecycle services."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme

from appointments import selectors
from appointments.enums import AppointmentStatus as S
from appointments.enums import BookingType
from appointments.models import Appointment, AppointmentDefinition
from appointments.selectors.day_view import day_counts, day_schedule
from appointments.services.booking import appointment_book, booking_request
from appointments.services.lifecycle import ALLOWED, appointment_reschedule, appointment_transition
from core.errors import DomainError
from directory.admin_base import Card, Link, actor_of, console_link, console_today, dashboard_card, locations_for
from directory.models import Location, Profile
from directory.services.profiles import profile_create
from questionnaires.selectors import active_form

MOVE_LABELS = {
    S.CONFIRMED: "Approve",
    S.REJECTED: "Reject",
    S.ARRIVED: "Check in",
    S.COMPLETED: "Complete",
    S.NO_SHOW: "No-show",
    S.CANCELLED: "Cancel",
}


def moves_for(appointment: Appointment, can_move: bool) -> list[tuple[str, str]]:
    """The (status, button label) moves the appointment's status allows, for a user who may change appointments;
    the day schedule's cards and the appointment's page show these buttons, both posting to `move_view`."""
    if not can_move:
        return []
    allowed = ALLOWED.get(appointment.status, ())
    return [(to, label) for to, label in MOVE_LABELS.items() if to in allowed]


def changelist_url(location, **params) -> str:
    query = {"location__id__exact": location.pk, **params}
    return f"{reverse('admin:appointments_appointment_changelist')}?{urlencode(query)}"


@dashboard_card(section="Appointments", order=10)
def appointment_cards(request, location, day) -> list[Card]:
    if not request.user.has_perm("appointments.view_appointment"):
        return []
    counts = day_counts(location, day, timezone.now())
    today = day.isoformat()
    return [
        Card("Still to come today", counts["upcoming"],
             changelist_url(location, day=today, status__in="requested,confirmed")),
        Card("Awaiting approval", counts["awaiting_approval"], changelist_url(location, status__exact=S.REQUESTED),
             "warning" if counts["awaiting_approval"] else ""),
        Card("Arrived", counts["arrived"], changelist_url(location, day=today, status__exact=S.ARRIVED)),
        Card("Completed", counts["completed"], changelist_url(location, day=today, status__exact=S.COMPLETED),
             "success" if counts["completed"] else ""),
        Card("No-shows", counts["no_show"], changelist_url(location, day=today, status__exact=S.NO_SHOW),
             "danger" if counts["no_show"] else ""),
    ]  # fmt: skip


for _link in (
    Link("Front desk", "Day schedule", "admin:appointments_appointment_day", "calendar_view_day",
         "appointments.view_appointment", 10),
    Link("Front desk", "Book from free slots", "admin:appointments_appointment_book", "event_available",
         "appointments.add_appointment", 20),
    Link("Front desk", "Appointments", "admin:appointments_appointment_changelist", "event_note",
         "appointments.view_appointment", 30),
    Link("Setup", "Appointment definitions", "admin:appointments_appointmentdefinition_changelist", "design_services",
         "appointments.view_appointmentdefinition", 10),
):  # fmt: skip
    console_link(_link)


class SlotSearchForm(forms.Form):
    definition = forms.ModelChoiceField(queryset=AppointmentDefinition.objects.none())
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    staff = forms.ModelChoiceField(queryset=Profile.objects.none(), required=False, help_text="Any when empty.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        locations = locations_for(user)
        self.fields["location"].queryset = locations
        self.fields["definition"].queryset = (
            AppointmentDefinition.objects.filter(locations_links_q(locations), is_archived=False)
            .exclude(booking_type=BookingType.WALK_IN_ONLY)
            .distinct()
            .order_by("name")
        )
        # Staff of the chosen location only (all of the user's locations until one is chosen).
        chosen = str(self.data.get("location") or self.initial.get("location") or "")
        at = locations.filter(pk=chosen) if chosen.isdigit() else locations
        self.fields["staff"].queryset = (
            Profile.objects.filter(
                location_assignments__location__in=at,
                location_assignments__assignment_type="staff",
                location_assignments__is_active=True,
            )  # fmt: skip
            .distinct()
            .order_by("first_name", "last_name")
        )


def locations_links_q(locations) -> Q:
    return Q(location_links__location__in=locations, location_links__is_active=True)


class CustomerForm(forms.Form):
    profile = forms.ModelChoiceField(queryset=Profile.objects.all(), required=False, widget=forms.RadioSelect)
    first_name = forms.CharField(required=False)
    last_name = forms.CharField(required=False)
    email = forms.EmailField(required=False)
    mobile_phone = forms.CharField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _slot_start(value: str) -> datetime | None:
    start = parse_datetime(value or "")
    return start if start is not None and start.tzinfo is not None else None


class ConsolePages:
    """Mixed into AppointmentAdmin: its extra URLs and views."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("day/", wrap(self.day_view), name="appointments_appointment_day"),
            path("book/", wrap(self.book_view), name="appointments_appointment_book"),
            path("<int:pk>/move/", wrap(self.move_view), name="appointments_appointment_move"),
            path("<int:pk>/reschedule/", wrap(self.reschedule_view), name="appointments_appointment_reschedule"),
            *super().get_urls(),
        ]

    def _page(self, request, template: str, title: str, **context):
        return TemplateResponse(
            request,
            f"admin/appointments/{template}",
            {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **context},
        )

    def day_view(self, request):
        """A location's day: one lane per staff member, each appointment with the moves it allows."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        locations = locations_for(request.user)
        location = locations.filter(pk=request.GET.get("location") or 0).first() or locations.first()
        if location is None:
            return self._page(request, "day.html", "Day schedule", location=None, page_tz=None)
        today = timezone.now().astimezone(location.timezone).date()
        day = parse_date(request.GET.get("date") or "") or today
        schedule = day_schedule(location, day)
        span = (schedule.end - schedule.start).total_seconds()
        can_move = self.has_change_permission(request)

        def place(start, end) -> dict:
            left = max(0.0, (start - schedule.start).total_seconds() / span * 100)
            width = max(1.5, (end - start).total_seconds() / span * 100)
            return {"left": f"{left:.3f}", "width": f"{min(width, 100 - left):.3f}"}

        stacked = {lane.key: _stack(lane.appointments) for lane in schedule.lanes}
        lanes = [
            {
                "lane": lane,
                "rows": stacked[lane.key][0],
                "more": [
                    {
                        "count": len(group["appointments"]),
                        "row": stacked[lane.key][0] - 1,
                        **place(group["start"], group["start"]),
                        "appointments": [
                            (appointment, appointment.scheduled_start_at.astimezone(location.timezone))
                            for appointment in group["appointments"]
                        ],
                    }
                    for group in stacked[lane.key][1]
                ],
                "blocks": [
                    {
                        "appointment": appointment,
                        "local_start": appointment.scheduled_start_at.astimezone(location.timezone),
                        "local_end": appointment.scheduled_end_at.astimezone(location.timezone),
                        "moves": moves_for(appointment, can_move),
                        **place(appointment.scheduled_start_at, appointment.scheduled_end_at),
                        "row": appointment.lane_row,
                    }
                    for appointment in lane.appointments
                ],
            }
            for lane in schedule.lanes
        ]
        hours = []
        tick = schedule.start
        while tick < schedule.end:
            hours.append({"label": tick.astimezone(location.timezone).strftime("%H:%M"), **place(tick, tick)})
            tick += timedelta(hours=1)
        closed = []
        if schedule.open_windows:
            edges = [schedule.start, *[t for window in schedule.open_windows for t in window], schedule.end]
            closed = [place(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if a < b]
        return self._page(
            request, "day.html", f"{location.name}: {day:%A %d %B %Y} ({location.timezone.key})",
            location=location, page_tz=location.timezone, locations=locations, day=day, today=today, lanes=lanes, hours=hours, closed=closed,
            previous=day - timedelta(days=1), next=day + timedelta(days=1),
            hour_width=f"{3600 / span * 100:.4f}%", can_add=self.has_add_permission(request),
            axis_min_px=round(span / 3600 * HOUR_MIN_PX), card_min_px=CARD_MIN_PX,
        )  # fmt: skip

    def move_view(self, request, pk: int):
        """POST to=<status>: one move through the lifecycle service; the result shows as a message."""
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        appointment = get_object_or_404(self.get_queryset(request), pk=pk)
        to = request.POST.get("to", "")
        try:
            appointment_transition(appointment_id=appointment.pk, to=to, actor=actor_of(request),
                                   reason=request.POST.get("reason", ""))  # fmt: skip
            self.message_user(request, f"#{appointment.pk}: {MOVE_LABELS.get(to, to)} done.", messages.SUCCESS)
        except DomainError as exc:
            self.message_user(request, f"#{appointment.pk}: {_message(exc)}", messages.ERROR)
        default = reverse("admin:appointments_appointment_change", args=[appointment.pk])
        return HttpResponseRedirect(_safe_next(request, default))

    def book_view(self, request):
        """Pick definition, location, date (and staff), then a free slot, then the customer; book."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        query = request.GET.copy()
        today = console_today(locations_for(request.user), query.get("location"))
        if "date" not in query and query.get("location"):
            query["date"] = today.isoformat()
        search = SlotSearchForm(
            query if {"definition", "location", "date"} <= set(query) else None,
            user=request.user, initial={"date": today, **query.dict()},
        )  # fmt: skip
        slots, error, chosen, customer, matches, errors = None, "", None, None, [], []
        if search.is_bound and search.is_valid():
            data = search.cleaned_data
            staff = data["staff"]
            try:
                _, slots = selectors.day_slots(
                    data["definition"], data["location"].pk, data["date"], staff_id=staff.pk if staff else None,
                    now=timezone.now(),
                )  # fmt: skip
            except DomainError as exc:
                error = _message(exc)
            chosen = _slot_start(request.GET.get("slot", ""))
        booking_form = None
        if chosen is not None:
            booking_form = active_form(search.cleaned_data["definition"].booking_questionnaire_id)
            customer = CustomerForm(request.POST if request.method == "POST" else None)
            term = request.GET.get("q", "").strip()
            if term:
                matches = list(_profile_search(term)[:10])
            if request.method == "POST" and customer.is_valid():
                try:
                    answers = _answers_from(booking_form, request.POST)
                    appointment = self._book(request, search.cleaned_data, chosen, customer.cleaned_data, answers)
                except DomainError as exc:
                    errors = _messages(exc, booking_form)
                else:
                    self.message_user(request, f"Booked: {appointment}.", messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:appointments_appointment_change", args=[appointment.pk]))
        return self._page(
            request, "book.html", "Book from free slots", search=search, slots=slots, error=error, chosen=chosen,
            customer=customer, matches=matches, errors=errors, query=request.GET.urlencode(), booking_form=booking_form,
            base_query=_without(request.GET, "slot", "q"),
            chosen_local=chosen.astimezone(search.cleaned_data["location"].timezone) if chosen else None,
            page_tz=search.cleaned_data["location"].timezone if search.is_bound and search.is_valid() else None,
        )  # fmt: skip

    def _book(self, request, data: dict, start: datetime, customer: dict, answers: list) -> Appointment:
        with transaction.atomic():
            profile = customer["profile"]
            if profile is None:
                profile = profile_create(
                    first_name=customer["first_name"], last_name=customer["last_name"], email=customer["email"],
                    mobile_phone=customer["mobile_phone"],
                )  # fmt: skip
            return appointment_book(
                booking_request(data["definition"], profile, data["location"], start, staff=data["staff"],
                                notes=customer["notes"], answers=answers),
                actor=actor_of(request),
            )  # fmt: skip

    def reschedule_view(self, request, pk: int):
        """The appointment's free slots on a date; picking one moves it through the lifecycle service."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        appointment = get_object_or_404(
            self.get_queryset(request).select_related("definition", "location", "assigned_staff"), pk=pk
        )
        tz = appointment.location.timezone
        day = parse_date(request.GET.get("date") or "") or appointment.scheduled_start_at.astimezone(tz).date()
        errors = []
        if request.method == "POST":
            start = _slot_start(request.POST.get("slot", ""))
            try:
                appointment_reschedule(appointment_id=appointment.pk, start=start, actor=actor_of(request))
            except DomainError as exc:
                errors = _messages(exc)
            except TypeError:
                errors = ["Pick a slot."]
            else:
                self.message_user(request, f"Rescheduled: {Appointment.objects.get(pk=pk)}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:appointments_appointment_change", args=[pk]))
        slots, error = [], ""
        try:
            _, slots = selectors.day_slots(
                appointment.definition, appointment.location_id, day, staff_id=appointment.assigned_staff_id,
                now=timezone.now(),
            )  # fmt: skip
        except DomainError as exc:
            error = _message(exc)
        return self._page(
            request, "reschedule.html", f"Reschedule {appointment}", appointment=appointment, day=day, page_tz=tz,
            slots=[slot for slot in slots if slot.start != appointment.scheduled_start_at], error=error,
            errors=errors, previous=day - timedelta(days=1), next=day + timedelta(days=1),
        )  # fmt: skip


def _answers_from(form, post) -> list[dict]:
    """The booking form's inputs (named `answer-<mapping key>`) as the booking service's answers. They stay the
    strings the browser sent: the service reads every type from a string (questionnaires.types.clean_answer) and
    validates them (errors keyed `answers.<mapping key>`)."""
    if form is None:
        return []
    answers = []
    for slot in form.slots:
        name = f"answer-{slot.mapping_key}"
        value = post.getlist(name) if slot.question_version.type == "multi_select" else post.get(name, "").strip()
        if value not in ("", []):
            answers.append({"questionnaire_question_id": slot.pk, "value": value})
    return answers


# A card is never drawn narrower than MIN_CARD_MINUTES of the axis (the timeline gives each hour at least
# HOUR_MIN_PX, so that is at least CARD_MIN_PX, enough for "09:00 Olivia Jones"); a lane shows at most MAX_ROWS
# rows of cards and gathers the rest in "+N more" lists.
HOUR_MIN_PX, MIN_CARD_MINUTES, MAX_ROWS = 132, 50, 3
CARD_MIN_PX = HOUR_MIN_PX * MIN_CARD_MINUTES // 60


def _stack(appointments: list[Appointment]) -> tuple[int, list[dict]]:
    """Give each appointment of a lane (in start order) the first row free at its start (`lane_row`), where a card
    takes at least MIN_CARD_MINUTES; past MAX_ROWS rows an appointment joins a "+N more" group (`lane_row` None)
    drawn in the row below. Returns (rows, groups of {start, appointments})."""
    least = timedelta(minutes=MIN_CARD_MINUTES)
    ends: list[datetime] = []
    groups: list[dict] = []
    for appointment in appointments:
        start = appointment.scheduled_start_at
        drawn_end = max(appointment.scheduled_end_at, start + least)
        row = next((i for i, end in enumerate(ends) if end <= start), None)
        if row is None and len(ends) < MAX_ROWS:
            row = len(ends)
            ends.append(drawn_end)
        appointment.lane_row = row
        if row is not None:
            ends[row] = drawn_end
        elif groups and start < groups[-1]["start"] + least:
            groups[-1]["appointments"].append(appointment)
        else:
            groups.append({"start": start, "appointments": [appointment]})
    return max(1, len(ends)) + (1 if groups else 0), groups


def _profile_search(term: str):
    return Profile.objects.filter(
        Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(email__icontains=term)
        | Q(mobile_phone__icontains=term)
    ).order_by("last_name", "first_name", "id")  # fmt: skip


def _without(params, *names) -> str:
    copy = params.copy()
    for name in names:
        copy.pop(name, None)
    return copy.urlencode()


def _messages(exc: DomainError, form=None) -> list[str]:
    """The error's messages; one about a booking question (keyed `answers.<mapping key>`) names the question."""
    labels = {f"answers.{slot.mapping_key}": slot.question_version.label for slot in form.slots} if form else {}
    named = [f"“{labels[key]}”: {message}" if key in labels else message for key, values in exc.errors.items()
             for message in values]  # fmt: skip
    return named or [exc.message]


def _message(exc: DomainError) -> str:
    return " ".join(_messages(exc))
