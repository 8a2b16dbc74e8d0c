"""System pages: the periodic-task models of django-celery-beat and the login attempts of django-axes, in the
console's look and out of the operator's way (only superusers have their permissions; they sit under "System" in the
sidebar). Deleting a login attempt row unlocks that username."""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
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
    (AccessAttempt, axes_admin.AccessAttemptAdmin),
    (AccessLog, axes_admin.AccessLogAdmin),
    (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (base, ModelAdmin), {}))
