"""The layering of architecture.md, read from every module's imports.

db <- resolvers <- (schema | rest_compat) <- gateway: a layer imports only the layers
below it; schema and rest_compat never import each other; db and resolvers import
nothing of the web or GraphQL servers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("db", "resolvers", "schema", "rest_compat", "gateway")
SERVER_LIBRARIES = ("starlette", "strawberry", "uvicorn", "graphql", "cross_web", "websockets")

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "db": ("resolvers", "schema", "rest_compat", "gateway", *SERVER_LIBRARIES),
    "resolvers": ("schema", "rest_compat", "gateway", *SERVER_LIBRARIES),
    "schema": ("rest_compat", "gateway"),
    "rest_compat": ("schema", "gateway"),
    "gateway": (),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, package: list[str]) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`, a module of `package`;
    relative imports resolved."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def package_of(path: Path) -> list[str]:
    package = module_name(path).split(".")
    return package if path.name == "__init__.py" else package[:-1]


def violations_in(source: str, package: list[str], layer: str) -> list[str]:
    return [
        name
        for _, name in imported_modules(source, package)
        if name.split(".")[0] in FORBIDDEN[layer]
    ]


def violations(layer: str, path: Path) -> list[str]:
    forbidden = FORBIDDEN[layer]
    return [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for line, name in imported_modules(path.read_text(encoding="utf-8"), package_of(path))
        if name.split(".")[0] in forbidden
    ]


def sources(layer: str) -> list[Path]:
    return sorted(p for p in (ROOT / layer).rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("layer", LAYERS)
def test_every_module_imports_only_the_layers_below_it(layer: str) -> None:
    files = sources(layer)
    assert files, f"no modules found in {layer}/"
    found = [line for path in files for line in violations(layer, path)]
    assert found == []


def test_relative_and_server_imports_are_seen() -> None:
    source = "from starlette.requests import Request\nfrom ..schema import root\nimport json\n"
    assert imported_modules(source, ["resolvers", "listing"]) == [
        (1, "starlette.requests"),
        (2, "resolvers.schema"),
        (3, "json"),
    ]
    assert imported_modules("from . import jobs\n", ["resolvers"]) == [(1, "resolvers")]
    assert violations_in(source, ["resolvers", "listing"], "resolvers") == ["starlette.requests"]
