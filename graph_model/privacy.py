"""Donor privacy in the analytics (networks, the 3W matrix, the overview): the facts redaction
needs, and the pseudonyms individual donors are shown under.

The analytics are computed and cached in full, for everyone (``graph_model.cache``); what a
caller without the right to see personal data may see is decided afterwards, per request, by
the API layer. It needs to know which donors in an answer are individuals
(``individual_donors``), how many individual donors an aggregate covers (``individual_years``
for the overview's donation years), and a stable handle to show an individual donor under in a
network without naming it (``pseudonym``). These facts are the same for every caller, so they may
be cached under shared keys; redacted answers never are.

Some figures are not suppressed but computed again from what the caller may see: the gifts of
donors who are not individuals, each of which is listed to every reader anyway (``public_giving``
for the networks' overlaps and main donors, ``three_w_public`` for the 3W matrix). A sum of
visible gifts tells nothing that is withheld, whatever it is subtracted from: another overlap,
another window, another scope or level, an overview total (issue 15). The threshold rule with
complementary suppression (graph_model.donation_disclosure) protects the overview and giving
totals, one fixed table; these answers take any window, scope and pair, more tables than a
suppression pattern could be audited over.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from graph_model.coverage.analysis import Level
from graph_model.coverage.service import Coverage
from graph_model.coverage.threew import matrix
from graph_model.enums import DonorKind
from graph_model.networks.projections import GivingColumns
from graph_model.networks.scope import NetworkScope, ScopeData
from graph_model.networks.service import Networks
from graph_model.offload import offload
from graph_model.overview import Calendar, Overview, read_totals
from graph_model.statements.donation_totals import Period
from graph_model.statements.privacy import ALL_INDIVIDUAL_DONORS, INDIVIDUAL_DONORS
from graph_model.stores.base import GraphStore
from graph_model.version import versions

INDIVIDUAL = DonorKind.INDIVIDUAL.value
# Past this many keys, reading every individual donor at once is cheaper than looking each up
# (FalkorDB's cost is per row; national: ~10 us a key looked up, 0.21 s for all 86,000 read).
LOOKUP_MOST = 5_000
PSEUDONYM_PREFIX = "individual-"

# The pseudonyms' key: random per process and never stored or sent, so a pseudonym cannot be
# turned back into a donor's key (nor computed from a guessed key) outside this process. A
# pseudonym is stable while the process lives, which is what a client needs to tie the nodes
# and edges of one drawing, or of several queries, together; it changes on restart and differs
# between workers, so it is a handle for a session, never an identifier to keep.
_SECRET = secrets.token_bytes(32)
PSEUDONYM_KEY = _SECRET  # what each request's visibility (hub.auth.visibility) carries


def pseudonym(key: str, secret: bytes = _SECRET) -> str:
    """The opaque stand-in for an individual donor's key (HMAC-SHA256, 80 bits shown)."""
    return PSEUDONYM_PREFIX + hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()[:20]


async def individual_donors(store: GraphStore, keys: Iterable[str]) -> frozenset[str]:
    """Which of ``keys`` are individual donors (one round trip; none for no keys)."""
    wanted = sorted(set(keys))
    if not wanted:
        return frozenset()
    if len(wanted) > LOOKUP_MOST:
        (row,) = await store.read(ALL_INDIVIDUAL_DONORS, kind=INDIVIDUAL)
        return frozenset(row["keys"]).intersection(wanted)
    rows = await store.read(INDIVIDUAL_DONORS, keys=wanted, kind=INDIVIDUAL)
    return frozenset(r["key"] for r in rows)


def gifts_of(data: ScopeData, donors: frozenset[str]) -> ScopeData:
    """``data`` keeping only the gifts of ``donors`` (its institutions unchanged)."""
    giving = data.giving
    if not isinstance(giving, GivingColumns):  # hand-built scopes
        return dataclasses.replace(data, giving=tuple(g for g in giving if g.donor in donors))
    chosen = np.array([n for n, key in enumerate(giving.donors) if key in donors], np.int64)
    keep = np.isin(giving.donor, chosen)
    rows = np.flatnonzero(keep)
    kept = GivingColumns(giving.donors, giving.institutions, giving.donor[keep], giving.institution[keep],
                         tuple(giving.amount[r] for r in rows.tolist()), giving.count[keep])
    return dataclasses.replace(data, giving=kept)


