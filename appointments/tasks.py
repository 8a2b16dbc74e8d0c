"""Celery tasks: thin wrappers around services."""

from celery import shared_task

from appointments.services.no_shows import mark_no_shows


@shared_task(name="appointments.mark_no_shows")
def mark_no_shows_task() -> int:
    return len(mark_no_shows())


@shared_task(name="appointments.expire_waitlist_offers")
def expire_waitlist_offers_task() -> int:
    from appointments.services.offers import offers_expire

    return offers_expire()
