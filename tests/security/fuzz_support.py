"""Seed data and callers for the schema fuzz test (tests/security/test_schema_fuzz.py).

`seed()` writes one record of every resource the API addresses by path, all owned by one customer profile, and
returns `{resource key: id}`. `seeded_path_parameters(path, seeds)` turns an OpenAPI path template into path
parameters that name those records, so a share of the generated requests hit real objects instead of 404s.

The resource key of `{id}` is the path segment before it, prefixed by the parent collection for nested routes:
`/api/v3/locations/{location_id}/normal-hours/{id}` -> `locations/normal-hours`. Named parameters
(`definition_id`, `location_id`, `profile_id`, `questionnaire_id`) always take the seeded parent.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from directory.enums import Scope, TokenKind
from directory.services.tokens import token_issue
from tests.appointments.factories import QueueEntryFactory, WaitlistEntryFactory
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    DefinitionSpecialHourFactory,
    DefinitionStaffFactory,
    LocationFactory,
    LocationNormalHourFactory,
    LocationSpecialHourFactory,
    ProfileFactory,
    ProfileNormalHourFactory,
    ProfileSpecialHourFactory,
    StaffAssignmentFactory,
)
from tests.notifications.factories import NotificationFactory, TargetFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory
from tests.visits.factories import VisitFactory

NAMED_PARAMETERS = {
    "definition_id": "appointment-definitions",
    "location_id": "locations",
    "profile_id": "profiles",
    "questionnaire_id": "questionnaires",
}


def seed() -> tuple[dict[str, object], dict[str, str]]:
    """One record per addressable resource, and the bearer secrets of an admin integration and the customer."""
    from questionnaires.selectors import active_form
    from questionnaires.services.submissions import submission_create

    customer, staff = ProfileFactory(), ProfileFactory()
    location = LocationFactory()
    definition = DefinitionFactory(allow_waitlist=True, allow_walk_in=True, allow_queue=True)
    DefinitionLocationFactory(definition=definition, location=location)
    start = datetime.combine(datetime.now(UTC).date() + timedelta(days=7), time(1, 0), tzinfo=UTC)
    appointment = AppointmentFactory(
        definition=definition, location=location, profile=customer, scheduled_start_at=start
    )
    question = QuestionFactory(handle="fuzz-comment", type="textarea")
    form = QuestionnaireFactory(questions=[{"mapping_key": "comment", "question_id": question.pk}])
    slot = form.current_version.slots.get().pk
    submission = submission_create(
        active_form(form.pk), [{"questionnaire_question_id": slot, "value": "Fine"}], profile_id=customer.pk
    )
    customer_token, customer_secret = token_issue(name="fuzz customer", kind=TokenKind.CUSTOMER, profile=customer)
    _admin, admin_secret = token_issue(name="fuzz admin", scopes=[Scope.ADMIN])
    target = TargetFactory()
    seeds = {
        "appointment-definitions": definition.pk,
        "appointment-definitions/normal-hours": DefinitionNormalHourFactory(definition=definition).pk,
        "appointment-definitions/special-hours": DefinitionSpecialHourFactory(definition=definition).pk,
        "appointment-definitions/staff": DefinitionStaffFactory(definition=definition, staff=staff).pk,
        "appointment-queues": QueueEntryFactory(definition=definition, location=location, profile=customer).pk,
        "appointment-waitlists": WaitlistEntryFactory(definition=definition, location=location, profile=customer).pk,
        "appointments": appointment.pk,
        "locations": location.pk,
        "locations/normal-hours": LocationNormalHourFactory(location=location).pk,
        "locations/special-hours": LocationSpecialHourFactory(location=location).pk,
        "locations/profiles": StaffAssignmentFactory(location=location, profile=staff).pk,
        "notifications": NotificationFactory(target=target, subject_id=str(appointment.pk)).pk,
        "profiles": str(customer.pk),
        "profiles/normal-hours": ProfileNormalHourFactory(profile=customer).pk,
        "profiles/special-hours": ProfileSpecialHourFactory(profile=customer).pk,
        "profiles/tokens": customer_token.pk,
        "profiles/visits": VisitFactory(location=location, profile=customer).pk,
        "questionnaires": form.pk,
        "questions": question.pk,
        "submissions": submission.pk,
        "targets": target.pk,
    }
    for nested in ("appointments", "appointment-waitlists"):
        seeds[f"profiles/{nested}"] = seeds[nested]
    seeds["visits"] = seeds["profiles/visits"]
    return seeds, {"admin": admin_secret, "customer": customer_secret}


def resource_key(path: str) -> str | None:
    """`/api/v3/a/{a_id}/b/{id}/action` -> `a/b`; `/api/v3/a/{id}` -> `a`; None when there is no `{id}`."""
    match = re.search(r"(?:/([a-z-]+)/\{[a-z_]+\})?/([a-z-]+)/\{id\}", path)
    if match is None:
        return None
    parent, collection = match.groups()
    return f"{parent}/{collection}" if parent else collection


def seeded_path_parameters(path: str, seeds: dict[str, object]) -> dict[str, object]:
    """Path parameters of `path` that name seeded records (a KeyError names a resource seed() lacks)."""
    names = re.findall(r"\{([a-z_]+)\}", path)
    params = {name: seeds[NAMED_PARAMETERS[name]] for name in names if name != "id"}
    if "id" in names:
        params["id"] = seeds[resource_key(path)]
    return params
