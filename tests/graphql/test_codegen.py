"""A frontend can generate typed client code from schema.graphql (GraphQL Code Generator).

Installs tools/codegen's pinned npm packages on first use (npm registry), then runs offline.
Skipped where npm is not installed or cannot reach its registry.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from schema.sdl import SDL_PATH

TOOLS = SDL_PATH.parent / "tools" / "codegen"
GENERATED = TOOLS / "generated"
ENUMS = {
    "Visibility",
    "JobStatus",
    "PluginType",
    "UserLevel",
    "UserErrorCode",
    "ParameterKind",
    "OrderDirection",
}
"""Enums a frontend switches on; each must be a TypeScript union of its names."""

EXPECTED_FIELDS = {
    "File": {"size": "BigInt"},
    "Artifact": {"visibility": "Visibility", "artifactId": "Int"},
    "Study": {"status": "Visibility", "studyId": "Int"},
    "Preparation": {"status": "Visibility"},
    "ProcessingJob": {"status": "JobStatus"},
    "Plugin": {"type": "PluginType"},
    "UserError": {"code": "UserErrorCode"},
    "CommandParameter": {"kind": "ParameterKind"},
}
"""Fields where a plain `string` (or `any`) would lose what the schema says."""


def _run(command: list[str], timeout: int) -> None:
    done = subprocess.run(
        command, cwd=TOOLS, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    """The generated files by name, after they type-check under `tsc --strict`."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed")
    tools = TOOLS / "node_modules" / ".bin"
    if not (tools / "graphql-codegen").exists() or not (tools / "tsc").exists():
        installed = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=TOOLS,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if installed.returncode != 0:
            pytest.skip(f"npm could not install tools/codegen: {installed.stderr[-500:]}")
    _run([str(tools / "graphql-codegen"), "--config", "codegen.yml"], timeout=300)
    _run([str(tools / "tsc"), "-p", "tsconfig.json"], timeout=300)
    return {path.name: path.read_text() for path in GENERATED.glob("*.ts")}


def _type_block(source: str, name: str) -> str:
    match = re.search(rf"^export type {name} = (?:\w+ & )?\{{\n(.*?)^\}};", source, re.M | re.S)
    assert match, f"type {name} not generated"
    return match.group(1)


def _code(source: str) -> str:
    """The source without its doc comments (descriptions may say "any")."""
    return re.sub(r"/\*\*.*?\*/", "", source, flags=re.S)


def test_generated_types_compile_without_any_and_scalars_are_typed(
    generated: dict[str, str],
) -> None:
    assert set(generated) == {"schema.ts", "operations.ts"}
    for source in generated.values():
        assert not re.search(r"\bany\b", _code(source))
    schema = generated["schema.ts"]
    assert "BigInt: { input: number; output: number; }" in schema
    assert "DateTime: { input: string; output: string; }" in schema


def test_enums_and_numbers_are_not_strings(generated: dict[str, str]) -> None:
    schema = _code(generated["schema.ts"])
    for enum in ENUMS:
        assert re.search(rf"^export type {enum} =\n(\s+\| '[A-Z_]+'\n?)+", schema, re.M), enum
    for type_name, fields in EXPECTED_FIELDS.items():
        block = _type_block(schema, type_name)
        for field, scalar_or_enum in fields.items():
            line = re.search(rf"^\s+{field}: (.+);$", block, re.M)
            assert line, f"{type_name}.{field}"
            written = line.group(1)
            if scalar_or_enum in ENUMS:
                assert written.startswith(scalar_or_enum), (type_name, field, written)
            else:
                assert f"Scalars['{scalar_or_enum}']['output']" in written, written


def test_operation_results_carry_numbers_and_enums(generated: dict[str, str]) -> None:
    operations = _code(generated["operations.ts"])
    page = re.search(r"^export type ArtifactPageQuery = (.*);$", operations, re.M)
    assert page, "ArtifactPageQuery not generated"
    result = page.group(1)
    for piece in (
        "size: number",
        "visibility: Visibility",
        "kind: ParameterKind",
        "status: JobStatus",
        "level: UserLevel | null",
        "type: PluginType",
    ):
        assert piece in result, piece
    assert "code: UserErrorCode" in operations
