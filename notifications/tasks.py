"""Celery tasks: thin wrappers around the dispatcher."""

from celery import shared_task

from notifications.services.dispatch import dispatch_due


@shared_task(name="notifications.dispatch", ignore_result=True)
def dispatch_notifications_task() -> int:
    """Deliver every due row (the periodic task, and the nudge sent after a commit that made rows due)."""
    return dispatch_due().claimed
