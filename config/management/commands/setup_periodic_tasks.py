from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.schedule import PERIODIC_TASKS


class Command(BaseCommand):
    help = "Create or update the django-celery-beat periodic tasks from config.schedule (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        for name, (task, seconds) in PERIODIC_TASKS.items():
            every, _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
            PeriodicTask.objects.update_or_create(
                name=name, defaults={"task": task, "interval": every, "enabled": True}
            )
            self.stdout.write(f"{name}: {task} every {seconds}s")
