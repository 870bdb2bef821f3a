"""Scalars of our own: 64-bit integers and the documented form of date-times.

Parse failures raise GraphQLError, which graphql-core reports as the client's mistake;
any other exception would count as an unexpected server error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NewType

import strawberry
from graphql import GraphQLError
from strawberry.types.scalar import ScalarDefinition

MAX_EXACT = 2**53
"""Above this, JSON numbers lose precision in JavaScript (`Number.MAX_SAFE_INTEGER + 1`)."""


def _serialize_big(value: int) -> int:
    return int(value)


def _parse_big(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise GraphQLError(f"BigInt cannot represent {value!r}: send an integer.")
    try:
        number = int(value)
    except ValueError:
        raise GraphQLError(f"BigInt cannot represent {value!r}: send an integer.") from None
    if not -(2**63) <= number < 2**63:
        raise GraphQLError(f"BigInt cannot represent {value!r}: it is outside 64 bits.")
    return number


BigInt = NewType("BigInt", int)

BIG_INT = strawberry.scalar(
    name="BigInt",
    description=(
        "A signed 64-bit integer, such as a size in bytes. Serialized as a JSON number: "
        "exact up to 2^53 (9007199254740992), the limit of JavaScript numbers; also accepted "
        "as a decimal string in inputs."
    ),
    serialize=_serialize_big,
    parse_value=_parse_big,
)


def _serialize_datetime(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def _parse_datetime(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise GraphQLError(f"DateTime cannot represent {value!r}: send an ISO 8601 string.")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise GraphQLError(f"DateTime cannot represent {value!r}: send ISO 8601.") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


DATE_TIME = strawberry.scalar(
    name="DateTime",
    description=(
        "A point in time as an ISO 8601 string with its UTC offset, such as "
        "`2026-12-06T01:02:03.456789+00:00`; the server answers in UTC. An input without "
        "an offset is read as UTC."
    ),
    serialize=_serialize_datetime,
    parse_value=_parse_datetime,
)

SCALAR_MAP: Mapping[object, ScalarDefinition] = {BigInt: BIG_INT, dt.datetime: DATE_TIME}
"""Python types to the scalars above, for `StrawberryConfig(scalar_map=...)`."""
