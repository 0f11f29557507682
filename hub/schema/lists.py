"""Relay connections, the filter and sort arguments of every list, and the paging request a list
field builds from its arguments (the factories that wire a list of ``graph_model.list_specs`` into
a GraphQL field are in ``hub.schema.fields``).

Filter inputs and sort enums are generated from the list specs, so an argument exists exactly
when the store can filter or sort by it; their descriptions come from ``FILTER_DOCS``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from enum import Enum
from typing import Any, Generic, TypeVar

import strawberry

from graph_model import filled, links
from graph_model.errors import FieldError, ValidationFailed
from graph_model.list_specs import ENTITIES
from graph_model.list_types import Entity
from graph_model.listing import Item, Page, Request
from graph_model.text import normalise
from hub.execution.cursors import open_cursor, seal
from hub.schema import enums as e
from hub.schema.scalars import Date, Rials, to_jalali
from hub.settings import Limits

DEFAULT_PAGE_SIZE = 20
# The largest page is Settings.limits.page (HUB_MAX_PAGE): resolvers pass the request's; callers
# without settings get the default limit.
MAX_PAGE_SIZE = Limits().page
T = TypeVar("T")


@strawberry.enum(description="What kind of member sits on a council.")
class MemberKind(Enum):
    DONOR = strawberry.enum_value("Donor", description="A donor (benefactor, company, foundation).")
    INSTITUTION = strawberry.enum_value("Institution", description="An institution.")
    PERSON = strawberry.enum_value("Person", description="A person, e.g. an official.")


# name -> (annotation, description). Enum-valued filters are lists: any of the given values.
_KIND = {"Institution": list[e.InstitutionKind], "Donor": list[e.DonorKind], "Council": list[e.CouncilKind],
         "Event": list[e.EventKind]}
_LEVEL = {"Council": list[e.CouncilLevel], "Assessment": list[e.AssessmentLevel]}
_STATUS = {"Licence": list[e.LicenceStatus], "CorrectiveAction": list[e.ActionStatus],
           "Complaint": list[e.ComplaintStatus]}
_DOMAIN = list[e.ServiceDomain]
FILTER_DOCS: dict[str, tuple[Any, str]] = {
    "search": (str, "Text the name contains, in Persian or English; ي/ی, ك/ک, Persian and Arabic digits, "
                    "ZWNJ and diacritics do not matter."),
    "province": (str, "Only those in this province (key, e.g. IR-06)."),
    "county": (str, "Only those in this county (key, e.g. IR-06-0607)."),
    "service": (str, "Only those offering (or licensed for) this service (key, e.g. svc-day-care)."),
    "domain": (_DOMAIN, "Only those in (or offering a service in) one of these domains."),
    "targetGroup": (str, "Only those serving this target group (key, e.g. tg-elderly)."),
    "licenceStatus": (list[e.LicenceStatus], "Only institutions holding a licence in one of these states."),
    "status": (None, "Only those in one of these states."),
    "area": (list[e.CriterionArea], "Only criteria of these areas."),
    "change": (list[e.LicenceChangeKind], "Only changes of these kinds."),
    "dueFrom": (Date, "Only those due on or after this date."),
    "dueTo": (Date, "Only those due on or before this date."),
    "onFrom": (Date, "Only those made on or after this date."),
    "onTo": (Date, "Only those made on or before this date."),
    "receivedFrom": (Date, "Only those received on or after this date."),
    "receivedTo": (Date, "Only those received on or before this date."),
    "licenceType": (str, "Only licences of this type (key)."),
    "expiresFrom": (Date, "Only licences expiring on or after this date."),
    "expiresTo": (Date, "Only licences expiring on or before this date (with expiresFrom: an expiry window)."),
    "startsFrom": (Date, "Only events starting on or after this date."),
    "startsTo": (Date, "Only events starting on or before this date."),
    "dateFrom": (Date, "Only those dated on or after this date."),
    "dateTo": (Date, "Only those dated on or before this date."),
    "amountMin": (Rials, "Only donations of at least this many rials."),
    "amountMax": (Rials, "Only donations of at most this many rials."),
    "scoreMin": (float, "Only assessments scoring at least this."),
    "scoreMax": (float, "Only assessments scoring at most this."),
    "donorKind": (list[e.DonorKind], "Only donations from donors of these kinds."),
    "role": (list[e.MemberRole], "Only members with one of these roles."),
    "memberKind": (list[MemberKind], "Only members of these kinds."),
    "memberDonorKind": (list[e.DonorKind], "Only donor members of these kinds (institutions and persons stay)."),
    "year": (int, "Only figures for this year."),
    "kind": (None, "Only those of one of these kinds."),
    "level": (None, "Only those at one of these levels."),
}
SORT_DOCS = {
    "NAME_EN": "By English name.", "NAME_FA": "By Persian name (Unicode order).", "KEY": "By key.",
    "POPULATION": "By population (2016 census).", "RESIDENTS": "By number of residents.",
    "FOUNDED": "By founding date.", "CAPACITY": "By capacity offered (in this list: of this service).",
    "DONATIONS": "By total donations (in a list under a donor or an institution: given between the two). Without "
                 "the right to see personal data, institutions sort by the gifts of the donors you can see "
                 "(companies, contractors, foundations, public companies): individuals' gifts, withheld from you, "
                 "never move an institution in the order.",
    "LEVEL": "By level.", "DOMAIN": "By domain.", "EXPIRES_ON": "By expiry date.", "ISSUED_ON": "By issue date.",
    "STATUS": "By status.", "STARTS_ON": "By start date.", "DATE": "By date.", "SCORE": "By score.",
    "AMOUNT": "By amount.", "ROLE": "By role.", "SINCE": "By the date it began.", "PEOPLE": "By number of people.",
    "YEAR": "By year.", "VERSION": "By version.", "WEIGHT": "By weight.", "VALUE": "By the value given.",
    "DUE_ON": "By due date.", "ON": "By the day it happened.", "RECEIVED_ON": "By the day it was received.",
}


# `search` where it is not a name the text is looked for in.
SEARCH_DOCS = {"Licence": "Text the licence number contains, in any case (e.g. `gen-06`).",
               "Donation": "Text the donation's purpose contains, in any case."}
# `search` on lists that also match the place an item lies in (graph_model.search_places).
SEARCH_PLACES_DOC = (" Also matches the name of the county or province it lies in (`Ahvaz`, `اهواز`, `Khuzestan`: "
                     "those in Ahvaz county, in Khuzestan province).")


def _filter_type(entity: Entity) -> type:
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations}
    for f in entity.filters:
        if f.internal:
            continue
        kind, doc = FILTER_DOCS[f.name]
        if f.name == "kind":
            kind = _KIND[entity.name]
        elif f.name == "level":
            kind = _LEVEL[entity.name]
        elif f.name == "status":
            kind = _STATUS[entity.name]
        elif f.name == "search":
            doc = SEARCH_DOCS.get(entity.name, doc)
            if any(g.replaces == "search" for g in entity.filters):
                doc += SEARCH_PLACES_DOC
        if f.key_of is not None:  # graph_model.filter_keys
            doc += " A value that is no key (a name, a typo) is NOT_FOUND, not an empty list."
        annotations[f.name] = kind | None
        namespace[f.name] = strawberry.field(default=None, description=doc, name=f.name)
    cls = type(f"{entity.name}Filter", (), namespace)
    return strawberry.input(cls, description=f"Filters on a list of {entity.name} items; all given ones apply.")


def _sort_enum(entity: Entity) -> type[Enum]:
    names = {s.name for s in entity.sorts}
    from graph_model.list_specs import NESTED  # every override a list of this entity adds

    names |= {n for spec in NESTED.values() if spec.entity is entity for n, _ in spec.sort_overrides}
    members = {n: strawberry.enum_value(n, description=SORT_DOCS[n]) for n in sorted(names)}
    public = sorted(s.name for s in entity.sorts if s.public is not None)
    note = (f" Without the right to see personal data, {', '.join(public)} sorts by the figures you can see "
            "only, so the order reveals nothing withheld from you." if public else "")
    # Enum's functional API with computed members: mypy types the call's result as an Enum member.
    return strawberry.enum(Enum(f"{entity.name}Sort", members),  # type: ignore[call-overload]
                           description=f"What a list of {entity.name} items can be sorted by. Every sort is "
                                       f"over figures the caller may see; ties go by key.{note}")


FILTERS: dict[str, type] = {name: _filter_type(ent) for name, ent in ENTITIES.items() if ent.filters}
SORTS: dict[str, type[Enum]] = {name: _sort_enum(ent) for name, ent in ENTITIES.items()}


def encode_cursor(order: str, cursor: tuple[Any, str]) -> str:
    """The opaque cursor of a position in a list read in ``order`` (hub.execution.cursors)."""
    return seal(order, cursor)


def decode_cursor(cursor: str | None, field: str) -> tuple[str, tuple[Any, str]] | None:
    """(ordering, position) of a cursor; VALIDATION_FAILED naming ``field`` when this API did not make it."""
    return None if cursor is None else open_cursor(cursor, field)


def _start_cursor(root: Any) -> str | None:
    return encode_cursor(root.order, root.first) if root.first is not None else None


def _end_cursor(root: Any) -> str | None:
    return encode_cursor(root.order, root.last) if root.last is not None else None


@strawberry.type(description="Where a page stands in its list (Relay PageInfo).")
class PageInfo:
    # The positions of the page's first and last items; their cursors are sealed when asked for.
    first: strawberry.Private[tuple[Any, str] | None]
    last: strawberry.Private[tuple[Any, str] | None]
    order: strawberry.Private[str]  # the ordering the cursors are bound to (graph_model.listing.order_of)
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items come before this page.")
    start_cursor: str | None = strawberry.field(resolver=_start_cursor,
                                                description="Pass as `before` to get the previous page.")
    end_cursor: str | None = strawberry.field(resolver=_end_cursor,
                                              description="Pass as `after` to get the next page.")


def _edge_cursor(root: Any) -> str:
    return encode_cursor(root.order, root.position)


@strawberry.type(description="An item of a list, its cursor, and what links it to the list's owner. Each link "
                             "field is filled only in lists where that link exists, and null elsewhere.")
class Edge(Generic[T]):
    position: strawberry.Private[tuple[Any, str]]  # (sort value, id): what the cursor seals
    order: strawberry.Private[str]  # and the ordering it is bound to
    # Encoded only when asked for: a page of 100 institutions with their services has ~300 edges.
    cursor: str = strawberry.field(resolver=_edge_cursor,
                                   description="Opaque position of this item; pass as `after` or `before`.")
    node: T = strawberry.field(description="The item.")
    capacity: int | None = strawberry.field(default=None, description="Places offered in the service "
                                            "(an institution's services, a service's institutions).")
    role: str | None = strawberry.field(default=None, description="Role on the council or at the event.")
    since: Date | None = strawberry.field(default=None, description="When the membership or partnership began.")
    purpose: str | None = strawberry.field(default=None, description="What the partnership is for.")
    people: int | None = strawberry.field(default=None, description="People the event served with the service.")
    amount: Rials | None = strawberry.field(default=None, description="Rials given between the donor and the "
                                            "institution in all their donations.")
    donation_count: int | None = strawberry.field(default=None, description="Donations between the two.")
    first_donation_on: Date | None = strawberry.field(default=None, description="Date of the first of them.")
    last_donation_on: Date | None = strawberry.field(default=None, description="Date of the last of them.")
    value: float | None = strawberry.field(default=None, description="The value an assessment gave the criterion "
                                                                     "(0 to its scaleMax).")

    @strawberry.field(description="`since` in the Solar Hijri calendar (1403/05/24).")
    def since_jalali(self) -> str | None:
        return to_jalali(self.since)


_EDGE_FIELDS = {"capacity": "capacity", "role": "role", "since": "since", "purpose": "purpose",
                "people": "people", "amount": "amount", "count": "donation_count",
                "firstDate": "first_donation_on", "lastDate": "last_donation_on", "value": "value"}


@strawberry.type(description="A page of a list, Relay style.")
class Connection(Generic[T]):
    page_info: PageInfo = strawberry.field(description="Where this page stands in the list.")
    edges: list[Edge[T]] = strawberry.field(description="The page's items with their cursors and links.")
    count_total: strawberry.Private[Callable[[], Any]]

    @strawberry.field(description="Items in the whole list under its filters, not just this page.")
    def total_count(self) -> int:
        # The count itself, or an awaitable when it is still being counted (a root list's).
        return self.count_total()

    @strawberry.field(description="The page's items without their cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


# Edges, connections and their pages' places are made by filling their attributes directly (``_edge``,
# ``connection``): a page of 100 institutions with their services makes ~300 edges and 100 of each of the
# others, and the dataclasses' own constructors took a third longer. What they fill is checked below
# against what the constructors take (``_FILLED``). An edge's link fields have defaults:
_EDGE_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Edge)
                  if f.init and f.default is not dataclasses.MISSING}
_new = filled.new


def _edge(item: Item, node: Any, order: str) -> Edge[Any]:
    made = _new(Edge)
    # A link field left out reads its class attribute: its default (``filled.check`` below).
    props = {"position": item.cursor, "order": order, "node": node}
    edge = item.edge
    if edge:
        for k, v in edge.items():
            name = _EDGE_FIELDS.get(k)
            if name is not None:
                props[name] = v
        if "units" in edge:  # a pair's giving, summed in two exact parts (graph_model.list_specs.GIVING)
            props["amount"] = links.whole(edge["units"], edge["rest"])
    made.__dict__ = props
    return made


def same_row(row: dict[str, Any]) -> dict[str, Any]:
    """A page's row as its item (a list whose items are completed from their rows: hub.execution.compiled)."""
    return row


