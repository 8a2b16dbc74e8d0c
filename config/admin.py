"""System pages: the periodic-task models of django-celery-beat, in the console's look and out of the operator's
way (only superusers have their permissions; they sit under "System" in the sidebar)."""

from django.contrib import admin
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from unfold.admin import ModelAdmin

for model, base in (
    (PeriodicTask, beat_admin.PeriodicTaskAdmin),
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
    (CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (SolarSchedule, beat_admin.SolarScheduleAdmin),
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (base, ModelAdmin), {}))
