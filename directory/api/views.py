from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.api.views import RecordViewSet, ResourceViewSet
from directory.api import serializers as s
from directory.enums import TokenKind
from directory.models import (
    ApiToken,
    Location,
    LocationNormalHour,
    LocationSpecialHour,
    Profile,
    ProfileNormalHour,
    ProfileSpecialHour,
    StaffAssignment,
)
from directory.selectors import locations_visible_to_customers
from directory.services.locations import location_create
from directory.services.tokens import token_issue, token_revoke

STAMP_FILTERS = {"created_at": "datetime", "updated_at": "datetime"}


# Locations -----------------------------------------------------------------------------------------------


class LocationViewSet(RecordViewSet):
    scope_area = "locations"
    customer_actions = ("list", "retrieve")
    serializer_class = s.LocationSerializer
    input_serializer_class = s.LocationInput
    filter_fields = {
        "id": "number", "handle": "text", "name": "text", "timezone": "text", "is_published": "bool", **STAMP_FILTERS,
    }  # fmt: skip
    search_fields = ("name", "handle", "email", "phone")
    sort_fields = {name: name for name in ("id", "handle", "name", "timezone", "created_at", "updated_at")}

    def get_queryset(self):
        base = locations_visible_to_customers() if self.principal.is_customer else Location.objects.all()
        return base.prefetch_related("normal_hours", "special_hours").order_by("id")

    def perform_create(self, data):
        return location_create(**data)


class LocationChildMixin:
    """Rows nested under /locations/{location_id}/...: a missing parent is a 404."""

    scope_area = "locations"

    def get_location(self) -> Location:
        if not hasattr(self, "_location"):
            base = locations_visible_to_customers() if self.principal.is_customer else Location.objects.all()
            self._location = get_object_or_404(base, pk=self.kwargs["location_id"])
        return self._location

    def parent_fields(self) -> dict:
        return {"location": self.get_location()}


class LocationNormalHourViewSet(LocationChildMixin, RecordViewSet):
    customer_actions = ("list", "retrieve")
    paginate = False
    serializer_class = s.LocationNormalHourSerializer
    input_serializer_class = s.LocationNormalHourInput
    model = LocationNormalHour


class LocationSpecialHourViewSet(LocationChildMixin, RecordViewSet):
    customer_actions = ("list", "retrieve")
    paginate = False
    serializer_class = s.LocationSpecialHourSerializer
    input_serializer_class = s.LocationSpecialHourInput
    model = LocationSpecialHour
    ordering = ("start_at", "id")


class StaffAssignmentViewSet(LocationChildMixin, RecordViewSet):
    serializer_class = s.StaffAssignmentSerializer
    input_serializer_class = s.StaffAssignmentInput
    filter_fields = {
        "profile_id": "uuid", "assignment_type": "text", "role_type": "text", "is_active": "bool",
        "is_default": "bool", **STAMP_FILTERS,
    }  # fmt: skip
    sort_fields = {name: name for name in ("id", "sort_order", "starts_at", "ends_at", "created_at")}

    def get_queryset(self):
        return (
            StaffAssignment.objects.filter(location=self.get_location())
            .select_related("location", "profile")
            .order_by("sort_order", "id")
        )


# Profiles ------------------------------------------------------------------------------------------------


class ProfileScopeMixin:
    """Profiles a caller may reach: a customer token only its own (anything else is a 404)."""

    scope_area = "profiles"

    def profiles(self):
        principal = self.principal
        if principal.is_customer:
            return Profile.objects.filter(pk=principal.profile_id)
        return Profile.objects.all()

    def resolve_profile_id(self, raw: str):
        if raw == "me":
            if not self.principal.is_customer:
                raise NotFound("'me' is only available to customer tokens.")
            return self.principal.profile_id
        return raw

    def get_profile(self) -> Profile:
        if not hasattr(self, "_profile"):
            self._profile = get_object_or_404(self.profiles(), pk=self.resolve_profile_id(self.kwargs["profile_id"]))
        return self._profile

    def scoped_profile_id(self):
        """The profile the URL (/profiles/{uuid}/...) or a customer token restricts this request to, or None.

        A customer naming somebody else's profile in the URL gets a 404, before anything else is read."""
        raw = self.kwargs.get("profile_id")
        if raw is not None:
            profile_id = self.resolve_profile_id(raw)
            if self.principal.is_customer and str(profile_id) != str(self.principal.profile_id):
                raise NotFound("Not found.")
            return profile_id
        return self.principal.profile_id if self.principal.is_customer else None


class ProfileViewSet(ProfileScopeMixin, RecordViewSet):
    customer_actions = ("retrieve", "update")
    serializer_class = s.ProfileSerializer
    input_serializer_class = s.ProfileInput
    filter_fields = {
        "id": "uuid", "email": "text", "first_name": "text", "last_name": "text", "mobile_phone": "text",
        **STAMP_FILTERS,
    }  # fmt: skip
    search_fields = ("first_name", "last_name", "email", "mobile_phone")
    sort_fields = {name: name for name in ("first_name", "last_name", "email", "created_at", "updated_at")}

    def get_queryset(self):
        return self.profiles().order_by("created_at", "id")

    def get_object(self):
        return self.get_profile()


class ProfileChildMixin(ProfileScopeMixin):
    def parent_fields(self) -> dict:
        return {"profile": self.get_profile()}


class ProfileNormalHourViewSet(ProfileChildMixin, RecordViewSet):
    paginate = False
    serializer_class = s.ProfileNormalHourSerializer
    input_serializer_class = s.ProfileNormalHourInput
    model = ProfileNormalHour


class ProfileSpecialHourViewSet(ProfileChildMixin, RecordViewSet):
    paginate = False
    serializer_class = s.ProfileSpecialHourSerializer
    input_serializer_class = s.ProfileSpecialHourInput
    model = ProfileSpecialHour
    ordering = ("start_at", "id")


class ProfileTokenViewSet(ProfileChildMixin, ResourceViewSet):
    """Customer tokens for a profile, issued by integrations (customer tokens cannot mint more)."""

    scope_area = "tokens"
    serializer_class = s.TokenSerializer
    input_serializer_class = s.CustomerTokenInput

    def get_queryset(self):
        return ApiToken.objects.filter(profile=self.get_profile(), kind=TokenKind.CUSTOMER)

    @extend_schema(responses={201: s.IssuedTokenSerializer})
    def create(self, request, *args, **kwargs):
        data = self.validated_input()
        token, raw = token_issue(
            name=data["name"],
            kind=TokenKind.CUSTOMER,
            profile=self.get_profile(),
            expires_at=data.get("expires_at"),
            created_by=self.principal.actor,
        )
        body = self.get_serializer(token).data | {"token": raw}
        return Response({"data": body}, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        token_revoke(instance)
