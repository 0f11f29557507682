"""Reading a network scope from the store: one statement, turned into a ``ScopeData``.

``resolve_area`` checks the scope (a province must exist; a council is replaced by the area it
covers) and ``read_scope`` runs ``SCOPE_ROWS`` for that area and window. The statement and why
it reads donors as internal ids are described in ``graph_model.statements.networks``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np

from graph_model.enums import CouncilLevel
from graph_model.errors import FieldError, NotFound, ValidationFailed
from graph_model.networks.projections import GivingEdge, Membership, Partnership
from graph_model.networks.scope import CountyInfo, InstitutionInfo, NetworkScope, ScopeData, ScopeLevel
from graph_model.statements.networks import COUNCIL_AREA, PROVINCE_EXISTS, SCOPE_ROWS, Part
from graph_model.stores.base import GraphStore

# Open ends of the donation window: ISO dates compare as strings, and every gift lies between.
EARLIEST, LATEST = "0000-01-01", "9999-12-31"


async def resolve_area(store: GraphStore, scope: NetworkScope) -> tuple[str, str | None]:
    """(area, key) for ``SCOPE_ROWS``: ("country", None), ("province", key) or ("county", key)."""
    if scope.since and scope.until and scope.since > scope.until:
        raise ValidationFailed("the donation window ends before it starts",
                               [FieldError("until", "must not be before since")])
    if scope.level is ScopeLevel.COUNTRY:
        return "country", None
    if not scope.key:
        raise ValidationFailed(f"a {scope.level.value} scope needs a key", [FieldError("scope.key", "required")])
    if scope.level is ScopeLevel.PROVINCE:
        if not await store.read(PROVINCE_EXISTS, key=scope.key):
            raise NotFound(f"no province with key {scope.key!r}")
        return "province", scope.key
    rows = await store.read(COUNCIL_AREA, key=scope.key)
    if not rows:
        raise NotFound(f"no council with key {scope.key!r}")
    row = rows[0]
    if row["county"]:
        return "county", row["county"]
    if row["province"]:
        return "province", row["province"]
    if row["level"] == CouncilLevel.NATIONAL.value:
        return "country", None
    raise NotFound(f"council {scope.key!r} covers no province or county")


async def read_scope(store: GraphStore, scope: NetworkScope) -> ScopeData:
    area, key = await resolve_area(store, scope)
    params: dict[str, Any] = {"since": _iso(scope.since, EARLIEST), "until": _iso(scope.until, LATEST)}
    if key is not None:
        params["area"] = key
    rows = await store.read(SCOPE_ROWS[store.dialect.name][area], **params)
    return rows_to_scope(scope, rows)


def rows_to_scope(scope: NetworkScope, rows: list[dict[str, Any]]) -> ScopeData:
    """Turn ``SCOPE_ROWS`` rows into a ``ScopeData`` (gifts summed per donor–institution pair)."""
    by_part: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_part[int(row["part"])].append(row)
    institutions = {r["a"]: InstitutionInfo(r["a"], r["b"], r["c"], tuple(sorted(set(r["ids"] or ()))))
                    for r in by_part[Part.INSTITUTION]}
    donor_key = {r["ids"][0]: r["a"] for r in by_part[Part.DONOR]}
    donor_provinces = {r["a"]: r["b"] for r in by_part[Part.DONOR] if r["b"]}
    giving = _giving(by_part[Part.GIVING], donor_key)
    givers = {g.donor for g in giving}
    seats = sorted({Membership(r["a"], r["c"], r["b"]) for r in by_part[Part.SEAT]
                    if r["c"] != "Donor" or r["a"] in givers}, key=lambda m: (m.council, m.kind, m.member))
    partners = sorted({Partnership(*sorted((r["a"], r["b"]))) for r in by_part[Part.PARTNER] if r["a"] != r["b"]},
                      key=lambda p: (p.a, p.b))
    counties = {r["a"]: CountyInfo(r["a"], r["b"], *(_coordinates(r["amounts"]))) for r in by_part[Part.COUNTY]}
    return ScopeData(scope, institutions, tuple(giving), tuple(seats), tuple(partners),
                     {d: p for d, p in donor_provinces.items() if d in givers}, counties)


def _giving(rows: list[dict[str, Any]], donor_key: dict[Any, str]) -> tuple[GivingEdge, ...]:
    """One ``GivingEdge`` per donor–institution pair, sorted by (institution, donor), amounts added
    exactly. Vectorised: a Python loop over the country's half a million gifts takes seconds."""
    rows = sorted(rows, key=lambda r: r["a"])
    donors = sorted(set(donor_key.values()))
    position = {key: n for n, key in enumerate(donors)}
    index = {node: position[key] for node, key in donor_key.items()}
    sizes = np.fromiter((len(r["ids"]) for r in rows), np.int64, len(rows))
    total = int(sizes.sum())
    if not total:
        return ()
    try:
        amount = np.fromiter((a or 0 for r in rows for a in r["amounts"]), np.int64, total)
    except OverflowError:  # a gift past 2^63 rials: add in Python integers instead
        return _giving_exact(rows, donor_key)
    n = max(len(donors), 1)
    donor = np.fromiter((index[d] for r in rows for d in r["ids"]), np.int64, total)
    code = np.repeat(np.arange(len(rows), dtype=np.int64), sizes) * n + donor
    order = np.argsort(code, kind="stable")
    code, amount = code[order], amount[order]
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    sums = np.add.reduceat(amount, starts)
    if (sums < 0).any():  # the int64 sums overflowed
        return _giving_exact(rows, donor_key)
    counts = np.diff(np.r_[starts, total])
    pairs = code[starts]
    institutions = [r["a"] for r in rows]
    return tuple(GivingEdge(donors[d], institutions[i], a, c)
                 for i, d, a, c in zip((pairs // n).tolist(), (pairs % n).tolist(), sums.tolist(), counts.tolist(),
                                       strict=True))


def _giving_exact(rows: list[dict[str, Any]], donor_key: dict[Any, str]) -> tuple[GivingEdge, ...]:
    totals: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        for donor, amount in zip(r["ids"], r["amounts"], strict=True):
            total = totals.setdefault((r["a"], donor_key[donor]), [0, 0])
            total[0] += int(amount or 0)
            total[1] += 1
    return tuple(GivingEdge(d, i, a, c) for (i, d), (a, c) in sorted(totals.items()))


def _coordinates(values: list[Any] | None) -> tuple[float | None, float | None]:
    lat, lon = (values or [None, None])[:2]
    return (float(lat) if lat is not None else None, float(lon) if lon is not None else None)


def _iso(day: dt.date | None, default: str) -> str:
    return day.isoformat() if day else default
