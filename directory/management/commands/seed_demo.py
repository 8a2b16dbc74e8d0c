"""Demo data for `make run`: idempotent, and the printed demo token stays the same from one run to the next."""

from __future__ import annotations

import os

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from directory.demo import CUSTOMER_ROLE, STAFF_ROLE, DemoPeople, seed_directory
from directory.enums import Scope
from directory.services.tokens import token_ensure_derived

DEMO_TOKEN_NAME = "demo (make run)"
SIZES = ("small", "large")


class Command(BaseCommand):
    help = (
        "Load the demo locations, staff, customers and definitions (idempotent), ensure an admin user and print "
        "its login and the demo API token, which stays the same on every run with the same SECRET_KEY. "
        "--size large also loads a year of appointments (once)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=SIZES,
            default="small",
            help="small (default): the directory and definitions; large: also a year of appointments at every "
            "demo location, with more staff and customers",
        )

    @transaction.atomic
    def handle(self, *args, size, **options):
        people = seed_directory()
        hooks = [config for config in apps.get_app_configs() if hasattr(config, "seed_demo")]
        for config in hooks:
            config.seed_demo(self.stdout)
        if size == "large":
            large = [config for config in apps.get_app_configs() if hasattr(config, "seed_demo_large")]
            if not large:
                raise CommandError("No installed app provides large demo data.")
            for config in large:
                config.seed_demo_large(self.stdout)
        self._print_access(people)

    def _print_access(self, people: DemoPeople) -> None:
        username = os.environ.get("ADMIN_USERNAME", "admin")
        password = os.environ.get("ADMIN_PASSWORD", "admin")
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        if not user.check_password(password):
            # Only when it changed: a new password hash ends every session of the user, and a re-seed must not log
            # out whoever is signed in to the console.
            user.set_password(password)
        user.save()
        _, raw = token_ensure_derived(
            name=DEMO_TOKEN_NAME, seed=settings.SECRET_KEY, scopes=[Scope.ADMIN], created_by="command:seed_demo"
        )
        base = f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
        write = self.stdout.write
        write(self.style.SUCCESS("Demo data ready."))
        write(f"  Admin:  {base}/admin/  login {username} / {password}")
        write(f"  API:    {base}/api/v3/  Authorization: Bearer {raw}")
        write("          (the same token on every run with this SECRET_KEY; revoke it in the admin for a new one)")
        write(f"  Docs:   {base}/api/docs/")
        write(f'  Staff (attributes.role = "{STAFF_ROLE}"; they take appointments, they do not book):')
        for staff, location in people.staff:
            write(f"    {staff.full_name:<16}{staff.email:<30}{location.name} ({location.timezone.key})")
        write(f'  Customers (attributes.role = "{CUSTOMER_ROLE}"; book for them with their profile_id):')
        for customer in people.customers:
            write(f"    {customer.full_name:<16}{customer.email:<30}{customer.id}")
