"""Reading a network scope from the store: one statement, turned into a ``ScopeData``.

``resolve_area`` checks the scope (a province must exist; a council is replaced by the area it
covers) and ``read_scope`` runs ``SCOPE_ROWS`` for that area and window. The statement and why
it reads donors as internal ids are described in ``graph_model.statements.networks``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np

from graph_model import donation_totals
from graph_model.cypher import Statement
from graph_model.enums import CouncilLevel
from graph_model.errors import FieldError, NotFound, ValidationFailed
from graph_model.networks.projections import GivingColumns, Membership, Partnership
from graph_model.networks.scope import CountyInfo, InstitutionInfo, NetworkScope, ScopeData, ScopeLevel
from graph_model.offload import offload, offload_process
from graph_model.statements.networks import COUNCIL_AREA, PROVINCE_EXISTS, SCOPE_ROWS, Part
from graph_model.stores.base import GraphStore, StoreAddress

# From this many gifts in the store (the `national` profile holds ~496,000), a scope is read and
# converted in one of graph_model.offload's child processes, with a connection of its own: the
# country's reply (1.9 million list items) cost the hub ~1.2 s of CPU to receive and decode on the
# event loop, and its conversion ~0.5 s in a thread sharing the GIL with the loop; a ScopeData comes
# back pickled (~15 MB, unpickled off the loop). Smaller stores (the tests' worlds, `demo`) read here.
CHILD_MIN_GIFTS = 50_000
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
    windowed = scope.since is not None or scope.until is not None
    params: dict[str, Any] = ({"since": _iso(scope.since, EARLIEST), "until": _iso(scope.until, LATEST)}
                              if windowed else {})
    if key is not None:
        params["area"] = key
    stmt = SCOPE_ROWS[store.dialect.name][area, windowed]
    address = store.address()
    if address is not None and await donation_totals.counted(store) >= CHILD_MIN_GIFTS:
        return await offload_process(read_elsewhere, address, scope, stmt, params)
    rows = await store.read(stmt, **params)
    # Off the event loop: the country's rows (~1.5 million list items) take about a second to convert.
    return await offload(rows_to_scope, scope, rows)


def read_elsewhere(address: StoreAddress, scope: NetworkScope, stmt: Statement, params: dict[str, Any]) -> ScopeData:
    """``read_scope``'s read and conversion, in a child process with a connection of its own."""
    async def read() -> list[dict[str, Any]]:
        store = address.open()
        try:
            return await store.read(stmt, **params)
        finally:
            await store.close()

    return rows_to_scope(scope, asyncio.run(read()))


def rows_to_scope(scope: NetworkScope, rows: list[dict[str, Any]]) -> ScopeData:
    """Turn ``SCOPE_ROWS`` rows into a ``ScopeData`` (gifts summed per donor–institution pair)."""
    by_part: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_part[int(row["part"])].append(row)
    place: dict[Any, tuple[str, str, str]] = {}  # institution id -> (key, county, province)
    for r in by_part[Part.INSTITUTIONS]:
        place.update((node, (key, r["a"], r["b"])) for node, key in zip(r["xs"], r["ys"], strict=True))
    offered: dict[str, set[str]] = defaultdict(set)
    for r in by_part[Part.OFFERS]:
        for node in r["xs"]:
            offered[place[node][0]].add(r["a"])
    institutions = {key: InstitutionInfo(key, county, province, tuple(sorted(offered.get(key, ()))))
                    for key, county, province in sorted(place.values())}
    donor_key = {node: key for r in by_part[Part.DONORS] for node, key in zip(r["xs"], r["ys"], strict=True)}
    giving = _giving(by_part[Part.GIVING], {node: p[0] for node, p in place.items()}, donor_key)
    givers = set(giving.donors)
    based = {donor_key[node]: r["a"] for r in by_part[Part.BASED] for node in r["xs"]}
    seats = sorted({Membership(r["a"], r["c"], r["b"]) for r in by_part[Part.SEAT]
                    if r["c"] != "Donor" or r["a"] in givers}, key=lambda m: (m.council, m.kind, m.member))
    partners = sorted({Partnership(*sorted((r["a"], r["b"]))) for r in by_part[Part.PARTNER] if r["a"] != r["b"]},
                      key=lambda p: (p.a, p.b))
    counties = {r["a"]: CountyInfo(r["a"], r["b"], *(_coordinates(r["zs"]))) for r in by_part[Part.COUNTY]}
    return ScopeData(scope, institutions, giving, tuple(seats), tuple(partners),
                     {d: p for d, p in based.items() if d in givers}, counties)


def _giving(rows: list[dict[str, Any]], institution_key: dict[Any, str], donor_key: dict[Any, str]) -> GivingColumns:
    """One row per donor–institution pair, sorted by (institution, donor), amounts added exactly.
    Vectorised: a Python loop over the country's half a million gifts takes seconds."""
    institutions, donors = sorted(set(institution_key.values())), sorted(set(donor_key.values()))
    inst_at = _positions(institution_key, institutions)
    donor_at = _positions(donor_key, donors)
    total = sum(len(r["xs"]) for r in rows)
    inst = np.fromiter((inst_at[x] for r in rows for x in r["xs"]), np.int64, total)
    donor = np.fromiter((donor_at[y] for r in rows for y in r["ys"]), np.int64, total)
    code = inst * max(len(donors), 1) + donor
    order = np.argsort(code, kind="stable")
    code = code[order]
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if total else np.zeros(0, np.int64)
    amounts = _pair_sums([a or 0 for r in rows for a in r["zs"]], order, starts)
    n = max(len(donors), 1)
    return GivingColumns(tuple(donors), tuple(institutions), code[starts] % n, code[starts] // n, amounts,
                         np.diff(np.r_[starts, total]).astype(np.int64))


def _positions(node_key: dict[Any, str], keys: list[str]) -> dict[Any, int]:
    position = {key: n for n, key in enumerate(keys)}
    return {node: position[key] for node, key in node_key.items()}


def _pair_sums(amounts: list[int], order: Any, starts: Any) -> tuple[int, ...]:
    """Amounts added per pair (``order`` sorts the gifts by pair, ``starts`` marks each pair's
    first), in int64 when that cannot overflow, else in Python integers (exact past 2^63)."""
    if not amounts:
        return ()
    if max(amounts) < 2**62 // len(amounts) and min(amounts) >= 0:
        return tuple(np.add.reduceat(np.asarray(amounts, np.int64)[order], starts).tolist())
    ordered = [amounts[k] for k in order.tolist()]
    bounds = [*starts.tolist(), len(ordered)]
    return tuple(sum(ordered[a:b]) for a, b in zip(bounds, bounds[1:], strict=False))


def _coordinates(values: list[Any] | None) -> tuple[float | None, float | None]:
    lat, lon = (values or [None, None])[:2]
    return (float(lat) if lat is not None else None, float(lon) if lon is not None else None)


def _iso(day: dt.date | None, default: str) -> str:
    return day.isoformat() if day else default