def connection(page: Page, convert: Callable[[dict[str, Any]], Any],
               count_total: Callable[[], Any] | None = None) -> Connection[Any]:
    """A connection over ``page``; ``count_total`` returns the list's total or an awaitable of it
    (by default the page's own total, known for nested lists)."""
    order = page.order
    if convert is same_row:
        edges = [_edge(item, item.row, order) for item in page.items]
    else:
        edges = [_edge(item, convert(item.row), order) for item in page.items]

    def known_total() -> int:
        return page.total or 0

    items = page.items
    info = _new(PageInfo)  # filled as its constructor would (see ``_EDGE_DEFAULTS``)
    info.__dict__ = {"first": items[0].cursor if items else None, "last": items[-1].cursor if items else None,
                     "order": order, "has_next_page": page.has_next, "has_previous_page": page.has_previous}
    made = _new(Connection)
    made.__dict__ = {"page_info": info, "edges": edges, "count_total": count_total or known_total}
    return made


# What ``_edge`` and ``connection`` fill, which must be what the types' constructors take; an edge's link
# fields that its item does not hold are left out, read off the class, which must hold their defaults.
_FILLED = {Edge: {"position", "order", "node"},
           PageInfo: {"first", "last", "order", "has_next_page", "has_previous_page"},
           Connection: {"page_info", "edges", "count_total"}}
