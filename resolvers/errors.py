"""Domain errors, translated once by each surface.

    DomainError
    ├── NotFound          the object does not exist (or the caller may not know it does)
    │   └── StudyNotFound a study that does not exist or that the caller may not read
    ├── Forbidden         the caller is known but may not do this
    ├── Unauthenticated   no valid credentials where they are required
    ├── Invalid           the input breaks a rule; `field` names the culprit when known
    │   ├── Required      a value that must be given is missing or empty
    │   ├── AlreadySet    what the input would set once is set already (a root artifact)
    │   └── InvalidInput  several problems of one input at once, each an `Invalid`
    ├── Conflict          the input is fine but clashes with current state (races, states)
    │   └── Taken         a value that must be unique is already used (title, name...)
    └── UnsafePath        a client-supplied path resolves outside its allowed root

Messages are sentences a user can act on. No error carries an HTTP status.
"""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    code = "DOMAIN_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    code = "NOT_FOUND"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StudyNotFound(NotFound):
    """A study that does not exist or that the caller may not read: which, is not revealed."""

    def __init__(self, study_id: object) -> None:
        super().__init__(f"Study not found: {study_id}")
        self.study_id = study_id


class Forbidden(DomainError):
    code = "FORBIDDEN"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class Invalid(DomainError):
    code = "BAD_USER_INPUT"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Required(Invalid):
    """A value that must be given is missing or empty."""


class AlreadySet(Invalid):
    """What the input would set, which is set only once, is set already."""


class InvalidInput(Invalid):
    """Every problem found in one input. Its own message and field are the first problem's,
    so a surface that reports one problem (REST) answers as if only that one was raised."""

    def __init__(self, problems: Sequence[Invalid]) -> None:
        super().__init__(problems[0].message, problems[0].field)
        self.problems = tuple(problems)


def problems_of(error: Invalid) -> tuple[Invalid, ...]:
    """The problems an `Invalid` stands for: its own, or each of an `InvalidInput`."""
    return error.problems if isinstance(error, InvalidInput) else (error,)


def raise_problems(problems: Sequence[Invalid]) -> None:
    """Nothing when `problems` is empty, the one problem, or all of them together."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InvalidInput(problems)


class Conflict(DomainError):
    code = "CONFLICT"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Taken(Conflict):
    """A value that must be unique is already used by another object."""


class UnsafePath(Forbidden):
    code = "FORBIDDEN"
