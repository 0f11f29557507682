"""Explore the network around an actor, and how two actors are linked.

Actors are donors, institutions, councils, people and events; the relations between them are
giving (``DONATIONS``), council seats, partnerships and events (participating, organising).
Both reads treat the graph as undirected when walking it and report each relationship in its
stored direction (donor -> institution, member -> council, participant -> event, event ->
organiser).

**Neighbourhood** (``neighbourhood``): breadth first from the center, one statement per hop
(``network_expand``: every relationship of the chosen types at the hop's frontier, one row per
gift), then two more sent together: the names of the nodes kept, and the relationships among
the nodes of the last hop (``network_between``; the last hop is never expanded, and this is
skipped when it holds one node). A depth-2 neighbourhood costs four round trips, three in
sequence. Truncation, so a hub never floods the drawing:

- the center is hop 0; nodes are kept nearest hop first, never a farther node before a nearer
  one, and only kept nodes are expanded further;
- within a hop, candidates are ranked by their *score*, the heaviest edge that reached them
  from the previous hop, normalised per relation: a donor–institution (or donor–event) pair
  weighs its total giving divided by the largest pair total reaching that hop's candidates, so
  the biggest pair scores 1; a seat, partnership or event tie scores 1 (one such tie is as
  strong as the hop's heaviest giving). Ties go by key, then label;
- ``public`` (a caller without the right to see personal data): an individual donor's gifts
  score 0, as low as a tie can, and the hop's largest pair total is taken over the other gifts.
  Ranked and truncated by the hidden totals, the drawing would show their order (who gave more
  drops last, issue 15); so the order and the truncation never depend on a withheld amount. This
  costs one more statement per hop (which of the reached donors are individuals);
- nodes are kept until ``limit`` (center included); ``truncated`` says a node found within
  ``depth`` was dropped. When the limit is met exactly before ``depth``, the next hop is still
  expanded, to learn whether anything lay beyond (its rows also give the relationships within
  the full hop); once a node was dropped, the full hop's inner relationships come from
  ``network_between`` instead;
- the edges are every relationship of the chosen types between two kept nodes, those among the
  last hop's nodes included; gifts of one pair are one edge (``amount`` their exact integer sum,
  ``count`` how many), whose ``weight`` is that total over the largest pair total among the
  edges returned; any other edge weighs 1 and carries its role (seats, participation).

**Connection** (``connection``): a bidirectional breadth-first search in Python, one
``network_neighbours`` statement per level (distinct neighbour keys only, no properties),
always expanding the side whose frontier holds fewer nodes: a hub near one end (an institution
with a hundred donors) is then reached from the other side's smaller frontier instead of being
grown from. The search stops at the first level where the sides meet (every meeting node then
closes a shortest path), at ``max_hops``, or when a side has nothing left to expand. Every
predecessor of a node at the level below is kept, so the shortest paths form a DAG; the first
``limit`` paths in the order of the keys along them (source to target) are walked from it. Then
two statements sent together read the properties of the relationships on those paths (gifts
added per pair with first and last date; a seat's role and since; a partnership's since and
purpose; a participant's role) and the names. A 4-hop connection costs six round trips.

Why not Cypher's ``shortestPath``/``allShortestPaths``: FalkorDB accepts them only in
WITH/RETURN, so the two stores would need different statements (a dialect split), and one
statement cannot stop a search that grows from a hub; the level-by-level search is the same
Cypher on both stores, bounded by one small round trip per level. Nothing caps a frontier's
size: on ``national`` a 6-hop connection expands about 350 nodes at its widest level (see
``benchmarks/networks_explore_probe.py``); the store's statement timeout is the backstop.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from itertools import pairwise
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from graph_model.cypher import Statement
from graph_model.enums import ENDPOINTS, DonorKind, Label, Rel
from graph_model.errors import FieldError, NotFound, ValidationFailed
from graph_model.statements import networks_explore as stmts
from graph_model.statements.privacy import INDIVIDUAL_DONORS
from graph_model.stores.base import GraphStore, Rows

MAX_DEPTH = 3
MAX_LIMIT = 1000
MAX_HOPS = 6
MAX_PATHS = 100


class NetworkRelation(str, Enum):
    """The kinds of tie a network walk may follow (each a group of relationship types)."""

    DONATIONS = "DONATIONS"  # a donor's gifts to an institution or an event
    COUNCIL_SEATS = "COUNCIL_SEATS"  # a donor, institution or person sitting on a council
    PARTNERSHIPS = "PARTNERSHIPS"  # two institutions in partnership
    EVENTS = "EVENTS"  # an institution taking part in an event; an event's organiser


RELATION_TYPES: dict[NetworkRelation, tuple[Rel, ...]] = {
    NetworkRelation.DONATIONS: (Rel.DONATED_TO, Rel.DONATED_TO_EVENT),
    NetworkRelation.COUNCIL_SEATS: (Rel.DONOR_MEMBER_OF, Rel.INSTITUTION_MEMBER_OF, Rel.PERSON_MEMBER_OF),
    NetworkRelation.PARTNERSHIPS: (Rel.PARTNERS_WITH,),
    NetworkRelation.EVENTS: (Rel.PARTICIPATED_IN, Rel.ORGANISED_BY_INSTITUTION, Rel.ORGANISED_BY_COUNCIL),
}
RELATION_OF: dict[Rel, NetworkRelation] = {rel: r for r, rels in RELATION_TYPES.items() for rel in rels}
ALL: tuple[NetworkRelation, ...] = tuple(NetworkRelation)
ACTORS = frozenset(stmts.ACTOR_LABELS)


@dataclass(frozen=True, order=True)
class NodeRef:
    label: Label
    key: str


@dataclass(frozen=True)
class NetworkNode:
    label: Label
    key: str
    name_fa: str | None
    name_en: str | None
    hop: int  # distance from the center (a neighbourhood) or the source (a path)

    @property
    def ref(self) -> NodeRef:
        return NodeRef(self.label, self.key)


@dataclass(frozen=True)
class NetworkEdge:
    source: NodeRef
    target: NodeRef
    relation: NetworkRelation
    rel_type: Rel
    weight: float  # giving: the pair's total over the largest pair total shown; otherwise 1
    amount: int | None  # giving only: rials, exact
    count: int  # gifts of the pair; 1 for any other relationship
    role: str | None


@dataclass(frozen=True)
class Neighbourhood:
    center: NodeRef
    nodes: tuple[NetworkNode, ...]  # the center, then nearest hop first, by score, then key
    edges: tuple[NetworkEdge, ...]  # by source key, target key, type
    truncated: bool  # a node found within the depth was left out for the limit


@dataclass(frozen=True)
class PathLink:
    """One relationship between consecutive nodes of a path, in its stored direction."""

    source: NodeRef
    target: NodeRef
    relation: NetworkRelation
    rel_type: Rel
    amount: int | None = None  # giving: the pair's total, exact
    count: int = 1  # giving: the pair's gifts
    first_date: str | None = None  # giving: the pair's first and last gift
    last_date: str | None = None
    role: str | None = None  # seats, participation
    since: str | None = None  # seats, partnerships
    purpose: str | None = None  # partnerships


@dataclass(frozen=True)
class Path:
    nodes: tuple[NetworkNode, ...]  # source first; ``hop`` is the position
    steps: tuple[tuple[PathLink, ...], ...]  # steps[i]: every chosen relationship between nodes i and i+1


@dataclass(frozen=True)
class Connection:
    source: NodeRef
    target: NodeRef
    hops: int | None  # None: no path within max_hops
    paths: tuple[Path, ...]


# --- shared helpers ----------------------------------------------------------------------------
# Inside, a node is a (key, label) pair of strings: hashed and sorted by C code, where a frozen
# dataclass of an enum costs a Python call per hash (a third of a neighbourhood's time on
# `national`); sorting the pairs orders by key, then label. The results carry NodeRefs.

Ref = tuple[str, str]
_TYPES: dict[str, tuple[Rel, str, str]] = {rel.value: (rel, ENDPOINTS[rel][0].value, ENDPOINTS[rel][1].value)
                                           for rel in stmts.ACTOR_RELS}
_GIFTS = frozenset(rel.value for rel in stmts.GIFTS)


def _ref(node: NodeRef) -> Ref:
    return node.key, node.label.value


def _node_ref(ref: Ref) -> NodeRef:
    return NodeRef(Label(ref[1]), ref[0])


def _in_range(name: str, value: int, low: int, high: int) -> list[FieldError]:
    ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    return [] if ok else [FieldError(name, f"must be an integer from {low} to {high}")]


def _actor(name: str, ref: NodeRef) -> list[FieldError]:
    if not isinstance(ref.label, Label) or ref.label not in ACTORS:
        actors = ", ".join(a.value for a in stmts.ACTOR_LABELS)
        return [FieldError(name, f"{getattr(ref.label, 'value', ref.label)} is not an actor (one of {actors})")]
    return [] if isinstance(ref.key, str) and ref.key else [FieldError(f"{name}.key", "must be a non-empty key")]


def _types(relations: Collection[NetworkRelation | str], errors: list[FieldError]) -> frozenset[Rel]:
    try:
        chosen = {NetworkRelation(r) for r in relations}
    except ValueError:
        errors.append(FieldError("relations", f"must be among {', '.join(r.value for r in NetworkRelation)}"))
        return frozenset()
    if not chosen:
        errors.append(FieldError("relations", "choose at least one relation"))
    return frozenset(rel for r in chosen for rel in RELATION_TYPES[r])


def _side_params(stmt: Statement, nodes: Iterable[Ref], types: frozenset[Rel]) -> dict[str, list[str]]:
    """The keys of ``nodes`` in the branch parameters of the chosen types (empty lists elsewhere)."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for key, label in nodes:
        by_label[label].append(key)
    params: dict[str, list[str]] = {name: [] for name in stmt.params}
    for rel in types:
        start, end = ENDPOINTS[rel]
        params[stmts.side_param(rel, True)] = by_label.get(start.value, [])
        params[stmts.side_param(rel, False)] = by_label.get(end.value, [])
    return params


