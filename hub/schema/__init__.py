"""The GraphQL schema: one query class per area, merged here."""

from __future__ import annotations

from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.tools import merge_types

from graph_model.errors import HubError
from hub.schema.places import PlacesQuery

Query = merge_types("Query", (PlacesQuery,))


def should_mask(error: GraphQLError) -> bool:
    """HubErrors say what is wrong and are shown; anything else is masked (and logged)."""
    return not isinstance(error.original_error, HubError)


class ErrorCodes(SchemaExtension):
    """Put the hub's error code (NOT_FOUND, VALIDATION_FAILED, ...) and field errors in `extensions`."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in (result.errors or []) if result else []:
            original = error.original_error
            if isinstance(original, HubError):
                error.extensions = {
                    **(error.extensions or {}),
                    "code": original.code,
                    "fields": [{"field": e.field, "message": e.message} for e in original.errors],
                }


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query, extensions=[ErrorCodes, lambda: MaskErrors(should_mask_error=should_mask)])


schema = build_schema()
