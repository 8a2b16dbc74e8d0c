"""Domain errors raised by services and selectors.

They carry an HTTP-neutral meaning; core.api.errors turns them into the one error envelope
(`{"message", "code", "errors"}`) and the admin and commands show their messages as they are.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a request that cannot be carried out as asked."""

    status = 422
    code = "validation_error"
    default_message = "The given data was invalid."

    def __init__(
        self,
        message: str | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
        code: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        self.errors = errors or {}
        if message is None:
            message = next((msgs[0] for msgs in self.errors.values() if msgs), self.default_message)
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.retry_after = retry_after

    @classmethod
    def on(cls, field: str, message: str, *, code: str | None = None) -> DomainError:
        """A single field error, the common case."""
        return cls(message, errors={field: [message]}, code=code)


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = "Not found."


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = "You do not have permission to perform this action."


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = "The request conflicts with the current state."