# Per branch code: (type, frontier is the start, frontier label, far label).
_BRANCHES: tuple[tuple[str, bool, str, str], ...] = tuple(
    (rel.value, fwd, *((start.value, end.value) if fwd else (end.value, start.value)))
    for rel, fwd in stmts.BRANCHES for start, end in (ENDPOINTS[rel],))


def _reached(rows: Rows) -> Iterator[tuple[str, bool, Ref, Ref, Any]]:
    """(type, frontier is the start, frontier node, far node, amount or role) per relationship of
    an expand or between reply."""
    for row in rows:
        rel, forward, near, far = _BRANCHES[row["branch"]]
        node = (row["node"], near)
        for other, value in row["others"]:
            yield rel, forward, node, (other, far), value


async def _names(store: GraphStore, refs: Iterable[Ref]) -> dict[Ref, tuple[str | None, str | None]]:
    by_label: dict[str, list[str]] = defaultdict(list)
    for key, label in sorted(set(refs)):
        by_label[label].append(key)
    rows = await store.read(stmts.NAMES, **{stmts.label_param(lb): by_label.get(lb.value, [])
                                            for lb in stmts.ACTOR_LABELS})
    return {(r["key"], r["label"]): (r["nameFa"], r["nameEn"]) for r in rows}


def _require(names: dict[Ref, Any], refs: dict[str, NodeRef]) -> None:
    missing = [FieldError(arg, f"no {ref.label.value} has the key {ref.key!r}")
               for arg, ref in refs.items() if _ref(ref) not in names]
    if missing:
        raise NotFound("unknown actor", missing)


