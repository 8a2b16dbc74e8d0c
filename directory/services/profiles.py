"""Writing profiles."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from core.errors import ValidationFailed
from directory.models import Profile


def profile_create(*, first_name: str = "", last_name: str = "", email: str = "", mobile_phone: str = "") -> Profile:
    """Create a customer profile; a profile needs a name or an email to be found again (422 otherwise)."""
    profile = Profile(first_name=first_name, last_name=last_name, email=email, mobile_phone=mobile_phone)
    if not (first_name or last_name or email):
        raise ValidationFailed.on("first_name", "Give the customer's name or email.")
    try:
        profile.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(errors=exc.message_dict) from exc
    profile.save()
    return profile
