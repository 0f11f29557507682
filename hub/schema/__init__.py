"""The GraphQL schema: one query class per area, merged here."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from hub.schema.browse import BrowseQuery
from hub.schema.extensions import extensions
from hub.schema.overview import OverviewQuery
from hub.schema.scalars import config

Query = merge_types("Query", (BrowseQuery, OverviewQuery))


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query, extensions=extensions(), config=config())


schema = build_schema()
