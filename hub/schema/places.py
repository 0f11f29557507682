"""Query fields for places, institutions and counts."""

from __future__ import annotations

from typing import Annotated

import strawberry

from hub.resolvers import places
from hub.schema.pagination import Connection
from hub.schema.types import County, Institution, LabelCount, Province

FIRST = "How many items to return (default 20, at most 100)."
AFTER = "Cursor after which the page starts (`pageInfo.endCursor` of the previous page)."


@strawberry.type
class PlacesQuery:
    @strawberry.field(description="All provinces, in key order.")
    async def provinces(self, info: strawberry.Info,
                        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
                        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
                        ) -> Connection[Province]:
        return await places.provinces(info, first, after)

    @strawberry.field(description="One province by key (e.g. IR-06), or null.")
    async def province(self, info: strawberry.Info, key: str) -> Province | None:
        return await places.province(info, key)

    @strawberry.field(description="The counties of a province, in key order.")
    async def counties(self, info: strawberry.Info,
                       province: Annotated[str, strawberry.argument(description="Province key, e.g. IR-06.")],
                       first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
                       after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
                       ) -> Connection[County]:
        return await places.counties(info, province, first, after)

    @strawberry.field(description="One institution by key, or null.")
    async def institution(self, info: strawberry.Info, key: str) -> Institution | None:
        return await places.institution(info, key)

    @strawberry.field(description="The institutions located in a province, in key order.")
    async def institutions(self, info: strawberry.Info,
                           province: Annotated[str, strawberry.argument(description="Province key, e.g. IR-06.")],
                           first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
                           after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
                           ) -> Connection[Institution]:
        return await places.institutions(info, province, first, after)

    @strawberry.field(description="Number of nodes per label in the whole graph.")
    async def counts(self, info: strawberry.Info) -> list[LabelCount]:
        return await places.counts(info)