def _node(ref: Ref, names: dict[Ref, tuple[str | None, str | None]], hop: int) -> NetworkNode:
    return NetworkNode(Label(ref[1]), ref[0], *names.get(ref, (None, None)), hop=hop)


# --- neighbourhood -----------------------------------------------------------------------------

@dataclass
class _Pair:
    """The relationships of one type from one node to another: gifts added up."""

    amount: int = 0
    count: int = 0
    role: str | None = None

    def add(self, rel: str, value: Any) -> None:
        self.count += 1
        if rel in _GIFTS:
            self.amount += value  # Python integers: exact past 2^53
        else:
            self.role = value


Pairs = dict[tuple[Ref, Ref, str], _Pair]  # (start, end, type) -> the pair's relationships


async def neighbourhood(store: GraphStore, center: NodeRef, *, depth: int = 2,
                        relations: Collection[NetworkRelation | str] = ALL,
                        limit: int = 200, public: bool = False) -> Neighbourhood:
    """The actors within ``depth`` hops of ``center`` and the relationships among them, at most
    ``limit`` nodes chosen by the rule in the module docstring (``public``: ranked without the
    amounts of individual donors' gifts)."""
    errors = (_actor("center", center) + _in_range("depth", depth, 1, MAX_DEPTH)
              + _in_range("limit", limit, 1, MAX_LIMIT))
    types = _types(relations, errors)
    if errors:
        raise ValidationFailed("invalid neighbourhood", errors)
    origin = _ref(center)
    kept: dict[Ref, int] = {origin: 0}
    score: dict[Ref, float] = {origin: 1.0}
    pairs: Pairs = defaultdict(_Pair)
    frontier, hop, truncated = [origin], 0, False
    last: list[Ref] = []  # a hop whose inner relationships are still unread
    while frontier:
        if hop == depth or (truncated and len(kept) >= limit):
            last = frontier  # nothing more may be kept: only the edges within it are missing
            break
        rows = await store.read(stmts.EXPAND, **_side_params(stmts.EXPAND, frontier, types))
        reached = _collect(rows, kept, hop, pairs, await _individuals(store, rows) if public else frozenset())
        hop += 1
        ranked = sorted(reached, key=lambda n: (-reached[n], n))
        room = max(limit - len(kept), 0)
        truncated = truncated or len(ranked) > room
        frontier = ranked[:room]
        for n in frontier:
            kept[n], score[n] = hop, reached[n]
    between = _read(store, stmts.BETWEEN, _side_params(stmts.BETWEEN, last, types)) if len(last) > 1 else _none()
    names, inner = await asyncio.gather(_names(store, kept), between)
    _require(names, {"center": center})
    for rel, _, a, b, value in _reached(inner):
        pairs[(a, b, rel)].add(rel, value)
    nodes = sorted(kept, key=lambda n: (kept[n], -score[n], n))
    return Neighbourhood(center, tuple(_node(n, names, kept[n]) for n in nodes),
                         _edges({k: v for k, v in pairs.items() if k[0] in kept and k[1] in kept}), truncated)


