"""Domain errors, translated once by each surface.

    DomainError
    ├── NotFound          the object does not exist (or the caller may not know it does)
    ├── Forbidden         the caller is known but may not do this
    ├── Unauthenticated   no valid credentials where they are required
    ├── Invalid           the input breaks a rule; `field` names the culprit when known
    ├── Conflict          the input is fine but clashes with current state (duplicates, races)
    └── UnsafePath        a client-supplied path resolves outside its allowed root

Messages are sentences a user can act on. No error carries an HTTP status.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "DOMAIN_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    code = "NOT_FOUND"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class Invalid(DomainError):
    code = "BAD_USER_INPUT"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(DomainError):
    code = "CONFLICT"


class UnsafePath(Forbidden):
    code = "FORBIDDEN"
