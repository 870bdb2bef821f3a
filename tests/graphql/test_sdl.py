"""The committed schema.graphql is the schema the code builds."""

from __future__ import annotations

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