async def _individuals(store: GraphStore, rows: Rows) -> frozenset[str]:
    """The individual donors among the givers of a hop's gifts (no statement when it has no gifts)."""
    givers = sorted({(node if forward else other)[0] for rel, forward, node, other, _ in _reached(rows)
                     if rel in _GIFTS})
    if not givers:
        return frozenset()
    found = await store.read(INDIVIDUAL_DONORS, keys=givers, kind=DonorKind.INDIVIDUAL.value)
    return frozenset(r["key"] for r in found)


def _collect(rows: Rows, kept: dict[Ref, int], hop: int, pairs: Pairs,
             hidden: frozenset[str] = frozenset()) -> dict[Ref, float]:
    """Add the hop's relationships to ``pairs``; return the nodes they reach first with their score
    (a gift of a ``hidden`` donor scores 0 and does not count toward the hop's largest total)."""
    reached: Pairs = {}
    for rel, forward, node, other, value in _reached(rows):
        seen = kept.get(other)
        # Read already from the other end: a node of an earlier hop, or of this hop when this is
        # the far side's view (a relationship between two frontier nodes comes twice).
        if seen is not None and (seen < hop or not forward):
            continue
        key = (node, other, rel) if forward else (other, node, rel)
        pair = pairs[key]
        pair.add(rel, value)
        if seen is None:
            reached[key] = pair
    def shown(a: Ref, rel: str) -> bool:  # a gift is the donor's (its start: ``a``) to show
        return rel in _GIFTS and a[0] not in hidden

    top = max((p.amount for (a, _, rel), p in reached.items() if shown(a, rel)), default=0)
    found: dict[Ref, float] = {}
    for (a, b, rel), pair in reached.items():
        new = a if b in kept else b
        weight = (pair.amount / top if top and shown(a, rel) else 0.0) if rel in _GIFTS else 1.0
        if weight >= found.get(new, -1.0):
            found[new] = weight
    return found


