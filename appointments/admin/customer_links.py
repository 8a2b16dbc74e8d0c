"""The appointment page's "Customer links" (docs/customer-links.md): which signed links went out in which messages
and when each was used, read from the link rows, the notification outbox and the audit trail. Read-only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.dateparse import parse_datetime

from appointments.models import CustomerLink
from appointments.services.customer_links import USE
from core.localtime import local_label
from directory.admin_base import ConsoleTabularInline
from directory.models import AuditRecord
from notifications.models import Notification

WHEN = "%d %b %Y %H:%M %Z"


class CustomerLinkInline(ConsoleTabularInline):
    model = CustomerLink
    fk_name = "appointment"
    extra = 0
    can_delete = False
    location_field = "appointment__location"
    verbose_name = "customer link"
    fields = ("purpose", "issued", "expires", "sent_in", "used")
    readonly_fields = fields

    def has_view_permission(self, request, obj=None) -> bool:
        # Whoever may see the appointment may see its links' history (the secrets are never shown).
        return request.user.has_perm("appointments.view_appointment")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def _tz(self, link: CustomerLink):
        return link.appointment.location.timezone

    @admin.display(description="Issued (local)")
    def issued(self, link: CustomerLink) -> str:
        return local_label(link.created_at, self._tz(link), WHEN)

    @admin.display(description="Works until (local)")
    def expires(self, link: CustomerLink) -> str:
        return local_label(link.expires_at, self._tz(link), WHEN)

    @admin.display(description="Sent in")
    def sent_in(self, link: CustomerLink) -> str:
        """The messages whose context carried this link: event, and when sent (or the row's status)."""
        rows = (
            Notification.objects.filter(subject_type="appointment", subject_id=str(link.appointment_id))
            .select_related("target")
            .order_by("due_at", "id")
        )
        found = []
        for row in rows:
            url = ((row.context or {}).get("links") or {}).get(link.purpose) or ""
            if f"/{link.key}:" in url:
                when = f"sent {local_label(row.sent_at, self._tz(link), WHEN)}" if row.sent_at else row.status
                found.append(f"{row.event} ({row.target.name}, {when})")
        return "; ".join(found) or "—"

    @admin.display(description="Used (local)")
    def used(self, link: CustomerLink) -> str:
        """Each use from the audit trail (a one-time link has one); what it did for a reschedule."""
        uses = AuditRecord.objects.filter(action=USE, subject_type="appointment", subject_id=str(link.appointment_id),
                                          data__link_id=link.pk).order_by("at", "id")  # fmt: skip
        shown = []
        for record in uses:
            text = local_label(record.at, self._tz(link), WHEN)
            moved = [parse_datetime(record.data.get(name) or "") for name in ("from", "to")]
            if all(moved):
                text += f" (moved {local_label(moved[0], self._tz(link), '%d %b %H:%M')} \u2192 "
                text += f"{local_label(moved[1], self._tz(link), '%d %b %H:%M')})"
            shown.append(text)
        return "; ".join(shown) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("appointment__location").order_by("id")
