"""The periodic schedule, defined in code and synced to django-celery-beat by `manage.py setup_periodic_tasks`."""

PERIODIC_TASKS = {
    # name: (task, every N seconds)
    "mark no-shows": ("appointments.mark_no_shows", 300),
    "dispatch notifications": ("notifications.dispatch", 15),
    "expire waitlist offers": ("appointments.expire_waitlist_offers", 60),
}
