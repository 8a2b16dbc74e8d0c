"""Demo data for `make run`: idempotent, so running it again changes nothing but the printed token."""

from __future__ import annotations

import os
from datetime import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from directory.enums import AssignmentType, DayOfWeek, Scope, TokenKind
from directory.models import ApiToken, Location, LocationNormalHour, Profile, ProfileNormalHour, StaffAssignment
from directory.services.tokens import token_issue, token_revoke

WEEKDAYS = [DayOfWeek.MON, DayOfWeek.TUE, DayOfWeek.WED, DayOfWeek.THU, DayOfWeek.FRI]

LOCATIONS = [
    ("melbourne-cbd", "Melbourne CBD", "Australia/Melbourne", "+61 3 9000 0000"),
    ("new-york-soho", "New York SoHo", "America/New_York", "+1 212 555 0100"),
    ("london-covent-garden", "London Covent Garden", "Europe/London", "+44 20 7946 0000"),
]

STAFF = [
    ("Ava", "Nguyen", "ava.nguyen@example.com", "melbourne-cbd", time(9), time(17)),
    ("Liam", "Smith", "liam.smith@example.com", "melbourne-cbd", time(12), time(20)),
    ("Mia", "Garcia", "mia.garcia@example.com", "new-york-soho", time(10), time(18)),
    ("Noah", "Brown", "noah.brown@example.com", "london-covent-garden", time(9), time(17)),
]

CUSTOMERS = [
    ("Olivia", "Jones", "olivia.jones@example.com"),
    ("Ethan", "Wilson", "ethan.wilson@example.com"),
    ("Zoe", "Taylor", "zoe.taylor@example.com"),
]

DEMO_TOKEN_NAME = "demo (make run)"


class Command(BaseCommand):
    help = "Load demo locations, staff and customers (idempotent), ensure an admin user, print its login and a token."

    @transaction.atomic
    def handle(self, *args, **options):
        locations = {}
        for handle, name, tz, phone in LOCATIONS:
            location, created = Location.objects.get_or_create(
                handle=handle, defaults={"name": name, "timezone": tz, "phone": phone, "is_published": True}
            )
            locations[handle] = location
            if created:
                for day in [*WEEKDAYS, DayOfWeek.SAT]:
                    close = time(17) if day == DayOfWeek.SAT else time(20)
                    LocationNormalHour.objects.create(
                        location=location, day_of_week=day, open_at=time(8), close_at=close
                    )
        for first, last, email, handle, start, end in STAFF:
            staff, created = Profile.objects.get_or_create(
                email=email, defaults={"first_name": first, "last_name": last}
            )
            if created:
                for day in WEEKDAYS:
                    ProfileNormalHour.objects.create(
                        profile=staff, day_of_week=day, available_from=start, available_until=end
                    )
                StaffAssignment.objects.create(
                    location=locations[handle], profile=staff, assignment_type=AssignmentType.STAFF, is_default=True
                )
        for first, last, email in CUSTOMERS:
            Profile.objects.get_or_create(email=email, defaults={"first_name": first, "last_name": last})
        self._extend()
        self._print_access()

    def _extend(self) -> None:
        """Hook for apps that add demo data of their own (definitions, appointments)."""
        from django.apps import apps

        for config in apps.get_app_configs():
            seed = getattr(config, "seed_demo", None)
            if seed is not None:
                seed(self.stdout)

    def _print_access(self) -> None:
        username = os.environ.get("ADMIN_USERNAME", "admin")
        password = os.environ.get("ADMIN_PASSWORD", "admin")
        user_model = get_user_model()
        user, _ = user_model.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        for old in ApiToken.objects.filter(name=DEMO_TOKEN_NAME, kind=TokenKind.INTEGRATION, revoked_at=None):
            token_revoke(old)
        _, raw = token_issue(name=DEMO_TOKEN_NAME, scopes=[Scope.ADMIN], created_by="command:seed_demo")
        base = f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  Admin:  {base}/admin/  login {username} / {password}")
        self.stdout.write(f"  API:    {base}/api/v3/  Authorization: Bearer {raw}")
        self.stdout.write(f"  Docs:   {base}/api/docs/")