def _scope_donors(data: ScopeData) -> tuple[str, ...] | set[str]:
    return data.giving.donors if isinstance(data.giving, GivingColumns) else {g.donor for g in data.giving}


async def three_w_public(coverage: Coverage, networks: Networks, scope: NetworkScope, level: Level,
                         as_of: dt.date) -> dict[tuple[str, str], tuple[int, int]]:
    """(funders, funding) of each 3W cell, by (area, service), over the gifts of donors who are not
    individuals: the 3W matrix as a caller without the right to see personal data sees it (same
    providers, so the same cells). Kept per graph version."""
    version, inputs = (got := await versions(coverage.store)).graph, got.coverage

    async def compute() -> dict[tuple[str, str], tuple[int, int]]:
        data = await networks.data(scope)
        donors = _scope_donors(data)
        public = frozenset(donors) - await individual_donors(coverage.store, donors)
        areas = await coverage.areas(inputs)
        providers = await coverage.providers(inputs, tuple(sorted(areas.services)), as_of)
        rows = await offload(matrix, providers, gifts_of(data, public), level)
        return {(r.area, r.service): (r.funders, r.funding) for r in rows}
    return await coverage.cache.get(version, ("privacy", "3w-public", scope, level, as_of), compute)


@dataclass(frozen=True)
class PublicGiving:
    """A scope's gifts as a caller without the right to see personal data sees them: per
    institution, what each donor that is not an individual gave it in the window (rials);
    ``individuals``: the scope's individual donors, whose gifts are left out."""

    by_institution: Mapping[str, Mapping[str, int]]
    individuals: frozenset[str]

    def given(self, institution: str, donors: Iterable[str] | None = None) -> int:
        """What ``donors`` (default: every donor) gave ``institution``, individuals' gifts left out."""
        mine = self.by_institution.get(institution, {})
        return sum(mine.values()) if donors is None else sum(mine.get(d, 0) for d in donors)


async def public_giving(networks: Networks, scope: NetworkScope) -> PublicGiving:
    """The visible gifts of a scope (``PublicGiving``): two round trips, kept with the network answers
    per networks count (its inputs, the scope's gifts and its donors' kinds, are the networks')."""
    version = await networks.version()

    async def compute() -> PublicGiving:
        data = await networks.data(scope)
        individuals = await individual_donors(networks.store, _scope_donors(data))
        return await offload(_public, data, individuals)
    return await networks.kept.get(version, ("privacy", "public-giving", scope), compute)


def _public(data: ScopeData, individuals: frozenset[str]) -> PublicGiving:
    giving = gifts_of(data, frozenset(_scope_donors(data)) - individuals).edges
    by_institution: dict[str, dict[str, int]] = {}
    for g in giving:
        mine = by_institution.setdefault(g.institution, {})
        mine[g.donor] = mine.get(g.donor, 0) + g.amount
    return PublicGiving(by_institution, individuals)


@dataclass(frozen=True)
class IndividualYears:
    """Distinct individual donors who gave to an overview scope's institutions: per year, and
    over every year."""

    per_year: dict[int, int]
    overall: int


async def individual_years(overview: Overview, calendar: Calendar) -> IndividualYears:
    """The individual donors behind an overview's donation years (one round trip, to the donation
    totals the writes keep; kept per graph version with the overview's sections when the overview
    has a cache)."""
    async def read() -> IndividualYears:
        rows = await read_totals(overview.store, overview.scope, calendar, overall=True)
        per_year = {int(r["year"]): int(r["individuals"]) for r in rows if r["period"] != Period.ALL}
        overall = sum(int(r["individuals"]) for r in rows if r["period"] == Period.ALL)
        return IndividualYears(per_year, overall)
    if overview.cache is None:
        return await read()
    key = ("privacy", "years", tuple(sorted(overview.scope.params().items())), calendar)
    return await overview.cache.get(overview.version, key, read)
