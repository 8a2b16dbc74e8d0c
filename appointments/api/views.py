from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from appointments import selectors
from appointments.admission import Purpose, definition_admits
from appointments.api import schema as docs
from appointments.api import serializers as s
from appointments.models import (
    AppointmentDefinition,
    DefinitionLocation,
    DefinitionNormalHour,
    DefinitionSpecialHour,
    DefinitionStaff,
)
from appointments.selectors.fastpath import current_schedule_token, definition_by_id
from appointments.services.booking import appointment_book, booking_request
from appointments.services.definitions import (
    definition_create,
    definition_delete,
    definition_location_set,
    definition_staff_add,
    definition_staff_remove,
    definition_update,
)
from appointments.services.idempotency import (
    idempotency_claim,
    idempotency_release,
    idempotency_store,
    request_fingerprint,
)
from appointments.services.lifecycle import EDITABLE, appointment_delete, appointment_update
from appointments.services.links import appointment_link, appointment_unlink
from core.api.views import RecordViewSet, ResourceViewSet
from core.records import record_delete, record_update
from directory.api.views import ProfileScopeMixin
from questionnaires.api.serializers import form_body
from questionnaires.selectors import active_form, booking_form_prefetch

AVAILABILITY_ACTIONS = ("available_slots", "available_slots_range", "available_staff")
STAMP_FILTERS = {"created_at": "datetime", "updated_at": "datetime"}


def definition_queryset():
    return (
        AppointmentDefinition.objects.prefetch_related(
            "normal_hours",
            "special_hours",
            Prefetch("location_links", queryset=DefinitionLocation.objects.select_related("location")),
            Prefetch("staff_links", queryset=DefinitionStaff.objects.select_related("staff")),
            booking_form_prefetch(),
        )
        .select_related("booking_questionnaire__current_version")
        .order_by("id")
    )


class CustomerDefinitionsMixin:
    """Customers see published, non-archived definitions only; anything else is a 404 for them."""

    scope_area = "appointments"

    def definitions(self):
        if self.principal.is_customer:
            return selectors.definitions_for_customers()
        return AppointmentDefinition.objects.all()


