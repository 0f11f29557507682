"""What a list is: its filters, its sorts, the kind of item it lists (``Entity``) and the list itself
(``ListSpec``: its pattern, what a row holds, its parent). graph_model.list_specs declares the hub's
lists with these; graph_model.list_statements writes their statements; graph_model.listing reads them."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any, TypeVar

from graph_model.enums import Label

T = TypeVar("T")


def _kept_hash(cls: type[T]) -> type[T]:
    """``cls`` (a frozen dataclass) with its hash worked out on first use and kept: the lists' statements,
    forms and flat rows are cached by their list (``functools.lru_cache`` in graph_model.list_statements
    and graph_model.page_items), and the hash the dataclass writes hashes every field again at each
    lookup, the entity's filters and sorts with them (some 30 hashes a nested list read). The value is
    the dataclass's own hash of its fields; they are frozen, so it cannot change."""
    names = tuple(f.name for f in fields(cls) if (f.compare if f.hash is None else f.hash))  # type: ignore[arg-type]

    def __hash__(self: Any) -> int:
        kept: int | None = self.__dict__.get("_hash")
        if kept is None:
            kept = self.__dict__["_hash"] = hash(tuple(getattr(self, name) for name in names))
        return kept

    cls.__hash__ = __hash__  # type: ignore[method-assign]
    return cls


@_kept_hash
@dataclass(frozen=True)
class Filter:
    """One filter argument: a predicate on the item, or a join that keeps matching items."""

    name: str  # the parameter, e.g. "kind"
    where: str = ""  # e.g. "n.kind IN $kind"
    match: str = ""  # e.g. "MATCH (n)-[:LOCATED_IN]->(f_county:County) WHERE f_county.key = $county"
    multiplies: bool = False  # the join can match several times per item: keep items distinct
    # The value is the key of a node with this label (a province, a service...): an unknown key is
    # NotFound rather than an empty list (graph_model.filter_keys).
    key_of: Label | None = None
    # A filter the API does not offer as an argument but sets itself (graph_model.search_places),
    # standing in for the filter it ``replaces`` (whose value stays a parameter) when both are used.
    internal: bool = False
    replaces: str = ""


@_kept_hash
@dataclass(frozen=True)
class Sort:
    """A sort key: an expression over the carried variables, or an aggregate over a pattern.

    ``public``: what a caller without the right to see personal data sorts by instead, for a sort
    whose value takes in figures withheld from it (a total over individual donors' gifts). The
    order of a list must not tell what its figures withhold: sorted by a hidden total, the rows
    come out in the order of that total (issue 15). The public variant counts only what such a
    caller may see, so the order reveals nothing it could not add up itself."""

    name: str
    expr: str
    optional_match: str = ""  # e.g. "OPTIONAL MATCH (n)<-[s:DONATED_TO]-(:Donor)"; expr aggregates it
    public: Sort | None = None
    params: tuple[tuple[str, Any], ...] = ()  # constant parameters its fragments use (values travel as such)


@_kept_hash
@dataclass(frozen=True)
class Entity:
    """The filters and sorts every list of one kind of item accepts."""

    name: str
    filters: tuple[Filter, ...]
    sorts: tuple[Sort, ...]
    default_sort: str

    def filter(self, name: str) -> Filter:
        return next(f for f in self.filters if f.name == name)

    def sort(self, name: str) -> Sort:
        return next(s for s in self.sorts if s.name == name)


@_kept_hash
@dataclass(frozen=True)
class ListSpec:
    """One list: its pattern, what a row holds, and (for nested lists) its parent."""

    name: str
    entity: Entity
    pattern: str  # binds the item variables, and ``p`` when there is a parent
    parent: Label | None = None
    carry: tuple[str, ...] = ("n",)  # variables later clauses use
    aggregate: str = ""  # e.g. "sum(r.amount) AS amount": one row per item, aggregated over the pattern
    row: str = "properties(n)"
    edge: str = "null"  # what the edge between parent and item holds (capacity, totals, role)
    id: str = "n.key"  # unique within the list: the tie-breaker that keeps sorting stable
    sort_overrides: tuple[tuple[str, str], ...] = ()  # sort name -> expression, for this list only
    filters_off: tuple[str, ...] = ()  # filters that make no sense under this parent
    parent_var: str = "p"  # the pattern's variable for the parent node
    key_where: str = ""  # instead of an anchored parent: how the pattern is tied to the parent key ``k``
    # With ``key_where``: a MATCH of the items read first, the pattern after a WITH, so that the planner
    # starts from them rather than from the pattern's other, unlabelled end (``province_councils``).
    items_first: str = ""
    distinct: bool = False  # the pattern can reach an item twice (e.g. through two coverage links)
    # A root list of relationships: the pattern binding the relationship alone (its ends are fixed by
    # its type, graph_model.enums.ENDPOINTS) and how its ends are bound again, for a page whose
    # filters and sort read only the relationship (``edge_form``).
    edge_scan: str = ""
    ends: str = ""
    # A row that is a map of the carried variables' values (a donation's: its properties, its donor's key
    # and kind, its recipient's key and label), entry by entry: (the map it sits in, "" for the row
    # itself; its name; its expression). A first page under one parent that is not counted sends these
    # values flat and ``page_items.flat_relation_items`` builds the row again (``flat_relation``).
    flat: tuple[tuple[str, str, str], ...] = ()

    @cached_property  # read by every nested fetch, and the list is frozen
    def filters(self) -> tuple[Filter, ...]:
        return tuple(f for f in self.entity.filters if f.name not in self.filters_off)

    @cached_property
    def sorts(self) -> tuple[Sort, ...]:
        """The entity's sorts, with this list's overrides (e.g. the amount given to *this* institution)."""
        overrides = dict(self.sort_overrides)
        own = tuple(Sort(s.name, overrides.pop(s.name)) if s.name in overrides else s for s in self.entity.sorts)
        return own + tuple(Sort(name, expr) for name, expr in overrides.items())

    def sort(self, name: str) -> Sort:
        return next(s for s in self.sorts if s.name == name)

    @cached_property  # read by every nested fetch: the pattern is parsed once per list
    def node_label(self) -> Label | None:
        """The label of the listed nodes when a row is a node's properties (keyed by ``n.key``), else None."""
        found = re.search(r"\(n:(\w+)\)", self.items_first + self.pattern)
        if self.row != "properties(n)" or self.id != "n.key" or found is None:
            return None
        return Label(found.group(1))
