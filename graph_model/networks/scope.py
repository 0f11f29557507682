"""What a network question is asked over: a scope (the country, a province or a council's area)
and a window of donation dates, and the rows read for it.

``ScopeData`` is everything the computing core needs about one scope, read from the store by
``graph_model.networks.reading.read_scope`` in one statement and cached per scope and networks
count (graph_model.networks.inputs). Keys are the nodes' own ``key`` values throughout.

Scope rules (documented in the API too):

- the institutions in scope are those located in the area (a council's area is the province or
  county it covers; a national council's area is the country);
- ``giving`` holds the gifts to those institutions dated inside the window, one row per
  donor–institution pair (amounts added, gifts counted), wherever the donor is based;
- ``memberships`` holds the council seats of the institutions in scope and of the donors in
  ``giving``; ``partnerships`` those whose two ends are both in scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from enum import Enum

from graph_model.networks.projections import GivingColumns, GivingEdge, Membership, Partnership


class ScopeLevel(str, Enum):
    COUNTRY = "country"
    PROVINCE = "province"
    COUNCIL = "council"


@dataclass(frozen=True)
class NetworkScope:
    """``key``: the province's or council's key (None for the country). ``since``/``until``:
    the donation window, both ends included; None leaves that end open."""

    level: ScopeLevel = ScopeLevel.COUNTRY
    key: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class InstitutionInfo:
    key: str
    county: str | None
    province: str | None
    services: tuple[str, ...] = ()  # keys of the services it offers, sorted


@dataclass(frozen=True, slots=True)
class CountyInfo:
    key: str
    province: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class ScopeData:
    scope: NetworkScope
    institutions: Mapping[str, InstitutionInfo]  # every institution in scope, by key
    # One per donor–institution pair in the window: columns as read from the store, or edges
    # (tests build those by hand); ``edges`` gives them as edges either way.
    giving: tuple[GivingEdge, ...] | GivingColumns = ()
    memberships: tuple[Membership, ...] = ()
    partnerships: tuple[Partnership, ...] = ()
    donor_provinces: Mapping[str, str] = field(default_factory=dict)  # BASED_IN, donors in giving
    counties: Mapping[str, CountyInfo] = field(default_factory=dict)  # every county (for neighbours)

    @cached_property
    def edges(self) -> tuple[GivingEdge, ...]:
        """``giving`` as one ``GivingEdge`` per pair, sorted by (institution, donor) when read."""
        return self.giving.edges() if isinstance(self.giving, GivingColumns) else tuple(self.giving)