class DefinitionViewSet(CustomerDefinitionsMixin, ResourceViewSet):
    customer_actions = ("list", "retrieve", "questions", *AVAILABILITY_ACTIONS)
    read_actions = AVAILABILITY_ACTIONS
    serializer_class = s.DefinitionSerializer
    input_serializer_class = s.DefinitionInput
    filter_fields = {
        "id": "number", "handle": "text", "name": "text", "is_published": "bool", "is_archived": "bool",
        "booking_type": "text", "allow_customer_booking": "bool", "allow_walk_in": "bool", "requires_staff": "bool",
        "customer_must_select_staff": "bool", "allow_waitlist": "bool", "allow_queue": "bool", "queue_code": "text",
        "location_id": "number", **STAMP_FILTERS,
    }  # fmt: skip
    filter_paths = {"location_id": "location_links__location_id"}
    search_fields = ("name", "handle", "description", "short_description")
    sort_fields = {name: name for name in ("id", "handle", "name", "duration_minutes", "created_at", "updated_at")}

    def get_queryset(self):
        # Availability and questions never serialize the nested lists: skip their four prefetch queries.
        if self.action in (*AVAILABILITY_ACTIONS, "questions"):
            return self.definitions().order_by("id")
        return definition_queryset().filter(pk__in=self.definitions().values("pk"))

    def filter_queryset(self, queryset):
        # A relation filter (location_id) can repeat rows; distinct keeps each definition once.
        return super().filter_queryset(queryset).distinct()

    def perform_create(self, data):
        return definition_create(**data)

    def perform_update(self, instance, data):
        return definition_update(instance, **data)

    def perform_destroy(self, instance):
        definition_delete(instance)

    @docs.QUESTIONS
    def questions(self, request, *args, **kwargs):
        definition = self.get_object()
        form = active_form(definition.booking_questionnaire_id)
        return Response({"data": form_body(form)})

    def availability_definition(self) -> tuple[AppointmentDefinition, int | None]:
        """get_object for the availability actions, from the schedule cache (one small query, no ORM compile: the
        fixed cost of a small availability answer, bench/availability.py): the definition and the schedule token
        its caller passes on. The same 404s as get_object: unknown, malformed, or not visible to a customer."""
        token = current_schedule_token()
        try:
            definition = definition_by_id(int(self.kwargs["pk"]), token)
        except (TypeError, ValueError):
            definition = None
        if definition is None or (
            self.principal.is_customer and definition_admits(definition, Purpose.SEE, customer=True) is not None
        ):
            raise Http404("No AppointmentDefinition matches the given query.")  # get_object_or_404's words
        return definition, token

    @docs.AVAILABLE_SLOTS
    def available_slots(self, request, *args, **kwargs):
        definition, token = self.availability_definition()
        data = self.validated_input_of(s.SlotsInput)
        now, staff_id = timezone.now(), data.get("staff_id")
        loaded, found = selectors.day_availability(
            definition, data["location_id"], data["date"], staff_id=staff_id, now=now, token=token
        )
        answer = s.Availability(
            definition, loaded.location, found.slots, day=data["date"],
            staff=None if staff_id is None else loaded.staff[str(staff_id)].profile, reason=found.reason,
        )  # fmt: skip
        return Response(s.DaySlotsResponse(answer).data)

    @docs.AVAILABLE_SLOTS_RANGE
    def available_slots_range(self, request, *args, **kwargs):
        definition, token = self.availability_definition()
        data = self.validated_input_of(s.SlotsRangeInput)
        now, staff_id = timezone.now(), data.get("staff_id")
        loaded, found = selectors.range_availability(
            definition,
            data["location_id"],
            data["start_date"],
            data["end_date"],
            staff_id=staff_id,
            now=now,
            token=token,
        )
        slots, empty = found.slots, found.empty_days
        if data["sort"] == "desc":
            slots = list(reversed(slots))
        answer = s.Availability(definition, loaded.location, slots, start_date=data["start_date"],
                                end_date=data["end_date"], staff_id=staff_id, empty_days=empty)  # fmt: skip
        return Response(s.RangeSlotsResponse().to_representation(answer))  # a plain dict: see core.api.renderers

    @docs.AVAILABLE_STAFF
    def available_staff(self, request, *args, **kwargs):
        definition, token = self.availability_definition()
        data = self.validated_input_of(s.StaffInput)
        loaded, staff = selectors.staff_for_day(
            definition, data["location_id"], data["date"], now=timezone.now(), token=token
        )
        rows = [(info, has_slots) for info, has_slots in staff if has_slots or not data["available_only"]]
        answer = s.Availability(definition, loaded.location, day=data["date"], staff_rows=rows)
        return Response(s.AvailableStaffResponse(answer).data)


class DefinitionChildMixin(CustomerDefinitionsMixin):
    def get_definition(self) -> AppointmentDefinition:
        if not hasattr(self, "_definition"):
            self._definition = get_object_or_404(self.definitions(), pk=self.kwargs["definition_id"])
        return self._definition

    def parent_fields(self) -> dict:
        return {"definition": self.get_definition()}


class DefinitionNormalHourViewSet(DefinitionChildMixin, RecordViewSet):
    customer_actions = ("list", "retrieve")
    paginate = False
    serializer_class = s.DefinitionNormalHourSerializer
    input_serializer_class = s.DefinitionNormalHourInput
    model = DefinitionNormalHour


class DefinitionSpecialHourViewSet(DefinitionChildMixin, RecordViewSet):
    customer_actions = ("list", "retrieve")
    paginate = False
    serializer_class = s.DefinitionSpecialHourSerializer
    input_serializer_class = s.DefinitionSpecialHourInput
    model = DefinitionSpecialHour
    ordering = ("start_at", "id")


