"""Provinces, counties, institutions and counts."""

from __future__ import annotations

from graph_model import queries
from graph_model.enums import Label
from hub.context import Info
from hub.schema.pagination import Connection, connection, decode_cursor, page_size
from hub.schema.types import County, Institution, LabelCount, Province


async def provinces(info: Info, first: int | None, after: str | None) -> Connection[Province]:
    store = info.context.store
    page = await queries.page(store, Label.PROVINCE, after=decode_cursor(after), limit=page_size(first))
    return connection([Province.from_node(n) for n in page.nodes], [n["key"] for n in page.nodes],
                      has_next=page.has_next, total=await queries.count(store, Label.PROVINCE))


async def province(info: Info, key: str) -> Province | None:
    node = await info.context.loaders.province.load(key)
    return Province.from_node(node) if node else None


async def counties(info: Info, province: str, first: int | None, after: str | None) -> Connection[County]:
    store = info.context.store
    page = await queries.counties_of_province(store, province, after=decode_cursor(after),
                                              limit=page_size(first))
    return connection([County.from_node(n) for n in page.nodes], [n["key"] for n in page.nodes],
                      has_next=page.has_next, total=await queries.count_counties_of_province(store, province))


async def institution(info: Info, key: str) -> Institution | None:
    found = await queries.by_keys(info.context.store, Label.INSTITUTION, [key])
    return Institution.from_node(found[key]) if key in found else None


async def institutions(info: Info, province: str, first: int | None,
                       after: str | None) -> Connection[Institution]:
    store = info.context.store
    page = await queries.institutions_of_province(store, province, after=decode_cursor(after),
                                                  limit=page_size(first))
    return connection([Institution.from_node(n) for n in page.nodes], [n["key"] for n in page.nodes],
                      has_next=page.has_next,
                      total=await queries.count_institutions_of_province(store, province))


async def counts(info: Info) -> list[LabelCount]:
    found = await queries.node_counts(info.context.store)
    return [LabelCount(label=label, total=total) for label, total in found.items()]