async def _read(store: GraphStore, stmt: Statement, params: dict[str, Any]) -> Rows:
    return await store.read(stmt, **params)


async def _none() -> Rows:
    return []


def _edges(pairs: Pairs) -> tuple[NetworkEdge, ...]:
    top = max((p.amount for (_, _, rel), p in pairs.items() if rel in _GIFTS), default=0)
    edges = []
    for (a, b, name), p in sorted(pairs.items(), key=lambda kv: kv[0]):
        rel = _TYPES[name][0]
        gift = name in _GIFTS
        weight = (p.amount / top if top else 0.0) if gift else 1.0
        edges.append(NetworkEdge(_node_ref(a), _node_ref(b), RELATION_OF[rel], rel, weight,
                                 p.amount if gift else None, p.count, None if gift else p.role))
    return tuple(edges)


# --- connection --------------------------------------------------------------------------------

# (a node, the node it reached first) -> the relationships joining them, as (type, start, end)
Links = dict[tuple[Ref, Ref], set[tuple[str, Ref, Ref]]]


def _joining(links: Links, a: Ref, b: Ref) -> set[tuple[str, Ref, Ref]]:
    """The relationships between two consecutive nodes of a path, whichever side reached which."""
    return links.get((a, b), set()) | links.get((b, a), set())


@dataclass
class _Search:
    """One side of the bidirectional search: distances and every predecessor one level nearer."""

    dist: dict[Ref, int]
    preds: dict[Ref, set[Ref]]
    frontier: list[Ref]
    level: int = 0

    @classmethod
    def at(cls, ref: Ref) -> _Search:
        return cls({ref: 0}, {ref: set()}, [ref])


async def connection(store: GraphStore, source: NodeRef, target: NodeRef, *, max_hops: int = 4,
                     relations: Collection[NetworkRelation | str] = ALL, limit: int = 10) -> Connection:
    """All shortest paths from ``source`` to ``target`` of at most ``max_hops`` relationships (the
    first ``limit`` by the keys along them), each relationship with its properties."""
    errors = (_actor("source", source) + _actor("target", target) + _in_range("max_hops", max_hops, 1, MAX_HOPS)
              + _in_range("limit", limit, 1, MAX_PATHS))
    types = _types(relations, errors)
    if errors:
        raise ValidationFailed("invalid connection", errors)
    s, t = _ref(source), _ref(target)
    sides = (_Search.at(s), _Search.at(t))
    links: Links = defaultdict(set)
    meeting = [s] if s == t else []
    while not meeting and sides[0].level + sides[1].level < max_hops and sides[0].frontier and sides[1].frontier:
        near, far = sides if len(sides[0].frontier) <= len(sides[1].frontier) else sides[::-1]
        rows = await store.read(stmts.NEIGHBOURS, **_side_params(stmts.NEIGHBOURS, near.frontier, types))
        near.level += 1
        new: dict[Ref, set[Ref]] = defaultdict(set)
        seen = near.dist
        for row in rows:
            rel, forward, near_label, far_label = _BRANCHES[row["branch"]]
            node = (row["node"], near_label)
            for key in row["others"]:
                other = (key, far_label)
                # Only a step to a node new at this level can lie on a shortest path.
                if other not in seen:
                    new[other].add(node)
                    links[(node, other)].add((rel, node, other) if forward else (rel, other, node))
        for n, preds in new.items():
            near.dist[n], near.preds[n] = near.level, preds
        near.frontier = sorted(new)
        # At the first level where the sides meet, every meeting node closes a shortest path.
        meeting = [n for n in near.frontier if n in far.dist]
    paths = list(_paths(s, t, sides, meeting, limit)) if meeting else []
    names, rows = await asyncio.gather(_names(store, {n for p in paths for n in p} | {s, t}),
                                       _details(store, paths, links))
    _require(names, {"source": source, "target": target})
    steps = _steps(rows, links, paths)
    return Connection(source, target, len(paths[0]) - 1 if paths else None, tuple(
        Path(tuple(_node(n, names, i) for i, n in enumerate(p)), tuple(steps[frozenset(ab)] for ab in pairwise(p)))
        for p in paths))


