"""Donor suggestions: the donors most likely to help an institution, or to fill a gap, and why.

Ask for an institution (donors it could approach), or for a gap: a service in a county (donors
for whoever would offer it there). Every donor who gave in the scope's window is a candidate,
except those already giving to the institution (for a gap: already funding that service in that
county: "the current donors"). A candidate is scored on five reasons, each between 0 and 1; its
total is their weighted sum (``SuggestionWeights``, defaults in brackets), so it lies between 0 and
the sum of the weights. Donors with at least one reason are suggested, highest total first, ties
by donor key. "Share" below is a share of the donor's giving in rials (in gifts if it gave none).

- SAME_SERVICE (1.0): the donor funds institutions offering one of the institution's services
  (for a gap: the service). Score: half the share of its giving that goes to them, half
  ``n / (n + 1)`` for ``n`` such institutions, so both a donor devoted to the service and one
  funding many of its institutions score well. One institution among ten it funds equally: 0.3;
  all its giving to three such institutions: 0.875.
- SAME_PROVINCE (0.5): the donor is based in the institution's province (for a gap: the
  county's), score 1, or funds institutions there, score ``0.5 + 0.5 * share``.
- NEIGHBOURING_PROVINCE (0.25): the same for the neighbouring provinces (``neighbours``:
  approximated from county centroids), only when SAME_PROVINCE does not apply: it is the weaker
  form of the same argument.
- SHARED_COUNCIL (0.75): the donor sits on a council the institution sits on (for a gap: a council
  with institutions of the county). A council of ``m`` members (seats in the scope's rows) counts
  ``1 / sqrt(m - 1)``: 1 for two members, 0.5 for five, 0.2 for 26, as a small council is a closer
  tie; several councils combine as ``1 - (1 - c1)(1 - c2)...``.
- CO_FUNDING (1.0): the donor funds the same institutions as the current donors. Its tie to them
  is the collaboration weight of the co-funding projection (``projections.project_donors``: each
  institution both fund adds ``1 / (k - 1)``, ``k`` its number of donors, so a small shared
  institution is a strong tie) summed over the current donors: ``t``. Score: half ``t`` as a share
  of all the donor's co-funding ties (its strength in that projection), half ``t / (t + 1)``.

The weights say how much each reason is taken to predict a gift: funding the service and funding
alongside the institution's donors show interest directly; a council seat is a personal tie;
geography weighs least, as many donors share a province. A reason with weight 0 is not shown.
Each reason carries a sentence with its numbers and the keys behind it (institutions, councils or
donors; most telling first, and the province's key first when the donor is based there).

Computed over index arrays (``SuggestionIndex``, built once per ``ScopeData`` and kept while it
lives): a call is a few vector passes over the giving pairs (tens of milliseconds at national
size), never the donor projection itself, which would hold millions of edges.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, fields
from enum import Enum

import numpy as np
import numpy.typing as npt

from graph_model.enums import Label
from graph_model.errors import FieldError, NotFound, ValidationFailed
from graph_model.networks.graph import FloatArray, IntArray, weighted_bincount
from graph_model.networks.neighbours import province_neighbours
from graph_model.networks.scope import ScopeData

EVIDENCE = 5  # keys kept per reason
DIGITS = 12  # totals are rounded so that floating noise never decides a tie


class ReasonKind(str, Enum):
    SAME_SERVICE = "same_service"
    SAME_PROVINCE = "same_province"
    NEIGHBOURING_PROVINCE = "neighbouring_province"
    SHARED_COUNCIL = "shared_council"
    CO_FUNDING = "co_funding"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason a donor is suggested: ``score`` in [0, 1] before weighting, ``detail`` a sentence
    with its numbers, ``evidence`` the keys behind it, most telling first (at most ``EVIDENCE``)."""

    kind: ReasonKind
    score: float
    detail: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A donor, its total (the weighted sum of its reasons' scores) and its reasons, largest
    weighted contribution first."""

    donor: str
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class SuggestionWeights:
    """How much each reason counts in the total (see the module docstring); finite and >= 0."""

    same_service: float = 1.0
    same_province: float = 0.5
    neighbouring_province: float = 0.25
    shared_council: float = 0.75
    co_funding: float = 1.0

    def __post_init__(self) -> None:
        bad = [FieldError(f"weights.{f.name}", "must be a finite number >= 0") for f in fields(self)
               if not (math.isfinite(getattr(self, f.name)) and getattr(self, f.name) >= 0)]
        if bad:
            raise ValidationFailed("invalid suggestion weights", bad)

    def of(self, kind: ReasonKind) -> float:
        return float(getattr(self, kind.value))

    @property
    def total(self) -> float:
        return sum(self.of(kind) for kind in ReasonKind)


DEFAULT_WEIGHTS = SuggestionWeights()
FORMS = "give either an institution, or a service and a county"


def suggest_donors(data: ScopeData, *, institution: str | None = None, service: str | None = None,
                   county: str | None = None, limit: int = 20,
                   weights: SuggestionWeights = DEFAULT_WEIGHTS) -> tuple[Suggestion, ...]:
    """The ``limit`` donors of ``data`` most likely to help ``institution``, or to fund ``service``
    in ``county`` (a gap), best first, each with its reasons (see the module docstring).
    ``service`` is not checked: a service no institution offers is a gap like any other."""
    _check_form(institution, service, county)
    if limit < 1:
        raise ValidationFailed("invalid limit", [FieldError("limit", "must be >= 1")])
    for name, key, known in (("institution", institution, data.institutions), ("county", county, data.counties)):
        if key is not None and key not in known:
            raise NotFound(f"no {name} with key {key!r}", [FieldError(name, f"no {name} with key {key!r}")])
    ix = suggestion_index(data)
    target = _institution(ix, data, institution) if institution is not None else _gap(ix, data, service, county)
    scoring = _Scoring(ix, target)
    kinds = [kind for kind in ReasonKind if weights.of(kind) > 0]
    total = np.zeros(len(ix.donors))
    for kind in kinds:
        total += weights.of(kind) * scoring.score(kind)
    total = np.round(total, DIGITS)
    total[target.current] = 0.0
    chosen = np.flatnonzero(total > 0)
    if len(chosen) > limit:  # keep the top ``limit`` (and their ties) before sorting
        cut = len(chosen) - limit
        chosen = chosen[total[chosen] >= np.partition(total[chosen], cut)[cut]]
    chosen = chosen[np.lexsort((chosen, -total[chosen]))][:limit]  # donors are numbered in key order
    return tuple(Suggestion(ix.donors[d], float(total[d]), scoring.reasons(int(d), kinds, weights)) for d in chosen)


@dataclass(frozen=True, eq=False)
class SuggestionIndex:
    """A scope's giving and seats as arrays, built once per ``ScopeData`` (``suggestion_index``).

    Donors and institutions are numbered in key order. One row per donor–institution pair, sorted
    by donor then institution: ``donor_start[d]:donor_start[d + 1]`` are donor ``d``'s rows;
    ``by_inst`` lists the rows by institution, ``inst_start`` delimiting each institution's."""

    donors: tuple[str, ...]
    institutions: tuple[str, ...]
    inst_at: dict[str, int]
    pair_donor: IntArray
    pair_inst: IntArray
    pair_count: FloatArray  # gifts
    pair_value: FloatArray  # rials, or gifts for a donor who gave no rials: what shares are of
    donor_start: IntArray
    by_inst: IntArray
    inst_start: IntArray
    donor_total: FloatArray  # sum of pair_value per donor
    donor_ties: FloatArray  # strength in the collaboration-weighted donor projection
    inst_donors: IntArray  # k: donors per institution
    provinces: tuple[str, ...]
    inst_province: IntArray  # index into provinces, -1 when unknown
    donor_province: IntArray  # where the donor is based, -1 when unknown
    neighbours: dict[str, frozenset[str]]
    services: dict[str, tuple[str, ...]]  # institution -> its services
    offering: dict[str, IntArray]  # service -> institutions offering it
    in_county: dict[str, tuple[str, ...]]  # county -> institutions located there
    council_size: dict[str, int]  # members of every kind
    council_donors: dict[str, frozenset[int]]
    inst_seats: dict[str, tuple[str, ...]]  # institution -> councils

    @classmethod
    def build(cls, data: ScopeData) -> SuggestionIndex:
        giving, info = data.edges, data.institutions
        donors = tuple(sorted({g.donor for g in giving}))
        institutions = tuple(sorted({*info, *(g.institution for g in giving)}))
        donor_at, inst_at = {k: i for i, k in enumerate(donors)}, {k: i for i, k in enumerate(institutions)}
        nd, ni, width = len(donors), len(institutions), max(len(institutions), 1)
        code = np.fromiter((donor_at[g.donor] * width + inst_at[g.institution] for g in giving), np.int64, len(giving))
        code, inverse = np.unique(code, return_inverse=True)  # repeated pairs add up
        amount = weighted_bincount(inverse, np.fromiter((g.amount for g in giving), np.float64, len(giving)), len(code))
        count = weighted_bincount(inverse, np.fromiter((g.count for g in giving), np.float64, len(giving)), len(code))
        pair_donor, pair_inst = code // width, code % width
        value = np.where((np.bincount(pair_donor, amount, nd) > 0)[pair_donor], amount, count)
        by_inst = np.argsort(pair_inst, kind="stable")
        inst_donors = np.bincount(pair_inst, minlength=ni)
        provinces = tuple(sorted({*(i.province for i in info.values() if i.province), *data.donor_provinces.values(),
                                  *(c.province for c in data.counties.values())}))
        province_at = {p: i for i, p in enumerate(provinces)}
        offering: dict[str, list[int]] = {}
        in_county: dict[str, list[str]] = {}
        for key in sorted(info):
            for service in info[key].services:
                offering.setdefault(service, []).append(inst_at[key])
            if info[key].county is not None:
                in_county.setdefault(str(info[key].county), []).append(key)
        members: dict[str, set[tuple[str, str]]] = {}
        council_donors: dict[str, set[int]] = {}
        inst_seats: dict[str, set[str]] = {}
        for m in data.memberships:
            members.setdefault(m.council, set()).add((m.kind, m.member))
            if m.kind == Label.DONOR.value and m.member in donor_at:
                council_donors.setdefault(m.council, set()).add(donor_at[m.member])
            elif m.kind == Label.INSTITUTION.value:
                inst_seats.setdefault(m.member, set()).add(m.council)
        return cls(
            donors, institutions, inst_at, pair_donor, pair_inst, count, value,
            np.searchsorted(pair_donor, np.arange(nd + 1)), by_inst,
            np.searchsorted(pair_inst[by_inst], np.arange(ni + 1)), weighted_bincount(pair_donor, value, nd),
            weighted_bincount(pair_donor, (inst_donors > 1)[pair_inst].astype(np.float64), nd), inst_donors, provinces,
            np.array([province_at.get(info[k].province or "", -1) if k in info else -1 for k in institutions],
                     np.int64),
            np.array([province_at.get(data.donor_provinces.get(d, ""), -1) for d in donors], np.int64),
            province_neighbours(data.counties), {k: i.services for k, i in info.items()},
            {s: np.array(v, np.int64) for s, v in offering.items()}, {c: tuple(v) for c, v in in_county.items()},
            {c: len(v) for c, v in members.items()}, {c: frozenset(v) for c, v in council_donors.items()},
            {k: tuple(sorted(v)) for k, v in inst_seats.items()})

    def rows_of(self, institutions: list[int]) -> IntArray:
        """The pair rows of these institutions."""
        parts = [self.by_inst[self.inst_start[i]:self.inst_start[i + 1]] for i in institutions]
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)


