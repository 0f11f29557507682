"""Exploring around an actor: its neighbourhood ready to draw, and how two actors are linked
(``graph_model.networks.explore``; answers cached per networks count,
graph_model.networks.inputs).

Donor privacy (``hub.analytics.networks.Redaction``), for a caller without the right to see
personal data: an individual donor is drawn under a pseudonym (its node's id and its edges' ends
too), unnamed, and its gifts without amount, count, dates or weight; the weights of the other
gifts are scaled to the largest gift total still shown, so no withheld amount can be read back
from them; and the nodes are ranked and truncated as if its gifts weighed nothing
(``explore.neighbourhood``'s ``public``), so their order does not tell the hidden amounts either.
An individual donor asked for as the center, source or target is unknown (NOT_FOUND,
as for a key that does not exist)."""

from __future__ import annotations

from enum import Enum
from collections.abc import Iterable
from typing import Annotated

import strawberry

from graph_model.enums import Label
from graph_model.networks import explore
from hub.analytics.networks import Redaction, actor_ref, networks, redaction, refuse_hidden
from hub.auth.access import requires
from hub.auth.principal import Right
from hub.schema.fields import jalali
from hub.schema.network_types import NetworkActor, actor
from hub.schema.scalars import Date, Rials, maybe_date, maybe_rials


@strawberry.enum(description="Kinds of relationship a network walks.")
class NetworkRelation(Enum):
    DONATIONS = strawberry.enum_value(explore.NetworkRelation.DONATIONS,
                                      description="Gifts to institutions and events (one edge per donor and "
                                                  "recipient, amounts added).")
    COUNCIL_SEATS = strawberry.enum_value(explore.NetworkRelation.COUNCIL_SEATS,
                                          description="Seats of donors, institutions and people on councils.")
    PARTNERSHIPS = strawberry.enum_value(explore.NetworkRelation.PARTNERSHIPS,
                                         description="Partnerships between institutions.")
    EVENTS = strawberry.enum_value(explore.NetworkRelation.EVENTS,
                                   description="Taking part in events and organising them.")


def _node(n: explore.NetworkNode, red: Redaction) -> NetworkNode:
    shown = actor(n.label.value, n.key, {"nameFa": n.name_fa, "nameEn": n.name_en}, red)
    return NetworkNode(actor=shown, hop=n.hop, id=strawberry.ID(strawberry.relay.to_base64(n.label.value, shown.key)))


@strawberry.type(description="A node of a drawn network.")
class NetworkNode:
    id: strawberry.ID = strawberry.field(description="The actor's global id (use it as `center` to walk on).")
    actor: NetworkActor = strawberry.field(description="Who it is.")
    hop: int = strawberry.field(description="Distance in relationships from the center (or the path's source).")


@strawberry.type(description="An edge of a drawn network, in its stored direction.")
class NetworkEdge:
    source: strawberry.ID = strawberry.field(description="Global id of the start (donor, member, participant).")
    target: strawberry.ID = strawberry.field(description="Global id of the end (recipient, council, event).")
    relation: NetworkRelation = strawberry.field(description="Which kind of relationship.")
    type: str = strawberry.field(description="The stored relationship type, e.g. DONATED_TO.")
    weight: float | None = strawberry.field(description="Gifts: the pair's total over the largest pair total shown "
                                                        "(0-1]; any other relationship: 1. Null for a withheld "
                                                        "individual donor's gifts.")
    amount: Rials | None = strawberry.field(description="Gifts: the pair's total in rials (null when withheld).")
    count: int | None = strawberry.field(description="Gifts: how many (null when withheld); otherwise 1.")
    role: str | None = strawberry.field(description="Seats and participation: the role.")


def _gid(ref: explore.NodeRef, red: Redaction) -> strawberry.ID:
    key = red.key(ref.key) if ref.label is Label.DONOR else ref.key
    return strawberry.ID(strawberry.relay.to_base64(ref.label.value, key))


def _withheld(source: explore.NodeRef, relation: explore.NetworkRelation, red: Redaction) -> bool:
    """Whether a relationship is a gift of a donor the caller may not see."""
    return relation is explore.NetworkRelation.DONATIONS and source.label is Label.DONOR and red.hides(source.key)


def _edges(found: explore.Neighbourhood, red: Redaction) -> list[NetworkEdge]:
    largest = max((e.amount or 0 for e in found.edges
                   if e.relation is explore.NetworkRelation.DONATIONS and not _withheld(e.source, e.relation, red)),
                  default=0)
    edges = []
    for e in found.edges:
        weight: float | None = e.weight
        amount: int | None = e.amount
        count: int | None = e.count
        if _withheld(e.source, e.relation, red):
            weight = amount = count = None
        elif red.hidden and largest > 0 and e.relation is explore.NetworkRelation.DONATIONS:
            weight = (e.amount or 0) / largest
        edges.append(NetworkEdge(source=_gid(e.source, red), target=_gid(e.target, red),
                                 relation=NetworkRelation(e.relation), type=e.rel_type.value, weight=weight,
                                 amount=maybe_rials(amount), count=count, role=e.role))
    return edges


@strawberry.type(description="The network around an actor, ready to draw.")
class Neighbourhood:
    center: strawberry.ID = strawberry.field(description="The center's global id.")
    nodes: list[NetworkNode] = strawberry.field(description="The center, then nearest first, heaviest first (by "
                                                          "the heaviest tie reaching each). Without the right to "
                                                          "see personal data, gifts whose amounts are withheld "
                                                          "weigh nothing here, so the order reveals none of them.")
    edges: list[NetworkEdge] = strawberry.field(description="Every chosen relationship between two nodes shown.")
    truncated: bool = strawberry.field(description="True when nodes within the depth were left out for `limit` "
                                                   "(the lightest ties of the farthest hop go first; withheld "
                                                   "gifts count as the lightest).")


