"""Who does what where: the 3W matrix of areas by services, with the two roles IATI keeps apart.

Per area (county or province) and service:

- implementing: the institutions located in the area that offer the service, their capacity, and
  the part of it licensed on the date asked (``graph_model.coverage.reading``);
- funding: the donors who gave to those institutions in the donation window, and how much.

A gift goes to an institution, not to one of its services, so an institution's gifts count in
the row of every service it offers: funding adds up over areas, not over services. The gifts are
the collaboration networks' scope read (``graph_model.networks``), shared with their cache.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from graph_model.coverage.analysis import Level
from graph_model.coverage.reading import Provider
from graph_model.networks.projections import GivingColumns
from graph_model.networks.scope import ScopeData


@dataclass(frozen=True, slots=True)
class WhoWhatWhere:
    area: str
    level: Level
    province: str
    service: str
    implementers: int
    capacity: int
    licensed_capacity: int
    funders: int
    funding: int  # rials, exact


def matrix(providers: Sequence[Provider], data: ScopeData, level: Level) -> tuple[WhoWhatWhere, ...]:
    """The 3W rows of the scope's institutions, sorted by area then service. ``providers`` holds
    every offer of every service (with licensing); ``data`` the scope's institutions and gifts."""
    donors_of, amount_of = _giving(data)
    groups: dict[tuple[str, str], list[Provider]] = defaultdict(list)
    province_of: dict[str, str] = {}
    for p in providers:
        info = data.institutions.get(p.institution)
        if info is None or info.province is None:
            continue  # outside the scope
        area = p.county if level is Level.COUNTY else info.province
        province_of[area] = info.province
        groups[(area, p.service)].append(p)
    rows = []
    for (area, service), offers in sorted(groups.items()):
        institutions = sorted({p.institution for p in offers})
        given = [donors_of[i] for i in institutions if i in donors_of]
        funders = len(np.unique(np.concatenate(given))) if given else 0
        rows.append(WhoWhatWhere(
            area, level, province_of[area], service, len(institutions), sum(p.capacity for p in offers),
            sum(p.capacity for p in offers if p.licensed), funders, sum(amount_of.get(i, 0) for i in institutions)))
    return tuple(rows)


def _giving(data: ScopeData) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Per institution key: the donor indexes who gave in the window, and the exact total given."""
    giving = data.giving
    if not isinstance(giving, GivingColumns):  # hand-built scopes in tests
        donors: dict[str, list[int]] = defaultdict(list)
        amounts: dict[str, int] = defaultdict(int)
        names = {d: n for n, d in enumerate(sorted({e.donor for e in giving}))}
        for e in giving:
            donors[e.institution].append(names[e.donor])
            amounts[e.institution] += e.amount
        return {k: np.array(v) for k, v in donors.items()}, dict(amounts)
    order = np.argsort(giving.institution, kind="stable")
    inst, donor = giving.institution[order], giving.donor[order]
    starts = np.flatnonzero(np.r_[True, inst[1:] != inst[:-1]]) if len(inst) else np.array([], dtype=np.int64)
    ends = np.r_[starts[1:], len(inst)] if len(inst) else starts  # no gifts: no runs (not one empty run)
    donors_of = {giving.institutions[inst[s]]: donor[s:e] for s, e in zip(starts, ends, strict=True)}
    amounts_of: dict[str, int] = defaultdict(int)
    for i, amount in zip(giving.institution.tolist(), giving.amount, strict=True):
        amounts_of[giving.institutions[i]] += amount
    return donors_of, dict(amounts_of)
