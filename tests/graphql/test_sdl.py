"""The committed schema.graphql is the schema the code builds."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema as graphql_build_schema
from graphql import find_breaking_changes

from db.settings import Settings
from schema import build_schema
from schema.sdl import SDL_PATH, printed_sdl


def test_committed_sdl_matches_the_code() -> None:
    assert SDL_PATH.read_text() == printed_sdl(), (
        "schema.graphql is out of date: regenerate it with "
        "`python -c 'from schema.sdl import write_sdl; write_sdl()'` and review the diff"
    )


def test_contract_names_are_in_the_sdl() -> None:
    query = build_schema(Settings())._schema.query_type
    assert query is not None
    for field, arguments, result in (
        ("study", {"studyId": "Int!"}, "Study"),
        ("artifact", {"artifactId": "Int!"}, "Artifact"),
        ("job", {"jobId": "String!"}, "ProcessingJob"),
        ("plugin", {"name": "String!", "version": "String!"}, "Plugin"),
        ("plugins", {"active": "Boolean"}, "[Plugin!]!"),
        ("node", {"id": "ID!"}, "Node"),
    ):
        definition = query.fields[field]
        assert {name: str(arg.type) for name, arg in definition.args.items()} == arguments
        assert str(definition.type) == result


BASELINE = Path(__file__).resolve().parent / "schema_baseline.graphql"
"""The schema as frontends were promised it; replaced only when a deprecated field is removed."""


def test_the_schema_only_grows_from_its_baseline() -> None:
    breaking = find_breaking_changes(
        graphql_build_schema(BASELINE.read_text()), graphql_build_schema(printed_sdl())
    )
    assert [change.description for change in breaking] == [], (
        "schema.graphql breaks clients of tests/graphql/schema_baseline.graphql: add instead, "
        "and keep the old field with @deprecated(reason:) for at least one minor release"
    )
