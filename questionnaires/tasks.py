"""Celery tasks: thin wrappers around services."""

from celery import shared_task

from questionnaires.services.routing import submission_route
from questionnaires.services.submissions import ROUTE_TASK


@shared_task(name=ROUTE_TASK)
def route_submission_task(submission_id: int) -> dict:
    answers = submission_route(submission_id)
    return {answer.pk: answer.mapping_status for answer in answers}
