"""Query limits built from the settings: depth, aliases, tokens, page size and cost.

The cost of an operation is computed before execution from its document, in the
spirit of GitHub's API: it is the number of objects the operation may return.
Every object-returning field costs one per parent object it is resolved for;
connections multiply what is below them by `first`/`last` (or the default page
size), plain lists by `LIST_ESTIMATE` (`nodes(ids:)` by the number of ids). A page of a
metadata table (`Preparation.table`, `SampleInformation.table`) costs one per row it may
answer: its `first`, or `max_page_size` (its default page). An operation over the
budget, or asking for a page over `max_page_size`, fails before any SQL runs.
The cost is reported under `extensions.cost` of a refusal, and of any response whose
request asks for it with `"extensions": {"cost": true}`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInt,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    is_interface_type,
    parse,
    value_from_ast,
)
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from db.settings import Settings
from resolvers.errors import Invalid
from resolvers.pagination import PageRequest, requested_page_size
from schema.errors import DomainErrorExtension
from schema.operation_tracking import OperationTracking

LIST_ESTIMATE = 10
"""Assumed length of a plain (unpaginated) list field, such as `Study.preparations`."""
WHOLE_TABLES = {("Preparation", "table"), ("SampleInformation", "table")}
"""Scalar fields that answer one object per row of a page of a metadata table."""
COST_CODE = "QUERY_TOO_COSTLY"
PAGE_CODE = "BAD_USER_INPUT"


class LimitExceeded(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class OperationCost:
    """Walks one operation and adds up its cost; refuses pages over the cap on the way."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        settings: Settings,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.settings = settings

    def of(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0
        return self._selections(root, operation.selection_set, 1)

    def _selections(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode, multiplier: int
    ) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(parent, selection, multiplier)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self._selections(target or parent, selection.selection_set, multiplier)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    target = self.schema.get_type(fragment.type_condition.name.value)
                    total += self._selections(target or parent, fragment.selection_set, multiplier)
        return total

    def _field(self, parent: GraphQLNamedType, node: FieldNode, multiplier: int) -> int:
        if not (isinstance(parent, GraphQLObjectType) or is_interface_type(parent)):
            return 0
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if (parent.name, node.name.value) in WHOLE_TABLES:
            return multiplier * self._table_page_size(node)
        if not is_composite_type(named) or node.selection_set is None:
            return 0
        factor = self._factor(parent, node, definition.type, named)
        return multiplier + self._selections(named, node.selection_set, multiplier * factor)

    def _factor(
        self, parent: GraphQLNamedType, node: FieldNode, field_type: Any, named: GraphQLNamedType
    ) -> int:
        if named.name.endswith("Connection"):
            return self._page_size(node)
        if isinstance(get_nullable_type(field_type), GraphQLList):
            if parent.name.endswith("Connection"):
                return 1
            ids = self._argument(node, "ids", None)
            return len(ids) if isinstance(ids, list) else LIST_ESTIMATE
        return 1

    def _page_size(self, node: FieldNode) -> int:
        sizes = [self._argument(node, name, GraphQLInt) for name in ("first", "last")]
        given = [size for size in sizes if size is not None]
        if not given:
            return self.settings.default_page_size
        size = max(given)
        try:
            return requested_page_size(self.settings, PageRequest(first=int(size)))
        except Invalid:
            raise LimitExceeded(
                f"Page size {size} of `{node.name.value}` is not allowed: ask for 0 to "
                f"{self.settings.max_page_size} objects and follow the cursors.",
                PAGE_CODE,
            ) from None

    def _table_page_size(self, node: FieldNode) -> int:
        if self._argument(node, "first", GraphQLInt) is None:
            return self.settings.max_page_size
        return self._page_size(node)

    def _argument(self, node: FieldNode, name: str, type_: Any) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                if type_ is None:
                    value = argument.value
                    if hasattr(value, "values"):
                        return list(value.values)
                    if hasattr(value, "name"):
                        found = self.variables.get(value.name.value)
                        return found if isinstance(found, list) else None
                    return None
                value = value_from_ast(argument.value, type_, self.variables)
                return None if value is Undefined else value
        return None


class QueryCostLimiter(SchemaExtension):
    """Refuses operations over `max_query_cost` before execution; reports the cost."""

    def __init__(self, *, settings: Settings) -> None:
        self.settings = settings
        self.cost: int | None = None
        self.refused = False

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if document is not None and operation is not None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            walker = OperationCost(
                context.schema._schema, fragments, context.variables or {}, self.settings
            )
            try:
                self.cost = walker.of(operation)
                if self.cost > self.settings.max_query_cost:
                    raise LimitExceeded(
                        f"Query cost {self.cost} is over the budget of "
                        f"{self.settings.max_query_cost}: ask for smaller pages "
                        "(first/last) or fewer nested lists.",
                        COST_CODE,
                    )
            except LimitExceeded as exc:
                self.refused = True
                context.result = ExecutionResult(
                    data=None,
                    errors=[GraphQLError(exc.message, extensions={"code": exc.code})],
                )
        yield

    def get_results(self) -> dict[str, Any]:
        asked = (self.execution_context.operation_extensions or {}).get("cost") is True
        if self.cost is None or not (asked or self.refused):
            return {}
        return {"cost": {"requested": self.cost, "limit": self.settings.max_query_cost}}


class ValidatedDocuments:
    """Validation results by query text, least recently used first out.

    Strawberry's own validation cache keys on the rule classes, which the limiters build
    anew for every operation, so it never hits; the rules of one schema are fixed by its
    settings, so the query text is key enough.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._results: OrderedDict[str, list[GraphQLError]] = OrderedDict()

    def get(self, query: str) -> list[GraphQLError] | None:
        errors = self._results.get(query)
        if errors is not None:
            self._results.move_to_end(query)
        return errors

    def put(self, query: str, errors: list[GraphQLError]) -> None:
        self._results[query] = errors
        self._results.move_to_end(query)
        while len(self._results) > self.maxsize:
            self._results.popitem(last=False)


class DocumentChecks(SchemaExtension):
    """The limits on the document (depth, aliases, tokens, introspection) and its caches.

    The limiters' validation rules are built once for the schema, not for every operation
    as Strawberry's limiter extensions do; with the document cache on, each query text is
    parsed and validated once (`parse` and `validated`).
    """

    def __init__(
        self,
        *,
        rules: tuple[type[ASTValidationRule], ...],
        max_tokens: int,
        parse: Callable[..., DocumentNode] | None = None,
        validated: ValidatedDocuments | None = None,
    ) -> None:
        self.rules = rules
        self.max_tokens = max_tokens
        self.parse = parse
        self.validated = validated

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = context.validation_rules + self.rules
        context.parse_options["max_tokens"] = self.max_tokens
        yield

    def on_parse(self) -> Iterator[None]:
        if self.parse is not None:
            context = self.execution_context
            context.graphql_document = self.parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        if self.validated is None:
            yield
            return
        context = self.execution_context
        query = context.query
        known = self.validated.get(query) if query is not None else None
        if known is not None:
            context.pre_execution_errors = list(known)
        yield
        if known is None and query is not None and context.pre_execution_errors is not None:
            self.validated.put(query, list(context.pre_execution_errors))


def limit_rules(settings: Settings) -> tuple[type[ASTValidationRule], ...]:
    """The validation rules of the depth and alias limits (and of no introspection)."""
    limiters: list[AddValidationRules] = [
        QueryDepthLimiter(max_depth=settings.max_query_depth),
        MaxAliasesLimiter(max_alias_count=settings.max_aliases),
    ]
    if not settings.introspection:
        limiters.append(DisableIntrospection())
    return tuple(rule for limiter in limiters for rule in limiter.validation_rules)


def build_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Extension factories (one instance per operation) for `strawberry.Schema`."""
    cache_size = settings.graphql_document_cache
    # Frontends repeat the same few documents: with the cache on, parse and validate each once.
    checks = partial(
        DocumentChecks,
        rules=limit_rules(settings),
        max_tokens=settings.max_tokens,
        parse=lru_cache(maxsize=cache_size)(parse) if cache_size else None,
        validated=ValidatedDocuments(cache_size) if cache_size else None,
    )
    return [
        OperationTracking,
        partial(DomainErrorExtension, production=settings.production),
        checks,
        partial(QueryCostLimiter, settings=settings),
    ]
