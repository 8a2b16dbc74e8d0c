"""Waitlist entries in the console, with their offer state; fulfil and cancel go through waitlist_transition."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Prefetch

from appointments.enums import HOLDING_STATUSES, OfferStatus, WaitlistStatus
from appointments.models import Appointment, WaitlistEntry, WaitlistEvent, WaitlistOffer
from appointments.services.waitlist import waitlist_transition
from core.errors import DomainError
from core.localtime import local_label
from directory.admin_base import ActorColumn, ConsoleModelAdmin, ConsoleTabularInline, actor_of, json_field


def local(value, tz) -> str:
    return local_label(value, tz) or "-"


class WaitlistOfferInline(ConsoleTabularInline):
    model = WaitlistOffer
    extra = 0
    can_delete = False
    fields = ("status", "start_at", "staff", "offered_at", "expires_at", "closed_at", "appointment")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class WaitlistEventInline(ActorColumn, ConsoleTabularInline):
    model = WaitlistEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor_name", "from_status", "to_status", "reason", "data_view")
    readonly_fields = fields
    data_view = json_field("data", "Data")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class OfferStateFilter(admin.SimpleListFilter):
    title = "offer"
    parameter_name = "offer"

    def lookups(self, request, model_admin):
        return (("open", "Open offer"), ("none", "No open offer"))

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(offers__status=OfferStatus.OPEN)
        if self.value() == "none":
            return queryset.exclude(offers__status=OfferStatus.OPEN)
        return queryset


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ConsoleModelAdmin):
    location_field = "location"
    list_display = ("id", "created", "customer", "definition", "location", "desired", "status", "offer_slot",
                    "offer_expires")  # fmt: skip
    list_filter = ("status", OfferStateFilter, "location", "definition")
    list_select_related = ("definition", "location", "profile")
    search_fields = ("=id", "profile__first_name", "profile__last_name", "profile__email", "notes")
    ordering = ("created_at", "id")
    readonly_fields = ("definition", "profile", "location", "status", "appointment", "desired_start_at",
                       "desired_staff", "fulfilled_at", "cancelled_at", "created_at")  # fmt: skip
    fields = (*readonly_fields, "notes")
    inlines = (WaitlistOfferInline, WaitlistEventInline)
    actions = ("fulfil_with_their_appointment", "cancel_entries")

    def has_add_permission(self, request) -> bool:
        return False  # customers and integrations join through the API

    def get_queryset(self, request):
        open_offers = WaitlistOffer.objects.filter(status=OfferStatus.OPEN)
        return super().get_queryset(request).prefetch_related(Prefetch("offers", open_offers, to_attr="open_offers"))

    @staticmethod
    def _offer(obj: WaitlistEntry) -> WaitlistOffer | None:
        offers = getattr(obj, "open_offers", None)
        return offers[0] if offers else None

    @admin.display(description="Joined (local)", ordering="created_at")
    def created(self, obj: WaitlistEntry) -> str:
        return local(obj.created_at, obj.location.timezone)

    @admin.display(description="Customer", ordering="profile__last_name")
    def customer(self, obj: WaitlistEntry) -> str:
        return str(obj.profile)

    @admin.display(description="Desired (local)", ordering="desired_start_at")
    def desired(self, obj: WaitlistEntry) -> str:
        return local(obj.desired_start_at, obj.location.timezone) if obj.desired_start_at else "any time"

    @admin.display(description="Offered slot (local)")
    def offer_slot(self, obj: WaitlistEntry) -> str:
        offer = self._offer(obj)
        return local(offer.start_at, obj.location.timezone) if offer else "-"

    @admin.display(description="Offer expires (local)")
    def offer_expires(self, obj: WaitlistEntry) -> str:
        offer = self._offer(obj)
        return local(offer.expires_at, obj.location.timezone) if offer else "-"

    def _move(self, request, queryset, to: str, label: str, appointment_of=None) -> None:
        moved = 0
        for entry in queryset.order_by("pk"):
            try:
                appointment_id = appointment_of(entry) if appointment_of else None
                waitlist_transition(entry_id=entry.pk, to=to, appointment_id=appointment_id, actor=actor_of(request))
                moved += 1
            except DomainError as exc:
                self.message_user(request, f"#{entry.pk}: {exc.message}", messages.ERROR)
        if moved:
            self.message_user(request, f"{label}: {moved} entr{'y' if moved == 1 else 'ies'}.", messages.SUCCESS)

    @admin.action(description="Fulfil with the customer's latest appointment for it")
    def fulfil_with_their_appointment(self, request, queryset):
        def appointment_of(entry: WaitlistEntry):
            found = (
                Appointment.objects.filter(definition_id=entry.definition_id, location_id=entry.location_id,
                                           profile_id=entry.profile_id, status__in=HOLDING_STATUSES)
                .order_by("-created_at", "-id")
                .values_list("pk", flat=True)
                .first()
            )  # fmt: skip
            if found is None:
                raise DomainError("The customer has no booked appointment for this service here.")
            return found

        self._move(request, queryset, WaitlistStatus.FULFILLED, "Fulfilled", appointment_of)

    @admin.action(description="Cancel selected entries")
    def cancel_entries(self, request, queryset):
        self._move(request, queryset, WaitlistStatus.CANCELLED, "Cancelled")
