"""The operator console: definitions (with the availability preview) and the appointments day tool."""

from appointments.admin import appointments, definitions, feeds, privacy, queue, reports, waitlist

__all__ = ["appointments", "definitions", "feeds", "privacy", "queue", "reports", "waitlist"]