_INDEXES: dict[int, SuggestionIndex] = {}


def suggestion_index(data: ScopeData) -> SuggestionIndex:
    """``data``'s index, built on first use and kept while ``data`` lives (call it to warm up)."""
    found = _INDEXES.get(id(data))
    if found is None:
        found = SuggestionIndex.build(data)
        try:  # dropped when ``data`` is collected, before its id can be reused by another object
            weakref.finalize(data, _INDEXES.pop, id(data), None)
        except TypeError:  # no weak references to it (a slotted class): build per call rather than leak
            return found
        _INDEXES[id(data)] = found
    return found


@dataclass(frozen=True)
class _Target:
    """Whom donors are suggested for, with the words its reasons use."""

    name: str  # "the institution", or "SERVICE in county C"
    council_partners: str  # who the donor sits with on a shared council
    services: tuple[str, ...]
    province: str | None
    councils: dict[str, tuple[str, ...]]  # council -> the target's institutions sitting on it
    current: IntArray  # the donors already giving: excluded, and the co-funding anchor


def _check_form(institution: str | None, service: str | None, county: str | None) -> None:
    if institution is not None:
        extra = [FieldError(f, f"not with institution: {FORMS}") for f, v in (("service", service), ("county", county))
                 if v is not None]
        if extra:
            raise ValidationFailed(FORMS, extra)
    elif service is None and county is None:
        raise ValidationFailed(FORMS, [FieldError("institution", FORMS)])
    elif service is None or county is None:
        missing, other = ("service", "county") if service is None else ("county", "service")
        raise ValidationFailed("a gap needs a service and a county", [FieldError(missing, f"required with {other}")])


