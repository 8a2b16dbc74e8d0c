"""The base every resource view builds on: Omneo envelopes, 201/200/204, partial PUT, services for writes."""

from __future__ import annotations

from rest_framework import status, viewsets
from rest_framework.response import Response

from core.principal import Principal, principal_of
from core.records import record_create, record_delete, record_update


class ResourceViewSet(viewsets.GenericViewSet):
    """CRUD with `{"data": ...}` envelopes.

    Subclasses set `serializer_class` (output), optionally `input_serializer_class`, and implement the writes
    by calling services in `perform_create(data)`, `perform_update(instance, data)`, `perform_destroy(instance)`.
    Input serializers only validate; they never save.
    """

    input_serializer_class = None
    paginate = True

    @property
    def principal(self) -> Principal:
        return principal_of(self.request)

    def get_serializer_context(self):
        # Serializers leave staff-only details out for customer tokens.
        principal = principal_of(self.request) if self.request else None
        return {**super().get_serializer_context(), "customer": bool(principal and principal.is_customer)}

    def get_input_serializer(self, *args, **kwargs):
        serializer_class = self.input_serializer_class or self.get_serializer_class()
        kwargs.setdefault("context", self.get_serializer_context())
        return serializer_class(*args, **kwargs)

    def validated_input(self, instance=None, partial: bool = False) -> dict:
        serializer = self.get_input_serializer(instance, data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def validated_input_of(self, serializer_class) -> dict:
        """Validate the body with a serializer other than the view's input serializer (action bodies)."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def output(self, instance, status_code: int = status.HTTP_200_OK) -> Response:
        return Response({"data": self.get_serializer(instance).data}, status=status_code)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        if self.paginate:
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return Response({"data": self.get_serializer(queryset, many=True).data})

    def retrieve(self, request, *args, **kwargs):
        return self.output(self.get_object())

    def create(self, request, *args, **kwargs):
        instance = self.perform_create(self.validated_input())
        return self.output(self.refetch(instance), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        instance = self.perform_update(instance, self.validated_input(instance, partial=True))
        return self.output(self.refetch(instance))

    def destroy(self, request, *args, **kwargs):
        self.perform_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def refetch(self, instance):
        """Re-read through get_queryset so the response has the same prefetched shape as a GET."""
        return self.get_queryset().get(pk=instance.pk)

    def perform_create(self, data: dict):
        raise NotImplementedError

    def perform_update(self, instance, data: dict):
        raise NotImplementedError

    def perform_destroy(self, instance) -> None:
        raise NotImplementedError

    @property
    def paginator(self):
        return super().paginator if self.paginate else None


class RecordViewSet(ResourceViewSet):
    """Resources whose writes are plain validated saves (record_* services).

    Nested rows (hours under a location, a profile or a definition) only name their `model` and `ordering`; the
    parent comes from `parent_fields()`, which also scopes the queryset.
    """

    model = None
    ordering: tuple[str, ...] = ("id",)

    def parent_fields(self) -> dict:
        return {}

    def get_queryset(self):
        return self.model.objects.filter(**self.parent_fields()).order_by(*self.ordering)

    def perform_create(self, data):
        return record_create(self.get_queryset().model, **self.parent_fields(), **data)

    def perform_update(self, instance, data):
        return record_update(instance, **data)

    def perform_destroy(self, instance):
        record_delete(instance)
