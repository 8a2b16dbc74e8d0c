"""Serializer pieces every app shares."""

from __future__ import annotations

import copy

from rest_framework import serializers


def _clone(field):
    """A fresh, unbound copy of a prototype field: a shallow copy, with list serializers given their own child.

    DRF deep-copies every field for every serializer instance, which re-runs each field's __init__ (about 90 of
    them for an appointment with its nested resources). Prototype fields are never bound or used, so a shallow
    copy is enough: binding and the lazily built nested `fields` land on the copy only.
    """
    clone = copy.copy(field)
    if isinstance(field, serializers.ListSerializer):
        clone.child = _clone(field.child)
        clone.child.parent = clone  # the child was bound to the prototype list in ListSerializer.__init__
    return clone


class PrototypeFieldsMixin:
    """Builds a serializer class's fields once, then hands each instance cheap clones of them."""

    def get_fields(self):
        cls = type(self)
        prototype = cls.__dict__.get("_prototype_fields")
        if prototype is None:
            prototype = super().get_fields()
            cls._prototype_fields = prototype
        return {name: _clone(field) for name, field in prototype.items()}


class InputSerializer(PrototypeFieldsMixin, serializers.Serializer):
    """A request body that is only validated, never saved. Its fields are shared prototypes: do not mutate them."""


class NullBlankMixin:
    """Every field is present and a field without a value is JSON null, never "" (API.md)."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        return {key: (None if value == "" else value) for key, value in data.items()}


class OutputSerializer(NullBlankMixin, PrototypeFieldsMixin, serializers.Serializer):
    pass


class OutputModelSerializer(NullBlankMixin, PrototypeFieldsMixin, serializers.ModelSerializer):
    pass
