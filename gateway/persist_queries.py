"""`qiita-gateway graphql persist FILE...`: register a frontend's operations at deploy time.

Each file holds GraphQL documents (one or more operations and their fragments). Every
operation is stored on its own, with the fragments it uses, printed the way graphql-js
`print` prints it — the text Apollo Client and urql hash for a `gql` document of one
operation. Every file is checked against the schema first: one bad file stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    Node,
    OperationDefinitionNode,
    parse,
    print_ast,
    validate,
    visit,
)
from graphql.language import Visitor

from resolvers.context import Services
from resolvers.persisted_queries import document_hash, store_document


class PersistError(ValueError):
    """A file that cannot be registered; the message names it."""


@dataclass(frozen=True)
class Operation:
    file: Path
    name: str
    document: str

    @property
    def sha256(self) -> str:
        return document_hash(self.document)


class _SpreadCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.names.add(node.name.value)


def _spreads(node: Node) -> set[str]:
    collector = _SpreadCollector()
    visit(node, collector)
    return collector.names


def _fragments_used(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> list[FragmentDefinitionNode]:
    seen: list[str] = []
    pending = sorted(_spreads(operation))
    while pending:
        name = pending.pop(0)
        if name in seen or name not in fragments:
            continue
        seen.append(name)
        pending.extend(sorted(_spreads(fragments[name])))
    return [fragments[name] for name in seen]


def _first_error(errors: Sequence[GraphQLError]) -> str:
    error = errors[0]
    where = f"{error.locations[0].line}:" if error.locations else ""
    return f"{where} {error.message}".strip()


def operations_of(path: Path, schema: GraphQLSchema) -> list[Operation]:
    """The file's operations, each printed with its fragments; PersistError when invalid."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PersistError(f"{path}: cannot read: {exc}") from None
    try:
        document = parse(source)
    except GraphQLError as exc:
        raise PersistError(f"{path}:{_first_error([exc])}") from None
    errors = validate(schema, document)
    if errors:
        raise PersistError(f"{path}:{_first_error(errors)}")
    fragments = {
        node.name.value: node
        for node in document.definitions
        if isinstance(node, FragmentDefinitionNode)
    }
    found: list[Operation] = []
    for node in document.definitions:
        if not isinstance(node, OperationDefinitionNode):
            continue
        single = DocumentNode(definitions=(node, *_fragments_used(node, fragments)))
        name = node.name.value if node.name else "(anonymous)"
        found.append(Operation(path, name, print_ast(single)))
    if not found:
        raise PersistError(f"{path}: no operation in the file")
    return found


async def persist_files(
    services: Services, paths: Sequence[Path], schema: GraphQLSchema
) -> list[tuple[Operation, bool]]:
    """Check every file, then store every operation: (operation, whether it was new)."""
    operations = [operation for path in paths for operation in operations_of(path, schema)]
    stored: list[tuple[Operation, bool]] = []
    for operation in operations:
        _, new = await store_document(services, operation.document)
        stored.append((operation, new))
    return stored
