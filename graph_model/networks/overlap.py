"""Shared donors between institutions, and institutions with no ties at all.

``GivingIndex`` indexes a scope's giving rows once (donor sets and amounts per institution);
``shared_donors`` and ``donor_overlap`` read it. Overlap is reported three ways, because each
answers a different question: ``shared`` (how many donors both have: the raw tie), ``jaccard``
(``shared / |D(a) ∪ D(b)|``: how much of the two donor bases coincide, fair between large and
small institutions), and the amounts the shared donors gave each side (is the tie material?).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from graph_model.enums import Label
from graph_model.networks.projections import GivingEdge, Membership, Partnership


class OverlapOrder(str, Enum):
    SHARED = "shared"  # most shared donors first
    JACCARD = "jaccard"  # largest Jaccard overlap first
    AMOUNT = "amount"  # most given to the two institutions by their shared donors first


@dataclass(frozen=True, slots=True)
class DonorOverlap:
    """How ``institution`` and ``other`` share donors. ``amount_to_*``: what the shared donors gave
    each (rials); ``donors``: the shared donors, largest combined giving first, ties by key."""

    institution: str
    other: str
    shared: int
    jaccard: float
    amount_to_institution: int
    amount_to_other: int
    donors: tuple[str, ...]

    @property
    def amount(self) -> int:
        return self.amount_to_institution + self.amount_to_other


@dataclass(frozen=True)
class GivingIndex:
    """Giving per institution (donor -> amount) and per donor (institutions), built from a scope's
    rows. ``donor_counts`` overrides the size of an institution's donor base when the rows hold
    only the two-hop neighbourhood of one institution (the Jaccard denominator needs the whole base)."""

    by_institution: Mapping[str, Mapping[str, int]]
    by_donor: Mapping[str, tuple[str, ...]]
    donor_counts: Mapping[str, int]

    @classmethod
    def from_rows(cls, giving: Iterable[GivingEdge], donor_counts: Mapping[str, int] | None = None) -> GivingIndex:
        amounts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        funded: dict[str, set[str]] = defaultdict(set)
        for g in giving:
            amounts[g.institution][g.donor] += g.amount
            funded[g.donor].add(g.institution)
        by_institution = {i: dict(d) for i, d in amounts.items()}
        counts = {i: len(d) for i, d in by_institution.items()} | dict(donor_counts or {})
        return cls(by_institution, {d: tuple(sorted(s)) for d, s in funded.items()}, counts)

    def donors_of(self, institution: str) -> Mapping[str, int]:
        return self.by_institution.get(institution, {})


def shared_donors(index: GivingIndex, institution: str, *, order: OverlapOrder = OverlapOrder.SHARED,
                  limit: int | None = None) -> tuple[DonorOverlap, ...]:
    """Every institution sharing at least one donor with ``institution``, best overlap first by
    ``order`` (ties: the other measures, then the other institution's key)."""
    others: set[str] = set()
    for donor in index.donors_of(institution):
        others.update(index.by_donor.get(donor, ()))
    others.discard(institution)
    return ordered([donor_overlap(index, institution, other) for other in others], order, limit=limit)


def ordered(found: Iterable[DonorOverlap], order: OverlapOrder, *, limit: int | None = None,
            withheld: Callable[[DonorOverlap], bool] | None = None) -> tuple[DonorOverlap, ...]:
    """``found`` best first by ``order``. ``withheld``: which overlaps' amounts the caller may not
    see. Their amounts count as equal and below every amount shown (as -1), in the ``AMOUNT``
    order and in the tie-breaks of the others alike; ties then go by the measures shown and the
    key. Sorted by the hidden amount, the rows would come out in its order and tell it (issue 15)."""
    def amount(o: DonorOverlap) -> int:
        return -1 if withheld is not None and withheld(o) else o.amount

    key: Callable[[DonorOverlap], tuple[float, float, float, str]] = {
        OverlapOrder.SHARED: lambda o: (-o.shared, -o.jaccard, -amount(o), o.other),
        OverlapOrder.JACCARD: lambda o: (-o.jaccard, -o.shared, -amount(o), o.other),
        OverlapOrder.AMOUNT: lambda o: (-amount(o), -o.shared, -o.jaccard, o.other),
    }[order]
    ranked = sorted(found, key=key)
    return tuple(ranked[:limit] if limit is not None else ranked)


def donor_overlap(index: GivingIndex, institution: str, other: str) -> DonorOverlap:
    """The donors ``institution`` and ``other`` share (none is an answer too: zero overlap)."""
    mine, theirs = index.donors_of(institution), index.donors_of(other)
    common = mine.keys() & theirs.keys()
    union = index.donor_counts.get(institution, len(mine)) + index.donor_counts.get(other, len(theirs)) - len(common)
    donors = sorted(common, key=lambda d: (-(mine[d] + theirs[d]), d))
    return DonorOverlap(institution, other, len(common), len(common) / union if union else 0.0,
                        sum(mine[d] for d in common), sum(theirs[d] for d in common), tuple(donors))


def isolated_institutions(institutions: Iterable[str], *, giving: Iterable[GivingEdge] = (),
                          memberships: Iterable[Membership] = (),
                          partnerships: Iterable[Partnership] = ()) -> tuple[str, ...]:
    """The ``institutions`` (a scope's full list) with no donor, no partner and no council seat
    in the rows given, sorted by key. A partnership ties both ends, whichever way it points."""
    tied = {g.institution for g in giving}
    tied.update(m.member for m in memberships if m.kind == Label.INSTITUTION.value)
    for p in partnerships:
        tied.update((p.a, p.b))
    return tuple(sorted(set(institutions) - tied))