def _paths(source: Ref, target: Ref, sides: tuple[_Search, _Search], meeting: list[Ref],
           limit: int) -> Iterator[tuple[Ref, ...]]:
    """The shortest paths through the meeting nodes, at most ``limit``, in the order of the keys
    along them: a depth-first walk of the shortest-path DAG, next nodes in key order."""
    succ: dict[Ref, set[Ref]] = defaultdict(set)
    for toward_target, side in zip((True, False), sides, strict=True):
        stack, seen = list(meeting), set(meeting)
        while stack:
            node = stack.pop()
            for p in side.preds[node]:
                if toward_target:
                    succ[p].add(node)
                else:  # the target side's predecessors lie toward the target
                    succ[node].add(p)
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
    count = 0
    walk: list[tuple[Ref, ...]] = [(source,)]
    while walk and count < limit:
        path = walk.pop()
        if path[-1] == target:
            count += 1
            yield path
        else:  # pushed largest first, so the smallest key is walked first
            walk.extend(path + (n,) for n in sorted(succ[path[-1]], reverse=True))


async def _details(store: GraphStore, paths: list[tuple[Ref, ...]], links: Links) -> Rows:
    if not paths:
        return []
    wanted = sorted({link for p in paths for a, b in pairwise(p) for link in _joining(links, a, b)})
    params: dict[str, list[dict[str, str]]] = {name: [] for name in stmts.DETAILS.params}
    for rel, start, end in wanted:
        params[stmts.pair_param(_TYPES[rel][0])].append({"source": start[0], "target": end[0]})
    return await store.read(stmts.DETAILS, **params)


def _steps(rows: Rows, links: Links, paths: list[tuple[Ref, ...]]) -> dict[frozenset[Ref], tuple[PathLink, ...]]:
    """The relationships of each consecutive pair on the paths, the gifts of a pair added up."""
    found: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        found[(r["rel"], r["source"], r["target"])].append(r)
    steps: dict[frozenset[Ref], tuple[PathLink, ...]] = {}
    for pair in {frozenset(ab) for p in paths for ab in pairwise(p)}:
        step = []
        for name, a, b in sorted(_joining(links, *pair)):
            rel, got = _TYPES[name][0], found[(name, a[0], b[0])]
            ends = (_node_ref(a), _node_ref(b), RELATION_OF[rel], rel)
            if name in _GIFTS:
                dates = sorted(g["date"] for g in got if g["date"] is not None)
                step.append(PathLink(*ends, amount=sum(g["amount"] for g in got), count=len(got),
                                     first_date=dates[0] if dates else None, last_date=dates[-1] if dates else None))
            else:
                one = got[0] if got else {}
                step.append(PathLink(*ends, role=one.get("role"), since=one.get("since"), purpose=one.get("purpose")))
        steps[pair] = tuple(step)
    return steps