class DefinitionLocationViewSet(DefinitionChildMixin, ResourceViewSet):
    """GET and DELETE take the link row's id; PUT takes the location id, as Omneo does."""

    customer_actions = ("list", "retrieve")
    paginate = False
    lookup_url_kwarg = "location_id"
    serializer_class = s.DefinitionLocationSerializer
    input_serializer_class = s.DefinitionLocationInput

    def get_queryset(self):
        return DefinitionLocation.objects.filter(definition=self.get_definition()).select_related("location")

    def perform_create(self, data):
        return definition_location_set(self.get_definition(), **data)

    @extend_schema(request=s.DefinitionLocationUpdateInput)
    def update(self, request, *args, **kwargs):
        link = get_object_or_404(self.get_queryset(), location_id=kwargs["location_id"])
        data = self.validated_input_of(s.DefinitionLocationUpdateInput)
        link = definition_location_set(self.get_definition(), location=link.location, is_active=data["is_active"])
        return self.output(self.refetch(link))

    def perform_destroy(self, instance):
        record_delete(instance)


class DefinitionStaffViewSet(DefinitionChildMixin, ResourceViewSet):
    customer_actions = ("list", "retrieve")
    paginate = False
    serializer_class = s.DefinitionStaffSerializer
    input_serializer_class = s.DefinitionStaffInput

    def get_queryset(self):
        return DefinitionStaff.objects.filter(definition=self.get_definition()).select_related("staff")

    def perform_create(self, data):
        return definition_staff_add(self.get_definition(), **data)

    @extend_schema(request=s.DefinitionStaffUpdateInput)
    def update(self, request, *args, **kwargs):
        # An existing row changes only is_active and sort_order; the staff member stays.
        link = record_update(self.get_object(), **self.validated_input_of(s.DefinitionStaffUpdateInput))
        return self.output(self.refetch(link))

    def perform_destroy(self, instance):
        definition_staff_remove(instance)


class VisibleDefinitionsViewSet(ProfileScopeMixin, ResourceViewSet):
    """GET /profiles/{uuid}/appointment-definitions/visibility."""

    scope_area = "appointments"
    customer_actions = ("list",)
    serializer_class = s.DefinitionSerializer
    paginate = False

    def list(self, request, *args, **kwargs):
        visible = selectors.definitions_visible_to(self.get_profile())
        queryset = definition_queryset().filter(pk__in=[d.pk for d in visible])
        return Response({"data": self.get_serializer(queryset, many=True).data})


# Appointments ----------------------------------------------------------------------------------------------