for _type, _names in _FILLED.items():
    filled.check(_type, _names, "_edge and connection()", left_out=_EDGE_DEFAULTS if _type is Edge else ())


def _size(value: int | None, field: str, most: int | None) -> int:
    if value is not None and (value < 0 or (most is not None and value > most)):
        raise ValidationFailed("invalid page size",
                               [FieldError(field, f"must be between 0 and {most}, got {value}")])
    return DEFAULT_PAGE_SIZE if value is None else value


def _filter_value(name: str, value: Any) -> Any:
    if isinstance(value, list):
        return tuple(v.value if isinstance(v, Enum) else v for v in value)
    if name == "search" and value is not None:
        folded = normalise(value)
        return folded or None
    return value


def request(*, first: int | None, after: str | None, last: int | None, before: str | None,
            filter: Any, order_by: Enum | None, direction: Enum | None, most: int | None = MAX_PAGE_SIZE,
            props: tuple[str, ...] | None = None, counted: bool = True) -> Request:
    """A list request from GraphQL arguments, checked: bad sizes and cursors name their argument.
    ``most``: the largest page (None: not checked here, by a caller that only prefetches); ``props``:
    what a row holds (graph_model.listing.Request.props); ``counted``: whether its total is asked for."""
    if first is not None and last is not None:
        raise ValidationFailed("invalid paging", [FieldError("last", "give either first or last, not both")])
    backwards = last is not None
    filters = tuple(sorted((k, _filter_value(k, v)) for k, v in vars(filter).items())) if filter else ()
    opened_after, opened_before = decode_cursor(after, "after"), decode_cursor(before, "before")
    orders = {c[0] for c in (opened_after, opened_before) if c is not None}
    if len(orders) > 1:
        raise ValidationFailed("cursors of two orderings", [FieldError("before", "is from another list than `after`")])
    # The list checks the ordering the cursors were issued for against its own (graph_model.listing).
    return Request(filters=filters, sort=order_by.value if order_by else None,
                   descending=direction is not None and direction.value == "DESC",
                   limit=_size(last if backwards else first, "last" if backwards else "first", most),
                   after=opened_after[1] if opened_after else None, before=opened_before[1] if opened_before else None,
                   backwards=backwards, cursor_order=orders.pop() if orders else None, props=props,
                   counted=counted)
