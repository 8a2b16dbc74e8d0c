"""The console's "Erase personal data" action on the profile list (Managers only: it needs delete permission).

It is registered on the directory's page with `console_action`, so the directory never imports appointments. The
first click shows a confirmation page listing the profiles; only its "Erase" button erases (docs/privacy.md).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.template.response import TemplateResponse

from appointments.services.privacy import profile_erase
from directory.admin_base import actor_of, console_action

CONFIRMED = "erase-confirmed"


@console_action("directory.profile")
@admin.action(description="Erase personal data of the selected profiles", permissions=["delete"])
def erase_personal_data(modeladmin, request, queryset):
    profiles = list(queryset.order_by("pk"))
    if request.POST.get("confirm") != CONFIRMED:
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": "Erase personal data?",
            "opts": modeladmin.model._meta,
            "profiles": profiles,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "erase_personal_data",
            "confirmed": CONFIRMED,
        }
        return TemplateResponse(request, "admin/directory/profile/erase_confirmation.html", context)
    actor = actor_of(request)
    with transaction.atomic():
        for profile in profiles:
            profile_erase(profile.pk, actor=actor)
    modeladmin.message_user(request, f"Erased the personal data of {len(profiles)} profile(s).", messages.SUCCESS)
    return None