@strawberry.type(description="One relationship along a path, with its properties.")
class PathLink:
    source: strawberry.ID = strawberry.field(description="Global id of its start, as stored.")
    target: strawberry.ID = strawberry.field(description="Global id of its end, as stored.")
    relation: NetworkRelation = strawberry.field(description="Which kind of relationship.")
    type: str = strawberry.field(description="The stored relationship type.")
    amount: Rials | None = strawberry.field(description="Gifts: the pair's total in rials (null when withheld).")
    count: int | None = strawberry.field(description="Gifts: how many (null when withheld); otherwise 1.")
    first_date: Date | None = strawberry.field(description="Gifts: the first gift's date.")
    last_date: Date | None = strawberry.field(description="Gifts: the latest gift's date.")
    first_date_jalali: str | None = jalali("first_date")
    last_date_jalali: str | None = jalali("last_date")
    role: str | None = strawberry.field(description="Seats and participation: the role.")
    since: Date | None = strawberry.field(description="Seats and partnerships: since when.")
    purpose: str | None = strawberry.field(description="Partnerships: what for.")


@strawberry.type(description="One shortest path: its nodes and, between each two, the relationships joining them.")
class NetworkPath:
    nodes: list[NetworkNode] = strawberry.field(description="From the source to the target.")
    steps: list[list[PathLink]] = strawberry.field(description="steps[i]: the relationships between nodes i and "
                                                               "i+1 (one or more).")


@strawberry.type(description="How two actors are linked.")
class Connection:
    hops: int | None = strawberry.field(description="Length of the shortest paths; null when none within maxHops.")
    paths: list[NetworkPath] = strawberry.field(description="Shortest paths (at most `limit`), in key order.")


def _link(s: explore.PathLink, red: Redaction) -> PathLink:
    hidden = _withheld(s.source, s.relation, red)
    return PathLink(source=_gid(s.source, red), target=_gid(s.target, red), relation=NetworkRelation(s.relation),
                    type=s.rel_type.value, amount=None if hidden else maybe_rials(s.amount),
                    count=None if hidden else s.count, first_date=None if hidden else maybe_date(s.first_date),
                    last_date=None if hidden else maybe_date(s.last_date), role=s.role, since=maybe_date(s.since),
                    purpose=s.purpose)


def _donors(nodes: Iterable[explore.NetworkNode]) -> set[str]:
    return {n.key for n in nodes if n.label is Label.DONOR}


Relations = Annotated[list[NetworkRelation] | None, strawberry.argument(
    description="Relationships to walk (default: all).")]


def _relations(given: list[NetworkRelation] | None) -> tuple[explore.NetworkRelation, ...]:
    return explore.ALL if given is None else tuple(explore.NetworkRelation(r.value) for r in given)


def _ref(global_id: str, field: str) -> explore.NodeRef:
    label, key = actor_ref(global_id, field)
    return explore.NodeRef(Label(label), key)


@strawberry.type
class ExploreQuery:
    @strawberry.field(description="The network around an actor (institution, donor, council, person or event), "
                                  "ready to draw: nodes with names, edges with weights (gift totals), truncated by "
                                  "weight to `limit` nodes.",
                      extensions=[requires(Right.NETWORKS)])
    async def network(
            self, info: strawberry.Info,
            center: Annotated[strawberry.ID, strawberry.argument(description="The actor's global id.")],
            depth: Annotated[int, strawberry.argument(description="Relationships to walk out (1-3).")] = 2,
            relations: Relations = None,
            limit: Annotated[int, strawberry.argument(description="Most nodes to return, center included "
                                                                  "(1-1000).")] = 200) -> Neighbourhood:
        ref = _ref(center, "center")
        found = await networks(info).neighbourhood(ref, depth=depth, relations=_relations(relations), limit=limit,
                                                   public=not info.context.visibility.personal)
        red = await redaction(info, _donors(found.nodes))
        refuse_hidden(red, {"center": (ref.label, ref.key)})
        return Neighbourhood(center=_gid(found.center, red), nodes=[_node(n, red) for n in found.nodes],
                             truncated=found.truncated, edges=_edges(found, red))

    @strawberry.field(description="How two actors are linked: the shortest paths up to `maxHops`, with each "
                                  "relationship along the way and its properties.",
                      extensions=[requires(Right.NETWORKS)])
    async def connection(
            self, info: strawberry.Info,
            source: Annotated[strawberry.ID, strawberry.argument(description="One actor's global id.")],
            target: Annotated[strawberry.ID, strawberry.argument(description="The other actor's global id.")],
            max_hops: Annotated[int, strawberry.argument(description="Longest path to look for (1-6).")] = 4,
            relations: Relations = None,
            limit: Annotated[int, strawberry.argument(description="Most paths to return (1-100).")] = 10,
    ) -> Connection:
        start, end = _ref(source, "source"), _ref(target, "target")
        found = await networks(info).connection(start, end, max_hops=max_hops, relations=_relations(relations),
                                                limit=limit)
        asked = {"source": (start.label, start.key), "target": (end.label, end.key)}
        red = await redaction(info, {*_donors(n for p in found.paths for n in p.nodes),
                                     *(key for label, key in asked.values() if label is Label.DONOR)})
        refuse_hidden(red, asked)
        return Connection(hops=found.hops, paths=[
            NetworkPath(nodes=[_node(n, red) for n in p.nodes],
                        steps=[[_link(s, red) for s in step] for step in p.steps])
            for p in found.paths])
