"""What the outbox carries, registered by the apps that produce it: the outbox itself knows no event.

An app registers each of its events once, at start-up (`AppConfig.ready`): the name stored on the row and sent
in `X-Notification-Event`, the title the console and the API's choices show, the `event_label` the default
templates read, whether the row is a reminder (due a fixed time before its subject, moved when the subject moves
and cancelled with it), and the attachment an email of that event carries. It also registers, once, the default
email templates and the sample context that templates are checked against and that a test message sends
(docs/notifications.md "Events"), and the kinds of subject the API shows with an id field of their own
(`appointment_id`). The outbox (scheduling, dispatch, channels, the console and the API) reads only
this registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class EventType:
    name: str
    title: str
    label: str
    is_reminder: bool = False
    # (the row's context, now) -> the email's attachment, or None
    attachment: Callable[[dict, datetime], Attachment | None] | None = None


@dataclass(frozen=True)
class Defaults:
    """The templates a target without its own uses, and the context templates are checked against."""

    subject: str
    body: str
    sample_context: dict = field(default_factory=dict)
    sample_event: str = ""
    target_users: str = "other records"  # what else refers to targets, named when one cannot be deleted


@dataclass(frozen=True)
class SubjectType:
    """A kind of subject whose rows the API lists with the subject's integer id in a field of its own."""

    name: str  # the rows' subject_type
    id_field: str  # the API field and filter, e.g. "appointment_id"
    description: str


_events: dict[str, EventType] = {}
_subjects: dict[str, SubjectType] = {}
_defaults: list[Defaults] = []


def register_event(event: EventType) -> None:
    """Add an event; a name registered twice is a programming error."""
    if event.name in _events:
        raise ValueError(f"The notification event {event.name!r} is registered already.")
    _events[event.name] = event


def register_subject(subject: SubjectType) -> None:
    if subject.name in _subjects:
        raise ValueError(f"The notification subject {subject.name!r} is registered already.")
    _subjects[subject.name] = subject


def subjects() -> list[SubjectType]:
    return list(_subjects.values())


def register_defaults(defaults: Defaults) -> None:
    if _defaults:
        raise ValueError("The default notification templates are registered already.")
    if defaults.sample_event not in _events:
        raise ValueError(f"The sample event {defaults.sample_event!r} is not a registered event.")
    _defaults.append(defaults)


def event_type(name: str) -> EventType | None:
    return _events.get(name)


def event_names() -> list[str]:
    return list(_events)


def event_choices() -> list[tuple[str, str]]:
    """The model field's choices (a callable, so migrations do not list the events)."""
    return [(event.name, event.title) for event in _events.values()]


def reminder_events() -> list[str]:
    return [event.name for event in _events.values() if event.is_reminder]


def label_of(name: str) -> str:
    event = _events.get(name)
    return event.label if event else name


def attachment_for(name: str, context: dict, *, now: datetime) -> Attachment | None:
    event = _events.get(name)
    if event is None or event.attachment is None:
        return None
    return event.attachment(context, now)


def defaults() -> Defaults:
    if not _defaults:
        raise LookupError("No app registered the default notification templates.")
    return _defaults[0]
