import pytest

from config import celery_app


@pytest.fixture(autouse=True)
def _eager_routing():
    """Routing tasks run in-process when dispatched (after commit) instead of going to a broker."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
