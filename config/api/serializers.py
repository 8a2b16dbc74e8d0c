"""Serializer pieces every app shares."""

from __future__ import annotations

from rest_framework import serializers


class NullBlankMixin:
    """Every field is present and a field without a value is JSON null, never "" (API.md)."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        return {key: (None if value == "" else value) for key, value in data.items()}


class OutputSerializer(NullBlankMixin, serializers.Serializer):
    pass


class OutputModelSerializer(NullBlankMixin, serializers.ModelSerializer):
    pass
