"""Plain record writes shared by the simple resources: validate with the model's rules, then save."""

from __future__ import annotations

from typing import TypeVar

from django.db import models, transaction

M = TypeVar("M", bound=models.Model)


@transaction.atomic
def record_create(model: type[M], **fields) -> M:
    """Create a row after full model validation (a failure is a 422 with field errors)."""
    instance = model(**fields)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def record_update(instance: M, **fields) -> M:
    """Change only the given fields, after validating the whole row as it would be."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    if fields:
        update_fields = list(fields)
        if any(f.name == "updated_at" for f in instance._meta.fields):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
    return instance


@transaction.atomic
def record_delete(instance: models.Model) -> None:
    """Delete a row; a row still referenced by protected rows raises ProtectedError (a 409)."""
    instance.delete()
