"""Relay-style connections: opaque cursors over the stores' keyset pages."""

from __future__ import annotations

import base64
import binascii
from typing import Generic, TypeVar

import strawberry

from graph_model.errors import FieldError, ValidationFailed

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_PREFIX = "key:"

T = TypeVar("T")


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode((_PREFIX + key).encode()).decode()


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith(_PREFIX):
        raise ValidationFailed("invalid cursor", [FieldError("after", "is not a cursor this API returned")])
    return text[len(_PREFIX):]


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise ValidationFailed("invalid page size",
                               [FieldError("first", f"must be between 0 and {MAX_PAGE_SIZE}, got {size}")])
    return size


@strawberry.type(description="Where a page stands in its list (Relay PageInfo).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` to get the next page.")


@strawberry.type(description="An item and its cursor.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list, Relay style.")
class Connection(Generic[T]):
    total_count: int = strawberry.field(description="Items in the whole list, not just this page.")
    page_info: PageInfo
    edges: list[Edge[T]]

    @strawberry.field(description="The page's items without their cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def connection(items: list[T], keys: list[str], *, has_next: bool, total: int) -> Connection[T]:
    edges = [Edge(cursor=encode_cursor(k), node=item) for k, item in zip(keys, items, strict=True)]
    return Connection(total_count=total, edges=edges,
                      page_info=PageInfo(has_next_page=has_next,
                                         end_cursor=edges[-1].cursor if edges else None))
