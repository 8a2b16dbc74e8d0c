"""/appointment-waitlists: entries, their offer state, claim and decline."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from appointments.api.serializers import AppointmentSerializer, LocationBriefSerializer, PersonSerializer
from appointments.enums import OfferStatus, WaitlistStatus
from appointments.models import WaitlistEntry, WaitlistOffer
from appointments.selectors import appointments_with_relations
from appointments.services.waitlist import (
    EDITABLE,
    waitlist_claim,
    waitlist_decline,
    waitlist_delete,
    waitlist_join,
    waitlist_update,
)
from core.api.fields import LocalDateTimeField
from core.api.serializers import InputSerializer, OutputModelSerializer
from core.api.timezones import TimeZoneSerializerField
from core.api.views import ResourceViewSet
from core.localtime import utc_iso
from directory.api.views import ProfileScopeMixin


class WaitlistEntrySerializer(OutputModelSerializer):
    appointment_definition_id = serializers.IntegerField(source="definition_id")
    profile_id = serializers.UUIDField()
    profile = PersonSerializer()
    location = LocationBriefSerializer()
    desired_start_at = LocalDateTimeField(allow_null=True)
    desired_staff_id = serializers.UUIDField(allow_null=True)
    offer_id = serializers.SerializerMethodField()
    offered_at = serializers.SerializerMethodField()
    offer_expires_at = serializers.SerializerMethodField()
    offered_start_at = serializers.SerializerMethodField()
    offered_end_at = serializers.SerializerMethodField()
    offered_staff_id = serializers.SerializerMethodField()

    class Meta:
        model = WaitlistEntry
        fields = (
            "id", "appointment_definition_id", "profile_id", "profile", "location_id", "location", "appointment_id",
            "status", "desired_start_at", "desired_staff_id", "notes", "meta", "offer_id", "offered_at",
            "offer_expires_at", "offered_start_at", "offered_end_at", "offered_staff_id", "fulfilled_at",
            "cancelled_at", "created_at", "updated_at",
        )  # fmt: skip

    @staticmethod
    def _offer(entry) -> WaitlistOffer | None:
        offers = getattr(entry, "open_offers", None)
        if offers is None:
            return entry.offers.filter(status=OfferStatus.OPEN).first()
        return offers[0] if offers else None

    def get_offer_id(self, entry) -> int | None:
        offer = self._offer(entry)
        return offer.pk if offer else None

    def get_offered_at(self, entry) -> str | None:
        offer = self._offer(entry)
        return utc_iso(offer.offered_at) if offer else None

    def get_offer_expires_at(self, entry) -> str | None:
        offer = self._offer(entry)
        return utc_iso(offer.expires_at) if offer else None

    def get_offered_start_at(self, entry) -> str | None:
        offer = self._offer(entry)
        return utc_iso(offer.start_at) if offer else None

    def get_offered_end_at(self, entry) -> str | None:
        offer = self._offer(entry)
        return utc_iso(offer.end_at) if offer else None

    def get_offered_staff_id(self, entry) -> str | None:
        offer = self._offer(entry)
        return str(offer.staff_id) if offer and offer.staff_id else None


class WaitlistCreateInput(InputSerializer):
    appointment_definition_id = serializers.IntegerField()
    profile_id = serializers.UUIDField()
    location_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[WaitlistStatus.ACTIVE], required=False)
    desired_start_at = LocalDateTimeField(required=False, allow_null=True)
    timezone = TimeZoneSerializerField(required=False, allow_null=True)
    desired_staff_id = serializers.UUIDField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    meta = serializers.DictField(required=False, allow_null=True)


class ProfileWaitlistCreateInput(WaitlistCreateInput):
    profile_id = serializers.UUIDField(required=False, allow_null=True)


class WaitlistUpdateInput(InputSerializer):
    status = serializers.ChoiceField(choices=WaitlistStatus.choices, required=False)
    appointment_id = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    desired_start_at = LocalDateTimeField(required=False, allow_null=True)
    timezone = TimeZoneSerializerField(required=False, allow_null=True)
    desired_staff_id = serializers.UUIDField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    meta = serializers.DictField(required=False, allow_null=True)


def waitlist_queryset():
    return WaitlistEntry.objects.select_related("profile", "location").prefetch_related(
        Prefetch("offers", queryset=WaitlistOffer.objects.filter(status=OfferStatus.OPEN), to_attr="open_offers")
    )


class WaitlistViewSet(ProfileScopeMixin, ResourceViewSet):
    """/appointment-waitlists and /profiles/{uuid}/appointment-waitlists; customers reach only their own."""

    scope_area = "appointments"
    customer_actions = ("list", "retrieve", "create", "update", "claim", "decline")
    serializer_class = WaitlistEntrySerializer
    filter_fields = {
        "id": "number", "appointment_definition_id": "number", "profile_id": "uuid", "location_id": "number",
        "appointment_id": "number", "status": "text", "desired_start_at": "datetime", "desired_staff_id": "uuid",
        "notes": "text", "created_at": "datetime", "updated_at": "datetime",
    }  # fmt: skip
    filter_paths = {"appointment_definition_id": "definition_id"}
    search_fields = ("notes",)
    sort_fields = {name: name for name in ("id", "status", "desired_start_at", "created_at", "updated_at")}

    def get_queryset(self):
        queryset = waitlist_queryset().order_by("created_at", "id")
        profile_id = self.scoped_profile_id()
        return queryset if profile_id is None else queryset.filter(profile_id=profile_id)

    @extend_schema(
        request=WaitlistCreateInput,
        responses={201: WaitlistEntrySerializer},
    )
    def create(self, request, *args, **kwargs):
        scoped = "profile_id" in self.kwargs
        # Resolved before the body is read: somebody else's profile is a 404 for a customer, whatever the body.
        url_profile_id = self.scoped_profile_id() if scoped else None
        data = self.validated_input_of(ProfileWaitlistCreateInput if scoped else WaitlistCreateInput)
        customer = self.principal.is_customer
        entry = waitlist_join(
            definition_id=data["appointment_definition_id"],
            profile_id=url_profile_id if scoped else data["profile_id"],
            location_id=data["location_id"], desired_start_at=data.get("desired_start_at"),
            timezone_=data.get("timezone"), desired_staff_id=data.get("desired_staff_id"),
            notes=data.get("notes") or "", meta=data.get("meta"), actor=self.principal.actor,
            customer_id=self.principal.profile_id if customer else None,
        )  # fmt: skip
        return self.output(self.refetch(entry), 201)

    @extend_schema(
        request=WaitlistUpdateInput,
        responses={200: WaitlistEntrySerializer},
    )
    def update(self, request, *args, **kwargs):
        entry = self.get_object()
        data = self.validated_input_of(WaitlistUpdateInput)
        desired = {}
        if "desired_start_at" in data:
            desired = {"desired_start_at": data["desired_start_at"], "timezone_": data.get("timezone")}
        if "desired_staff_id" in data:
            desired["desired_staff_id"] = data["desired_staff_id"]
        customer = self.principal.is_customer
        if customer and (desired or "meta" in data or "appointment_id" in data):
            raise PermissionDenied("Customers can only cancel their waitlist entry or change its notes.")
        entry = waitlist_update(
            entry_id=entry.pk, actor=self.principal.actor, customer=customer, status=data.get("status"),
            appointment_id=data.get("appointment_id"), reason=data.get("reason") or "", desired=desired,
            fields={name: data[name] for name in EDITABLE if name in data},
        )  # fmt: skip
        return self.output(self.refetch(entry))

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        if self.principal.is_customer:
            raise PermissionDenied("Customers cancel their entry (PUT status cancelled) rather than delete it.")
        waitlist_delete(entry_id=self.get_object().pk, actor=self.principal.actor)
        return Response(status=204)

    @extend_schema(request=None, responses={201: AppointmentSerializer})
    def claim(self, request, *args, **kwargs):
        """Book exactly the offered slot and fulfil the entry (one transaction): 201 with the appointment."""
        entry = self.get_object()
        appointment = waitlist_claim(entry_id=entry.pk, actor=self.principal.actor)
        appointment = appointments_with_relations().get(pk=appointment.pk)
        return Response({"data": AppointmentSerializer(appointment, context=self.get_serializer_context()).data},
                        status=201)  # fmt: skip

    @extend_schema(request=None, responses={200: WaitlistEntrySerializer})
    def decline(self, request, *args, **kwargs):
        """Decline the open offer: the entry stays active and the place goes to the next in line."""
        entry = self.get_object()
        entry = waitlist_decline(entry_id=entry.pk, actor=self.principal.actor)
        return self.output(self.refetch(entry))
