"""The GraphQL schema: one query class per area, merged here."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from hub.schema.browse import BrowseQuery
from hub.schema.extensions import extensions

Query = merge_types("Query", (BrowseQuery,))


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query, extensions=extensions())


schema = build_schema()
