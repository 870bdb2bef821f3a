"""Error translation: domain errors keep their message and code; others are masked."""

from __future__ import annotations

from graphql import GraphQLError

from resolvers.errors import (
    AlreadySet,
    Conflict,
    Invalid,
    InvalidInput,
    NotFound,
    Required,
    Taken,
)
from schema.errors import DomainErrorExtension, UserErrorCode, user_errors


def _raised(error: Exception) -> GraphQLError:
    return GraphQLError(str(error), original_error=error)


def test_domain_errors_keep_message_and_code() -> None:
    translated = DomainErrorExtension(production=True)._translate(_raised(Conflict("Taken.")))
    assert (translated.message, translated.extensions) == ("Taken.", {"code": "CONFLICT"})


def test_unexpected_errors_are_masked_in_production() -> None:
    error = _raised(RuntimeError("password=hunter2 in SQL"))
    masked = DomainErrorExtension(production=True)._translate(error)
    assert (masked.message, masked.extensions) == (
        "Unexpected error.",
        {"code": "INTERNAL_SERVER_ERROR"},
    )
    development = DomainErrorExtension(production=False)._translate(error)
    assert development.message == "Unexpected error. RuntimeError"


def test_invalid_becomes_a_user_error_with_its_input_path() -> None:
    [error] = user_errors(Invalid("Unknown data type: X", "data_type"))
    assert (error.field, error.message, error.code) == (
        ["input", "dataType"],
        "Unknown data type: X",
        UserErrorCode.INVALID,
    )


def test_each_domain_error_has_its_user_error_code() -> None:
    cases = [
        (Required("Empty.", "name"), UserErrorCode.REQUIRED),
        (Taken("Used.", "title"), UserErrorCode.TAKEN),
        (AlreadySet("Set.", "prep"), UserErrorCode.TAKEN),
        (NotFound("Gone."), UserErrorCode.NOT_FOUND),
        (Conflict("Finished."), UserErrorCode.NOT_ALLOWED),
    ]
    for error, code in cases:
        assert [e.code for e in user_errors(error)] == [code]
    together = InvalidInput([Required("Empty.", "name"), Invalid("Long.", "address")])
    assert [(e.field, e.code) for e in user_errors(together)] == [
        (["input", "name"], UserErrorCode.REQUIRED),
        (["input", "address"], UserErrorCode.INVALID),
    ]


def test_several_problems_read_as_the_first_where_one_is_reported() -> None:
    together = InvalidInput([Required("Empty name.", "name"), Invalid("Long.", "address")])
    assert (together.message, together.field) == ("Empty name.", "name")