@docs.appointment_schema
class AppointmentViewSet(ProfileScopeMixin, ResourceViewSet):
    """/appointments and /profiles/{uuid}/appointments (the latter scoped to that profile, see the subclass)."""

    scope_area = "appointments"
    input_serializer_class = s.AppointmentCreateInput
    customer_actions = ("list", "retrieve", "create", "update", "events")
    serializer_class = s.AppointmentSerializer
    filter_fields = {
        "id": "number", "appointment_definition_id": "number", "profile_id": "uuid", "location_id": "number",
        "assigned_staff_id": "uuid", "status": "text", "scheduled_start_at": "datetime",
        "scheduled_end_at": "datetime", "confirmed_at": "datetime", "cancelled_at": "datetime",
        "completed_at": "datetime", "approved_by": "text", "cancelled_by": "text", "rejected_by": "text",
        "questionnaire_version_id": "number", **STAMP_FILTERS,
    }  # fmt: skip
    filter_paths = {"appointment_definition_id": "definition_id"}
    search_fields = ("notes", "profile__first_name", "profile__last_name", "profile__email")
    sort_fields = {name: name for name in ("id", "status", "scheduled_start_at", "scheduled_end_at", "created_at",
                                            "updated_at")}  # fmt: skip

    def get_queryset(self):
        queryset = selectors.appointments_with_relations()
        profile_id = self.scoped_profile_id()
        return queryset if profile_id is None else queryset.filter(profile_id=profile_id)

    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return self._create()
        fingerprint = request_fingerprint("POST", request.path, request.data)
        record, claimed = idempotency_claim(actor=self.principal.actor, key=key, fingerprint=fingerprint)
        if not claimed:
            return Response(record.body, status=record.status_code)
        try:
            response = self._create()
        except Exception:
            idempotency_release(record)
            raise
        idempotency_store(record, status_code=response.status_code, body=response.data)
        return response

    def _create(self):
        scoped = "profile_id" in self.kwargs  # /profiles/{uuid}/appointments: the profile comes from the URL
        # Resolved before the body is read: somebody else's profile is a 404 for a customer, whatever the body.
        url_profile_id = self.scoped_profile_id() if scoped else None
        data = self.validated_input_of(self.input_serializer_class)
        profile_id = url_profile_id if scoped else data["profile_id"]
        booking = booking_request(
            data["appointment_definition_id"], profile_id, data["location_id"], data["scheduled_start_at"],
            staff=data.get("assigned_staff_id"), notes=data.get("notes"), answers=data.get("answers"),
            end=data.get("scheduled_end_at"), timezone=data.get("timezone"), meta=data.get("meta"),
            transaction=data.get("transaction"), order=data.get("order"),
            override_availability=data["override_availability"],
        )  # fmt: skip
        appointment = appointment_book(
            booking, actor=self.principal.actor,
            customer_id=self.principal.profile_id if self.principal.is_customer else None,
        )  # fmt: skip
        # The service returns the row with its definition, profile and location loaded: no re-read needed.
        return self.output(appointment, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        appointment = self.get_object()
        data = self.validated_input_of(s.AppointmentUpdateInput)
        reschedule = None
        if "scheduled_start_at" in data:
            reschedule = {
                "start": data["scheduled_start_at"],
                "end": data.get("scheduled_end_at"),
                "timezone_": data.get("timezone"),
                "assigned_staff_id": str(data["assigned_staff_id"]) if data.get("assigned_staff_id") else None,
                "override": data["override_availability"],
            }
        appointment = appointment_update(
            appointment_id=appointment.pk,
            actor=self.principal.actor,
            customer=self.principal.is_customer,
            status=data.get("status"),
            reason=data.get("reason") or "",
            reschedule=reschedule,
            fields={name: data[name] for name in EDITABLE if name in data},
        )
        return self.output(self.refetch(appointment))

    def perform_destroy(self, instance):
        if self.principal.is_customer:
            raise PermissionDenied("Customers cancel appointments (PUT status cancelled) rather than delete them.")
        appointment_delete(appointment_id=instance.pk, actor=self.principal.actor)

    @docs.EVENTS
    def events(self, request, *args, **kwargs):
        appointment = self.get_object()
        events = appointment.events.order_by("at", "id")
        return Response({"data": s.AppointmentEventSerializer(events, many=True).data})

    @docs.LINK
    def link(self, request, *args, **kwargs):
        appointment = self.get_object()
        data = self.validated_input_of(s.LinkInput)
        appointment_link(appointment_id=appointment.pk, type=data["type"], target_id=data["id"])
        refreshed = self.get_queryset().prefetch_related("links__profile").get(pk=appointment.pk)
        return Response({"data": s.AppointmentWithLinksSerializer(refreshed).data})

    @docs.UNLINK
    def unlink(self, request, *args, **kwargs):
        appointment = self.get_object()
        data = self.validated_input_of(s.LinkInput)
        appointment_unlink(appointment_id=appointment.pk, type=data["type"], target_id=data["id"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProfileAppointmentViewSet(AppointmentViewSet):
    """/profiles/{uuid}/appointments: the profile comes from the URL, not the create body."""

    input_serializer_class = s.ProfileAppointmentCreateInput
