"""The customer pages behind the signed links in messages (docs/customer-links.md).

No login: the token in the URL is the key, for one appointment or offer and one purpose. Every page is rate-limited
per token; every state change is a POST with Django's CSRF check and goes through appointments.services.
customer_actions (the API's services, the API's rules). A refused link renders a page that says why, with its
status: 404 unknown or altered, 403 another purpose's link, 410 expired or used, 429 too many requests.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_http_methods

from appointments import selectors
from appointments.enums import LinkPurpose
from appointments.models import Appointment, WaitlistOffer
from appointments.services import customer_actions as actions
from appointments.services.calendar import appointment_ics
from appointments.services.customer_links import LinkRefused, live_paths, resolve
from appointments.services.notify import appointment_context
from appointments.web.limits import retry_after
from core.errors import DomainError
from core.localtime import local_label
from questionnaires.selectors import answers_by_appointment

TEMPLATES = "appointments/customer/"
WHEN = "%A %d %B %Y, %H:%M"


def _throttled(request, token: str) -> HttpResponse | None:
    """CUSTOMER_LINK_RATE_LIMIT requests per token per window (appointments.web.limits)."""
    wait = retry_after("customer-link", token)
    if wait is None:
        return None
    response = _page(request, "refused.html", status=429, title="Too many requests",
                     message="This link was opened too often in a short time. Please wait a minute and try again.")  # fmt: skip
    response["Retry-After"] = str(wait)
    return response


def _page(request, template: str, *, status: int = 200, **context) -> TemplateResponse:
    # One person's appointment: no shared cache may keep it (the global Referrer-Policy, same-origin, keeps the
    # token out of other sites' logs).
    return TemplateResponse(request, TEMPLATES + template, context, status=status,
                            headers={"Cache-Control": "no-store"})  # fmt: skip


TITLES = {404: "This link does not work", 403: "Wrong link for this page", 410: "This link can no longer be used"}


def _refused(request, exc: LinkRefused) -> TemplateResponse:
    return _page(request, "refused.html", status=exc.status, title=TITLES[exc.status], message=exc.message)


def _open(request, token: str, purpose: str):
    """(link, None) for a usable link, or (None, the response that refuses it)."""
    limited = _throttled(request, token)
    if limited is not None:
        return None, limited
    try:
        return resolve(token, purpose, now=timezone.now()), None
    except LinkRefused as exc:
        return None, _refused(request, exc)


def _answer_text(value) -> str:
    if value is None or value == "":
        return "\u2014"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _when(value: datetime, tz) -> str:
    return local_label(value, tz, WHEN)


def appointment_summary(appointment: Appointment) -> dict:
    """What the customer pages show of an appointment: local times with the zone, the place, the answers."""
    tz = appointment.location.timezone
    answers = answers_by_appointment([appointment.pk]).get(appointment.pk, [])
    return {
        "id": appointment.pk,
        "service": appointment.definition.name,
        "status": appointment.get_status_display(),
        "status_code": appointment.status,
        "start": _when(appointment.scheduled_start_at, tz),
        "end": local_label(appointment.scheduled_end_at, tz, "%H:%M"),
        "zone": f"{tz.key} ({local_label(appointment.scheduled_start_at, tz, '%Z')})",
        "location": appointment.location.name,
        "address": appointment.location.address_lines,
        "phone": appointment.location.phone,
        "staff": appointment.assigned_staff.first_name if appointment.assigned_staff_id else "",
        "answers": [(answer.question_version.label, _answer_text(answer.value)) for answer in answers],
    }


def offer_summary(offer: WaitlistOffer) -> dict:
    tz = offer.location.timezone
    return {
        "service": offer.definition.name,
        "start": _when(offer.start_at, tz),
        "end": local_label(offer.end_at, tz, "%H:%M"),
        "zone": f"{tz.key} ({local_label(offer.start_at, tz, '%Z')})",
        "expires": _when(offer.expires_at, tz),
        "location": offer.location.name,
        "address": offer.location.address_lines,
        "phone": offer.location.phone,
    }


def _attempt(request, action, title: str, message: str = ""):
    """Run a state change: (the page saying it is done, "", 200), or (None, why it was refused, its status)."""
    try:
        result = action()
    except DomainError as exc:
        return None, exc.message, exc.status
    if isinstance(result, Appointment):
        result = Appointment.objects.select_related("definition", "location", "assigned_staff").get(pk=result.pk)
        return _page(request, "done.html", title=title, appointment=appointment_summary(result)), "", 200
    return _page(request, "done.html", title=title, message=message), "", 200


@require_http_methods(["GET", "HEAD"])
def appointment_page(request, token: str):
    link, refused = _open(request, token, LinkPurpose.VIEW)
    if refused:
        return refused
    appointment, now = link.appointment, timezone.now()
    paths = live_paths(appointment, now=now)
    changes = {
        purpose: {"path": paths.get(purpose), "refusal": actions.refusal(appointment, purpose, now=now)}
        for purpose in (LinkPurpose.RESCHEDULE, LinkPurpose.CANCEL)
    }
    return _page(request, "appointment.html", appointment=appointment_summary(appointment), changes=changes,
                 calendar_path=paths.get(LinkPurpose.CALENDAR))  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def reschedule_page(request, token: str):
    link, refused = _open(request, token, LinkPurpose.RESCHEDULE)
    if refused:
        return refused
    appointment, now = link.appointment, timezone.now()
    error, status = "", 200
    if request.method == "POST":
        start = parse_datetime(request.POST.get("slot", ""))
        if start is None or start.tzinfo is None:
            error, status = "Pick one of the free times.", 422
        else:
            done, error, status = _attempt(
                request,
                lambda: actions.link_reschedule(token=token, start=start, now=now),
                "Your appointment was moved",
            )
            if done:
                return done
            appointment.refresh_from_db()
    tz = appointment.location.timezone
    refusal = actions.refusal(appointment, LinkPurpose.RESCHEDULE, now=now)
    day = parse_date(request.GET.get("date") or "") or appointment.scheduled_start_at.astimezone(tz).date()
    slots, empty = [], ""
    if refusal is None:
        try:
            loaded, found = selectors.day_slots(appointment.definition, appointment.location_id, day,
                                                staff_id=appointment.assigned_staff_id, now=now)  # fmt: skip
        except DomainError as exc:
            empty = exc.message
        else:
            slots = [(slot.start.isoformat(), local_label(slot.start, tz, "%H:%M")) for slot in found
                     if slot.start != appointment.scheduled_start_at]  # fmt: skip
            if not found:
                reason = selectors.empty_reason(loaded, day, now=now, staff_id=appointment.assigned_staff_id)
                empty = selectors.EMPTY_DAY_MESSAGES.get(reason, "")
    return _page(request, "reschedule.html", status=status, appointment=appointment_summary(appointment),
                 refusal=refusal, error=error, slots=slots, empty=empty, day=day.strftime("%A %d %B %Y"),
                 previous=(day - timedelta(days=1)).isoformat(), next=(day + timedelta(days=1)).isoformat(),
                 day_value=day.isoformat())  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def cancel_page(request, token: str):
    link, refused = _open(request, token, LinkPurpose.CANCEL)
    if refused:
        return refused
    appointment, now = link.appointment, timezone.now()
    error, status = "", 200
    if request.method == "POST":
        reason = request.POST.get("reason", "")[:1000]
        done, error, status = _attempt(
            request, lambda: actions.link_cancel(token=token, reason=reason, now=now), "Your appointment is cancelled"
        )
        if done:
            return done
        appointment.refresh_from_db()
    return _page(request, "cancel.html", status=status, appointment=appointment_summary(appointment), error=error,
                 refusal=actions.refusal(appointment, LinkPurpose.CANCEL, now=now))  # fmt: skip


@require_http_methods(["GET", "HEAD"])
def calendar_file(request, token: str):
    link, refused = _open(request, token, LinkPurpose.CALENDAR)
    if refused:
        return refused
    body = appointment_ics(appointment_context(link.appointment), now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


def _offer_page(request, token: str, purpose: str):
    link, refused = _open(request, token, purpose)
    if refused:
        return refused
    offer, now = link.offer, timezone.now()
    error, status = "", 200
    if request.method == "POST":
        if purpose == LinkPurpose.CLAIM:
            done, error, status = _attempt(request, lambda: actions.link_claim(token=token, now=now),
                                           "The place is yours")  # fmt: skip
        else:
            done, error, status = _attempt(
                request, lambda: actions.link_decline(token=token, now=now), "You declined the place",
                "Thank you: the place goes to the next person waiting. You stay on the waitlist.",
            )  # fmt: skip
        if done:
            return done
        offer.refresh_from_db()
    return _page(request, f"{purpose}.html", status=status, offer=offer_summary(offer), error=error,
                 refusal=actions.offer_refusal(offer, now=now))  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def claim_page(request, token: str):
    return _offer_page(request, token, LinkPurpose.CLAIM)


@require_http_methods(["GET", "HEAD", "POST"])
def decline_page(request, token: str):
    return _offer_page(request, token, LinkPurpose.DECLINE)
