"""/appointment-queues: walk-in entries with their computed position and estimated wait, and conversion."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from appointments.api.serializers import AppointmentSerializer, LocationBriefSerializer, PersonSerializer
from appointments.enums import QueueStatus
from appointments.models import QueueEntry
from appointments.selectors import appointments_with_relations
from appointments.selectors import queue as queue_selectors
from appointments.services.queue import queue_convert, queue_delete, queue_join, queue_update
from core.api.serializers import InputSerializer, OutputModelSerializer
from core.api.views import ResourceViewSet
from directory.api.views import ProfileScopeMixin


class QueueEntrySerializer(OutputModelSerializer):
    appointment_definition_id = serializers.IntegerField(source="definition_id")
    location = LocationBriefSerializer()
    profile_id = serializers.UUIDField(allow_null=True)
    profile = PersonSerializer(allow_null=True)
    staff_id = serializers.UUIDField(allow_null=True)
    staff = PersonSerializer(allow_null=True)
    position = serializers.SerializerMethodField()
    estimated_wait_minutes = serializers.SerializerMethodField()

    class Meta:
        model = QueueEntry
        fields = (
            "id", "appointment_definition_id", "location_id", "location", "profile_id", "profile", "staff_id",
            "staff", "appointment_id", "status", "position", "estimated_wait_minutes", "called_at", "served_at",
            "cancelled_at", "notes", "meta", "created_at", "updated_at",
        )  # fmt: skip

    def _figures(self, entry) -> queue_selectors.QueueFigures:
        figures = self.context.get("queue_figures")
        if figures is None:  # kept in the context, so position and estimated wait share one computation
            figures = self.context["queue_figures"] = {}
        if entry.pk not in figures:
            figures.update(queue_selectors.queue_figures([entry], now=timezone.now()))
        return figures[entry.pk]

    def get_position(self, entry) -> int | None:
        return self._figures(entry).position

    def get_estimated_wait_minutes(self, entry) -> int | None:
        return self._figures(entry).estimated_wait_minutes

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("customer") and data["staff"] is not None:
            data["staff"] = {**data["staff"], "email": None}
        return data


class QueueCreateInput(InputSerializer):
    appointment_definition_id = serializers.IntegerField()
    location_id = serializers.IntegerField()
    profile_id = serializers.UUIDField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=[QueueStatus.WAITING], required=False)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    meta = serializers.DictField(required=False, allow_null=True)


class QueueUpdateInput(InputSerializer):
    status = serializers.ChoiceField(choices=QueueStatus.choices, required=False)
    staff_id = serializers.UUIDField(required=False, allow_null=True)
    profile_id = serializers.UUIDField(
        required=False,
        help_text="Names the customer of an anonymous walk-in; another person than the entry's is a 422.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    meta = serializers.DictField(required=False, allow_null=True)
    appointment_id = serializers.IntegerField(required=False, allow_null=True)

    def validate_appointment_id(self, value):
        raise serializers.ValidationError("Use POST /appointment-queues/{id}/convert to create the appointment.")


class QueueConvertInput(InputSerializer):
    profile_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Who the walk-in was: required when the entry is anonymous (the entry then records it); "
        "a different person than the entry names is a 422.",
    )


class QueueViewSet(ProfileScopeMixin, ResourceViewSet):
    """/appointment-queues; customers join as themselves, read their own entry and cancel it."""

    scope_area = "appointments"
    customer_actions = ("list", "retrieve", "create", "update")
    serializer_class = QueueEntrySerializer
    filter_fields = {
        "id": "number", "appointment_definition_id": "number", "profile_id": "uuid", "location_id": "number",
        "staff_id": "uuid", "appointment_id": "number", "status": "text", "notes": "text",
        "created_at": "datetime", "updated_at": "datetime",
    }  # fmt: skip
    filter_paths = {"appointment_definition_id": "definition_id"}
    search_fields = ("notes",)
    sort_fields = {name: name for name in ("id", "status", "created_at", "updated_at", "called_at", "served_at")}

    def get_queryset(self):
        queryset = queue_selectors.queue_entries()
        profile_id = self.scoped_profile_id()
        return queryset if profile_id is None else queryset.filter(profile_id=profile_id)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "queue_figures": queue_selectors.queue_figures(
            page, now=timezone.now())}  # fmt: skip
        return self.get_paginated_response(QueueEntrySerializer(page, many=True, context=context).data)

    @extend_schema(request=QueueCreateInput, responses={201: QueueEntrySerializer})
    def create(self, request, *args, **kwargs):
        data = self.validated_input_of(QueueCreateInput)
        customer = self.principal.is_customer
        entry = queue_join(
            definition_id=data["appointment_definition_id"], location_id=data["location_id"],
            profile_id=data.get("profile_id"), notes=data.get("notes") or "", meta=data.get("meta"),
            actor=self.principal.actor, customer_id=self.principal.profile_id if customer else None,
        )  # fmt: skip
        return self.output(self.refetch(entry), 201)

    @extend_schema(request=QueueUpdateInput, responses={200: QueueEntrySerializer})
    def update(self, request, *args, **kwargs):
        entry = self.get_object()
        data = self.validated_input_of(QueueUpdateInput)
        entry = queue_update(
            entry_id=entry.pk, actor=self.principal.actor, customer=self.principal.is_customer,
            status=data.get("status"), staff_id=data.get("staff_id"), profile_id=data.get("profile_id"),
            reason=data.get("reason") or "", fields={name: data[name] for name in ("notes", "meta") if name in data},
        )  # fmt: skip
        return self.output(self.refetch(entry))

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        queue_delete(entry_id=self.get_object().pk)
        return Response(status=204)

    @extend_schema(request=QueueConvertInput, responses={201: AppointmentSerializer})
    def convert(self, request, *args, **kwargs):
        """Turn a served walk-in into a completed appointment linked both ways: 201 with the appointment."""
        if self.principal.is_customer:
            raise PermissionDenied("Only staff can convert a walk-in.")
        entry = self.get_object()
        data = self.validated_input_of(QueueConvertInput)
        appointment = queue_convert(entry_id=entry.pk, actor=self.principal.actor, profile_id=data.get("profile_id"))
        appointment = appointments_with_relations().get(pk=appointment.pk)
        return Response({"data": AppointmentSerializer(appointment, context=self.get_serializer_context()).data},
                        status=201)  # fmt: skip
