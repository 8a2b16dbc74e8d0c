"""Serializer pieces every app shares."""

from __future__ import annotations

import copy

from rest_framework import serializers


class NullBlankMixin:
    """Every field is present and a field without a value is JSON null, never "" (API.md)."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        return {key: (None if value == "" else value) for key, value in data.items()}


class OutputSerializer(NullBlankMixin, serializers.Serializer):
    pass


class OutputModelSerializer(NullBlankMixin, serializers.ModelSerializer):
    """Builds its fields from the model once per class, then copies them (DRF rebuilds them per instance)."""

    def get_fields(self):
        cls = type(self)
        prototype = cls.__dict__.get("_prototype_fields")
        if prototype is None:
            prototype = super().get_fields()
            cls._prototype_fields = prototype
        return copy.deepcopy(prototype)