def _institution(ix: SuggestionIndex, data: ScopeData, key: str) -> _Target:
    info = data.institutions[key]
    current = np.unique(ix.pair_donor[ix.rows_of([ix.inst_at[key]])])
    councils: dict[str, tuple[str, ...]] = {c: (key,) for c in ix.inst_seats.get(key, ())}
    return _Target("the institution", "the institution", info.services, info.province, councils, current)


def _gap(ix: SuggestionIndex, data: ScopeData, service: str | None, county: str | None) -> _Target:
    assert service is not None and county is not None  # _check_form
    local = ix.in_county.get(county, ())
    providers = [ix.inst_at[k] for k in local if service in ix.services.get(k, ())]
    councils: dict[str, list[str]] = {}
    for key in local:
        for council in ix.inst_seats.get(key, ()):
            councils.setdefault(council, []).append(key)
    return _Target(f"{service} in county {county}", f"institutions of county {county}", (service,),
                   data.counties[county].province, {c: tuple(v) for c, v in councils.items()},
                   np.unique(ix.pair_donor[ix.rows_of(providers)]))


class _Scoring:
    """Every donor's score per reason for one target (vector passes over the pair rows), and the
    sentences for the few donors suggested."""

    def __init__(self, ix: SuggestionIndex, target: _Target) -> None:
        self.ix, self.target = ix, target
        self.vectors: dict[ReasonKind, FloatArray] = {}
        self.service = np.zeros(len(ix.institutions), np.bool_)
        for service in target.services:
            self.service[ix.offering.get(service, np.zeros(0, np.int64))] = True
        self.home = self._codes([target.province] if target.province else [])
        self.near = self._codes(sorted(ix.neighbours.get(target.province or "", ())))
        self.current = np.zeros(len(ix.donors), np.bool_)
        self.current[target.current] = True
        # current donors per institution: the co-funding tie of a donor to them sums, over its
        # institutions, shared / (k - 1) (the collaboration weight, summed over the current donors)
        self.shared = np.bincount(ix.pair_inst[self.current[ix.pair_donor]], minlength=len(ix.institutions))
        self.tie = np.zeros(len(ix.donors))

    def score(self, kind: ReasonKind) -> FloatArray:
        if kind not in self.vectors:
            self.vectors[kind] = self._score(kind)
        return self.vectors[kind]

    def _score(self, kind: ReasonKind) -> FloatArray:
        ix, nd = self.ix, len(self.ix.donors)
        if kind is ReasonKind.SAME_SERVICE:
            rows = self.service[ix.pair_inst]
            n = np.bincount(ix.pair_donor[rows], minlength=nd)
            return np.where(n > 0, (self._shares(rows) + n / (n + 1)) / 2, 0.0)
        if kind is ReasonKind.SAME_PROVINCE:
            return self._area(self.home)
        if kind is ReasonKind.NEIGHBOURING_PROVINCE:
            return np.where(self.score(ReasonKind.SAME_PROVINCE) > 0, 0.0, self._area(self.near))
        if kind is ReasonKind.SHARED_COUNCIL:
            missed: dict[int, float] = {}  # donor -> prod(1 - c) over its shared councils
            for council in sorted(self.target.councils):
                strength = 1 / math.sqrt(max(ix.council_size[council] - 1, 1))
                for d in ix.council_donors.get(council, ()):
                    missed[d] = missed.get(d, 1.0) * (1 - strength)
            score = np.zeros(nd)
            score[list(missed)] = 1 - np.array(list(missed.values()))
            return score
        k = ix.inst_donors[ix.pair_inst]
        self.tie = weighted_bincount(
            ix.pair_donor, np.where(k > 1, self.shared[ix.pair_inst] / np.maximum(k - 1, 1), 0.0), nd)
        share = np.divide(self.tie, ix.donor_ties, out=np.zeros(nd), where=ix.donor_ties > 0)
        return np.where(self.tie > 0, (np.minimum(share, 1.0) + self.tie / (self.tie + 1)) / 2, 0.0)

    def _codes(self, provinces: list[str]) -> IntArray:
        at = {p: i for i, p in enumerate(self.ix.provinces)}
        return np.array([at[p] for p in provinces if p in at], np.int64)

    def _shares(self, rows: npt.NDArray[np.bool_]) -> FloatArray:
        ix = self.ix
        given = np.bincount(ix.pair_donor[rows], ix.pair_value[rows], len(ix.donors))
        return np.divide(given, ix.donor_total, out=np.zeros(len(ix.donors)), where=ix.donor_total > 0)

    def _area(self, provinces: IntArray) -> FloatArray:
        ix = self.ix
        rows = np.isin(ix.inst_province, provinces)[ix.pair_inst]
        funds = np.bincount(ix.pair_donor[rows], minlength=len(ix.donors)) > 0
        based = np.isin(ix.donor_province, provinces)
        return np.where(based, 1.0, np.where(funds, 0.5 + 0.5 * self._shares(rows), 0.0))

    def reasons(self, d: int, kinds: list[ReasonKind], weights: SuggestionWeights) -> tuple[Reason, ...]:
        found = [(weights.of(k) * float(self.vectors[k][d]), n, k) for n, k in enumerate(kinds)
                 if self.vectors[k][d] > 0]
        found.sort(key=lambda f: (-f[0], f[1]))
        return tuple(self._reason(k, d) for _, _, k in found)

    def _reason(self, kind: ReasonKind, d: int) -> Reason:
        ix, score = self.ix, float(self.vectors[kind][d])
        rows = np.arange(ix.donor_start[d], ix.donor_start[d + 1])
        if kind is ReasonKind.SAME_SERVICE:
            rows = rows[self.service[ix.pair_inst[rows]]]
            funded = self._institutions(rows)
            offered = sorted({s for i in funded for s in ix.services.get(i, ()) if s in self.target.services})
            return Reason(kind, score, f"funds {_n(len(rows), 'institution')} offering {' or '.join(offered)} "
                          f"({_n(int(ix.pair_count[rows].sum()), 'gift')}, {self._share(d, rows)} of its giving)",
                          funded[:EVIDENCE])
        if kind is ReasonKind.SHARED_COUNCIL:
            shared = sorted((c for c in self.target.councils if d in ix.council_donors.get(c, ())),
                            key=lambda c: (ix.council_size[c], c))
            seats = ", ".join(f"{c} ({ix.council_size[c]} members)" for c in shared[:EVIDENCE])
            return Reason(kind, score, f"sits on {_n(len(shared), 'council')} with {self.target.council_partners}: "
                          f"{seats}", tuple(shared[:EVIDENCE]))
        if kind is ReasonKind.CO_FUNDING:
            return self._co_funding(d, score, rows)
        same = kind is ReasonKind.SAME_PROVINCE
        codes = self.home if same else self.near
        rows = rows[np.isin(ix.inst_province[ix.pair_inst[rows]], codes)]
        based = ix.provinces[ix.donor_province[d]] if ix.donor_province[d] in codes else None
        parts = [f"is based in {'' if same else 'neighbouring '}province {based}"] if based else []
        if len(rows):
            where = sorted({ix.provinces[ix.inst_province[i]] for i in ix.pair_inst[rows]})
            place = (f"province {self.target.province}" if same else
                     f"neighbouring province{'s' if len(where) > 1 else ''} {', '.join(where)}")
            there = based is not None and (same or where == [based])
            parts.append(f"funds {_n(len(rows), 'institution')} {'there' if there else 'in ' + place} "
                         f"({self._share(d, rows)} of its giving)")
        evidence = ((based,) if based else ()) + self._institutions(rows)
        return Reason(kind, score, " and ".join(parts), evidence[:EVIDENCE])

    def _co_funding(self, d: int, score: float, rows: IntArray) -> Reason:
        ix = self.ix
        mine = ix.pair_inst[rows]
        mine = mine[(self.shared[mine] > 0) & (ix.inst_donors[mine] > 1)]
        linked = ix.rows_of([int(i) for i in mine])
        others, tie = ix.pair_donor[linked], 1.0 / (ix.inst_donors[ix.pair_inst[linked]] - 1)
        keep = self.current[others]
        donors, at = np.unique(others[keep], return_inverse=True)
        weight = np.bincount(at, tie[keep], len(donors))
        order = donors[np.lexsort((donors, -weight))]
        share = float(self.tie[d] / ix.donor_ties[d]) if ix.donor_ties[d] > 0 else 0.0
        return Reason(ReasonKind.CO_FUNDING, score,
                      f"funds the same institutions as {len(donors)} of the {len(self.target.current)} current "
                      f"donors of {self.target.name} (tie weight {self.tie[d]:.2f}, {_percent(share)} of its "
                      f"co-funding ties)", tuple(ix.donors[int(e)] for e in order[:EVIDENCE]))

    def _share(self, d: int, rows: IntArray) -> str:
        """What share of donor ``d``'s giving its ``rows`` hold, as a percentage."""
        total = float(self.ix.donor_total[d])
        return _percent(float(self.ix.pair_value[rows].sum()) / total if total > 0 else 0.0)

    def _institutions(self, rows: IntArray) -> tuple[str, ...]:
        """The institutions of these rows, most given first, ties by key."""
        ix = self.ix
        insts = ix.pair_inst[rows][np.lexsort((ix.pair_inst[rows], -ix.pair_value[rows]))]
        return tuple(ix.institutions[int(i)] for i in insts)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _percent(share: float) -> str:
    return "<1%" if 0 < share < 0.005 else f"{share:.0%}"
