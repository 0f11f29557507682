"""Collaboration networks in the API: projections, brokers and hubs, communities, shared donors,
donor suggestions and isolated institutions (computed in ``graph_model.networks``, cached per
scope and networks count: graph_model.networks.inputs).

Donor privacy (``hub.analytics.networks.Redaction``): answers are computed and cached in full;
a caller without the right to see personal data gets them redacted here. Individual donors stay
in the structures (projections, rankings, community members) under a pseudonym, so the metrics
and counts are those of the whole network; they are left out of lists ranked by what donors gave
(a community's main donors, the shared donors of an overlap) and of donor suggestions (a
suggestion is someone to approach, and its reasons describe the donor's own giving). Every
amount shown to such a caller is a sum of visible gifts (hub.analytics.networks.visible_giving):
an overlap's amounts (and the AMOUNT order) and a community's main donors leave individuals'
gifts out, so no subtraction of two overlaps, two windows or two communities gives one back
(issue 15). Projection weights, centralities and suggestion scores are made of counts and of
the suggested (visible) donor's own giving: they carry no individual's amount."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from typing import Annotated

import strawberry

from graph_model.enums import Label
from graph_model.errors import FieldError, NotFound, ValidationFailed
from graph_model.networks import DonorOverlap as Overlap
from graph_model.networks import Algorithm, Metric, OverlapOrder, Partition, ProjectedEdge, Side, Weighting
from graph_model.networks.overlap import ordered
from graph_model.networks.scope import NetworkScope, ScopeLevel
from graph_model.privacy import PublicGiving
from graph_model.networks.service import Brokers, check_limit
from graph_model.networks.suggest import ReasonKind, Suggestion
from hub.analytics.networks import (
    Redaction, networks, redaction, scope_of, visible_donors, visible_giving, visible_overlap)
from hub.auth.access import requires
from hub.auth.principal import Right
from hub.schema.entities import Service
from hub.schema.fields import CONVERTERS
from hub.schema.network_types import (
    ActorKind, CentralityMetric, CommunityAlgorithm, NetworkActor, NetworkScopeInput, OverlapOrdering,
    ProjectionSide, ProjectionWeighting, actor)
from hub.schema.scalars import Rials, maybe_rials

SCOPE = "Where and when: the country and every donation when left out."
SIDE = "Which projection: institutions (default) or donors."
WEIGHTING = "How shared donors weigh an edge (default COLLABORATION, Newman)."


def _kind(side: Side) -> str:
    return Label.INSTITUTION.value if side is Side.INSTITUTION else Label.DONOR.value


@strawberry.type(description="A node's place in a ranking.")
class RankedActor:
    rank: int = strawberry.field(description="1 = best (for constraint: the lowest value, the strongest broker).")
    value: float = strawberry.field(description="The metric's value.")
    actor: NetworkActor = strawberry.field(description="The ranked institution or donor.")


@strawberry.type(description="Hubs and brokers: a centrality ranking over a projection.")
class BrokerRanking:
    metric: CentralityMetric = strawberry.field(description="The measure ranked.")
    nodes: int = strawberry.field(description="Nodes of the projection (isolated ones included).")
    edges: int = strawberry.field(description="Edges of the projection.")
    exact: bool = strawberry.field(description="False when betweenness was estimated from sampled sources.")
    pivots: int | None = strawberry.field(description="Sampled source nodes when not exact.")
    weighted: bool = strawberry.field(description="Betweenness: paths measured by 1/weight (true) or by hops.")
    relative_error: float | None = strawberry.field(description="When sampled: the mean relative standard error "
                                                                "of the top 20 values (0.1 = 10%).")
    sampling_note: str | None = strawberry.field(description="What sampling costs in accuracy, when sampled.")
    items: list[RankedActor] = strawberry.field(description="The best `first` nodes, best first.")


SAMPLING_NOTE = ("Estimated from {pivots} sampled source nodes of {nodes} (Brandes-Pich), as many as fit the "
                 "time budget, in 4 independent batches: the spread between them puts the mean relative "
                 "standard error of the top 20 values at {error:.0%}. Values closer than that may be in either "
                 "order.")


def _brokers(found: Brokers, side: Side, first: int, red: Redaction) -> BrokerRanking:
    note = None if found.exact else SAMPLING_NOTE.format(pivots=found.pivots, nodes=found.nodes,
                                                         error=found.relative_error or 0.0)
    return BrokerRanking(
        metric=CentralityMetric(found.ranking.metric), nodes=found.nodes, edges=found.edges, exact=found.exact,
        pivots=found.pivots, weighted=found.weighted, relative_error=found.relative_error, sampling_note=note,
        items=[RankedActor(rank=r.rank, value=r.value, actor=actor(_kind(side), r.key, red=red))
               for r in found.ranking.top(first)])


@strawberry.type(description="One edge of a projection and what it is made of.")
class ProjectedLink:
    a: NetworkActor = strawberry.field(description="One end (the lower key).")
    b: NetworkActor = strawberry.field(description="The other end.")
    weight: float = strawberry.field(description="Total weight: giving + councils + partnership. Made of counts "
                                                 "(shared donors, councils, partners), never of amounts.")
    shared: int = strawberry.field(description="Shared donors (institutions) or shared institutions (donors).")
    giving_weight: float = strawberry.field(description="The giving layer's weight (per the weighting).")
    shared_councils: int = strawberry.field(description="Councils both sit on.")
    council_weight: float = strawberry.field(description="The council layer: each shared council adds 1/(m-1), "
                                                         "m its members.")
    partnered: bool = strawberry.field(description="Partners (adds 1; institutions only).")


def _link(e: ProjectedEdge, kind: str, red: Redaction) -> ProjectedLink:
    return ProjectedLink(a=actor(kind, e.a, red=red), b=actor(kind, e.b, red=red), weight=e.weight, shared=e.shared,
                         giving_weight=e.giving_weight, shared_councils=e.shared_councils,
                         council_weight=e.council_weight, partnered=e.partnered)


@strawberry.type(description="A one-mode projection of the giving graph in a scope.")
class NetworkProjection:
    projection: ProjectionSide = strawberry.field(description="Institutions or donors.")
    weighting: ProjectionWeighting = strawberry.field(description="How shared neighbours weigh an edge.")
    nodes: int = strawberry.field(description="Nodes (isolated institutions included).")
    edges: int = strawberry.field(description="Edges.")
    total_weight: float = strawberry.field(description="Sum of edge weights.")
    links: list[ProjectedLink] = strawberry.field(description="The edges of the node asked for "
                                                              "(`of`), heaviest first.")


@strawberry.type(description="A service and how many of a community's institutions offer it.")
class CommunityService:
    service_key: str = strawberry.field(description="The service's key.")
    institutions: int = strawberry.field(description="Member institutions offering it.")

    @strawberry.field(description="The service.")
    async def service(self, info: strawberry.Info) -> Service | None:
        row = await info.context.loaders.node(Label.SERVICE).load(self.service_key)
        return CONVERTERS["Service"](row) if row else None


@strawberry.type(description="A main donor of a community (without the right to see personal data: companies, "
                             "contractors and foundations only).")
class CommunityDonor:
    donor: NetworkActor = strawberry.field(description="The donor.")
    amount: Rials = strawberry.field(description="What it gave the community's institutions in the window.")
    # Without the right to see personal data the main donors are ranked among the visible donors only.
    institutions: int = strawberry.field(description="Member institutions it funds.")


@strawberry.type(description="A community: institutions (or donors) more tied to each other than to the rest.")
class NetworkCommunity:
    index: int = strawberry.field(description="0 = the largest.")
    size: int = strawberry.field(description="Number of members.")
    members: list[NetworkActor] = strawberry.field(description="Members (the first `membersFirst`), by key.")
    services: list[CommunityService] = strawberry.field(description="Most offered services (institutions).")
    donors: list[CommunityDonor] = strawberry.field(description="Main donors by amount (institutions). Individual "
                                                                "donors are left out for callers who may not see "
                                                                "personal data, before ranking: the list is the "
                                                                "main donors among the others.")


@strawberry.type(description="Communities of a projection.")
class CommunityPartition:
    algorithm: CommunityAlgorithm = strawberry.field(description="The algorithm.")
    method: str = strawberry.field(description="The library function used.")
    resolution: float = strawberry.field(description="Modularity resolution (1 = standard).")
    seed: int = strawberry.field(description="Random seed: the same seed gives the same partition.")
    modularity: float = strawberry.field(description="Weighted modularity of the partition.")
    count: int = strawberry.field(description="Number of communities.")
    communities: list[NetworkCommunity] = strawberry.field(description="The largest `first` communities.")


# Main donors shown per community, cut after the hidden ones are left out: cut before, the gap
# would tell how many individual donors outgave the donors shown (issue 15).
MAIN_DONORS = 5


def _partition(p: Partition, side: Side, first: int, members_first: int, red: Redaction,
               public: PublicGiving | None) -> CommunityPartition:
    kind = _kind(side)
    if public is not None and side is Side.INSTITUTION:  # main donors among the visible ones
        p = replace(p, communities=tuple(replace(c, donors=visible_donors(c.members, public)) if c.index < first
                                         else c for c in p.communities))
    return CommunityPartition(
        algorithm=CommunityAlgorithm(p.algorithm), method=p.method, resolution=p.resolution, seed=p.seed,
        modularity=p.modularity, count=len(p.communities),
        communities=[NetworkCommunity(
            index=c.index, size=c.size, members=[actor(kind, k, red=red) for k in sorted(c.members)[:members_first]],
            services=[CommunityService(service_key=s.service, institutions=s.institutions) for s in c.services],
            donors=[CommunityDonor(donor=actor(Label.DONOR.value, d.donor), amount=Rials(d.amount),
                                   institutions=d.institutions)
                    for d in [d for d in c.donors if not red.hides(d.donor)][:MAIN_DONORS]])
            for c in p.communities[:first]])


def _partition_donors(p: Partition, side: Side, first: int, members_first: int) -> set[str]:
    """The donors a partition's answer names (members of a donor projection, main donors)."""
    shown = p.communities[:first]
    found = {d.donor for c in shown for d in c.donors}
    if side is Side.DONOR:
        found.update(k for c in shown for k in sorted(c.members)[:members_first])
    return found


@strawberry.type(description="How two institutions share donors.")
class DonorOverlap:
    institution: NetworkActor = strawberry.field(description="The institution asked about.")
    other: NetworkActor = strawberry.field(description="The other institution.")
    shared: int = strawberry.field(description="Donors giving to both.")
    jaccard: float = strawberry.field(description="shared / donors of either, in [0, 1].")
    amount_to_institution: Rials | None = strawberry.field(description="What the shared donors gave the "
                                                                       "institution in the window. Without the "
                                                                       "right to see personal data: what those of "
                                                                       "them who are not individuals gave (see "
                                                                       "`suppressed`).")
    amount_to_other: Rials | None = strawberry.field(description="What the shared donors gave the other (the same "
                                                                 "rule).")
    donors: list[NetworkActor] = strawberry.field(description="The shared donors, largest combined giving "
                                                              "first (at most 10). Individual donors are left out "
                                                              "for callers who may not see personal data.")
    suppressed: bool = strawberry.field(default=False, description="True when individual donors' gifts are left out "
                                        "of the amounts: the shared donors include individuals and the caller may "
                                        "not see personal data. The amounts then sum only gifts the caller may see "
                                        "anyway, so no subtraction of two overlaps (or of one overlap in two "
                                        "windows) gives an individual's gift back.")


def _overlap(o: Overlap, red: Redaction) -> DonorOverlap:
    """``o`` as the caller sees it: for one without the right to see personal data, ``o``'s
    amounts are already those of the visible gifts (hub.analytics.networks.visible_overlap)."""
    return DonorOverlap(institution=actor("Institution", o.institution), other=actor("Institution", o.other),
                        shared=o.shared, jaccard=o.jaccard,
                        amount_to_institution=maybe_rials(o.amount_to_institution),
                        amount_to_other=maybe_rials(o.amount_to_other),
                        suppressed=any(red.hides(d) for d in o.donors),
                        donors=[actor("Donor", d) for d in o.donors if not red.hides(d)][:10])


@strawberry.enum(description="Why a donor is suggested.")
class SuggestionReasonKind(Enum):
    SAME_SERVICE = strawberry.enum_value(ReasonKind.SAME_SERVICE, description="Funds institutions offering "
                                                                              "the same service.")
    SAME_PROVINCE = strawberry.enum_value(ReasonKind.SAME_PROVINCE, description="Based or giving in the "
                                                                                "same province.")
    NEIGHBOURING_PROVINCE = strawberry.enum_value(ReasonKind.NEIGHBOURING_PROVINCE,
                                                  description="Giving in a neighbouring province.")
    SHARED_COUNCIL = strawberry.enum_value(ReasonKind.SHARED_COUNCIL, description="Sits on a council with "
                                                                                  "the institution.")
    CO_FUNDING = strawberry.enum_value(ReasonKind.CO_FUNDING, description="Funds alongside the institution's "
                                                                          "donors (near in co-funding).")


@strawberry.type(description="One reason a donor is suggested.")
class SuggestionReason:
    kind: SuggestionReasonKind = strawberry.field(description="The reason.")
    score: float = strawberry.field(description="Its score in [0, 1], before weighting.")
    detail: str = strawberry.field(description="A sentence with the numbers behind it.")
    evidence: list[str] = strawberry.field(description="Keys behind it (institutions, councils, donors, "
                                                       "provinces), most telling first.")


@strawberry.type(description="A donor likely to help, and why (without the right to see personal data: "
                             "companies, contractors and foundations only).")
class DonorSuggestion:
    donor: NetworkActor = strawberry.field(description="The donor.")
    score: float = strawberry.field(description="Weighted sum of the reasons' scores (higher is likelier).")
    reasons: list[SuggestionReason] = strawberry.field(description="Its reasons, strongest first.")


@strawberry.type(description="Institutions with no donor, partner or council seat in a scope.")
class IsolatedInstitutions:
    total_count: int = strawberry.field(description="How many.")
    institutions: list[NetworkActor] = strawberry.field(description="The first `first`, by key.")


async def _suggestions(info: strawberry.Info, where: NetworkScope, institution: str | None, service: str | None,
                       county: str | None, first: int) -> tuple[list[Suggestion], Redaction]:
    """The best ``first`` suggestions the caller may see, and the redaction of their evidence (the
    donors behind CO_FUNDING). Without the right to see personal data, individual donors are left
    out, so more candidates are asked for (each count computed once and cached) until ``first``
    remain or the candidates run out."""
    limit = first if info.context.visibility.personal else first * 8
    while True:
        found = await networks(info).suggestions(where, institution=institution, service=service, county=county,
                                                 limit=limit)
        evidence = {e for s in found for r in s.reasons if r.kind is ReasonKind.CO_FUNDING for e in r.evidence}
        red = await redaction(info, {*(s.donor for s in found), *evidence})
        shown = [s for s in found if not red.hides(s.donor)]
        if len(shown) >= first or len(found) < limit:
            return shown[:first], red
        limit *= 4


First = Annotated[int, strawberry.argument(description="How many to return (1-1000).")]
ScopeArg = Annotated[NetworkScopeInput | None, strawberry.argument(description=SCOPE)]
SideArg = Annotated[ProjectionSide, strawberry.argument(description=SIDE)]
WeightingArg = Annotated[ProjectionWeighting, strawberry.argument(description=WEIGHTING)]


@strawberry.type
class NetworkQuery:
    @strawberry.field(description="A projection of the giving graph in a scope, with the edges of one node.",
                      extensions=[requires(Right.NETWORKS)])
    async def network_projection(
            self, info: strawberry.Info,
            of: Annotated[str, strawberry.argument(description="Key of the institution (or donor) whose edges "
                                                               "`links` lists.")],
            scope: ScopeArg = None, projection: SideArg = ProjectionSide.INSTITUTIONS,
            weighting: WeightingArg = ProjectionWeighting.COLLABORATION, first: First = 20) -> NetworkProjection:
        check_limit(first, "first")
        side = Side(projection.value)
        p = await networks(info).projection(scope_of(scope), side, Weighting(weighting.value))
        links = p.links_of(of, first)
        red = await redaction(info, {of, *(k for e in links for k in (e.a, e.b))} if side is Side.DONOR else ())
        if red.hides(of):  # an individual donor asked for by key is unknown to this caller
            links = ()
        return NetworkProjection(projection=projection, weighting=weighting, nodes=p.graph.order, edges=p.graph.size,
                                 total_weight=float(p.graph.weight.sum()),
                                 links=[_link(e, _kind(side), red) for e in links])

    @strawberry.field(description="Hubs and brokers: the best nodes of a projection by a centrality measure. "
                                  "Betweenness is exact when affordable, otherwise sampled (see `exact`).",
                      extensions=[requires(Right.NETWORKS)])
    async def brokers(
            self, info: strawberry.Info, scope: ScopeArg = None,
            metric: Annotated[CentralityMetric, strawberry.argument(description="The measure.")]
            = CentralityMetric.BETWEENNESS,
            projection: SideArg = ProjectionSide.INSTITUTIONS,
            weighting: WeightingArg = ProjectionWeighting.COLLABORATION,
            weighted: Annotated[bool, strawberry.argument(description="Betweenness: measure paths by 1/weight "
                                                                      "(true) or by hops.")] = True,
            first: First = 20) -> BrokerRanking:
        check_limit(first, "first")
        side = Side(projection.value)
        found = await networks(info).brokers(scope_of(scope), Metric(metric.value), side=side,
                                             weighting=Weighting(weighting.value), weighted=weighted)
        red = await redaction(info, [r.key for r in found.ranking.top(first)] if side is Side.DONOR else ())
        return _brokers(found, side, first, red)

    @strawberry.field(description="Communities of a projection, with their services and main donors.",
                      extensions=[requires(Right.NETWORKS)])
    async def communities(
            self, info: strawberry.Info, scope: ScopeArg = None,
            algorithm: Annotated[CommunityAlgorithm, strawberry.argument(description="Leiden or Louvain.")]
            = CommunityAlgorithm.LEIDEN,
            projection: SideArg = ProjectionSide.INSTITUTIONS,
            weighting: WeightingArg = ProjectionWeighting.COLLABORATION,
            resolution: Annotated[float, strawberry.argument(description="Above 1: smaller communities.")] = 1.0,
            seed: Annotated[int, strawberry.argument(description="Random seed.")] = 0,
            first: First = 20,
            members_first: Annotated[int, strawberry.argument(description="Members listed per community.")] = 50,
    ) -> CommunityPartition:
        check_limit(first, "first")
        check_limit(members_first, "membersFirst", 10_000)
        side = Side(projection.value)
        found = await networks(info).communities(scope_of(scope), algorithm=Algorithm(algorithm.value), side=side,
                                                 weighting=Weighting(weighting.value), resolution=resolution,
                                                 seed=seed)
        where = scope_of(scope)
        public = await visible_giving(info, where) if side is Side.INSTITUTION else None
        red = await redaction(info, _partition_donors(found, side, first, members_first))
        return _partition(found, side, first, members_first, red, public)

    @strawberry.field(description="Institutions sharing donors with an institution, best overlap first.",
                      extensions=[requires(Right.NETWORKS)])
    async def shared_donors(
            self, info: strawberry.Info,
            institution: Annotated[str, strawberry.argument(description="The institution's key.")],
            scope: ScopeArg = None,
            order: Annotated[OverlapOrdering, strawberry.argument(description="Ordering.")] = OverlapOrdering.SHARED,
            first: First = 20) -> list[DonorOverlap]:
        check_limit(first, "first")
        by, personal = OverlapOrder(order.value), info.context.visibility.personal
        # Without PERSONAL, every overlap is read, its amounts taken over the visible gifts, then
        # ordered and cut: ordered by amounts with individuals' gifts in them, the rows would
        # tell those gifts (issue 15).
        where = scope_of(scope)
        found = await networks(info).shared_donors(where, institution, order=by, limit=first if personal else None)
        public = await visible_giving(info, where)
        if public is not None:
            found = ordered([visible_overlap(o, public) for o in found], by, limit=first)
        red = await redaction(info, {d for o in found for d in o.donors})
        return [_overlap(o, red) for o in found]

    @strawberry.field(description="The donors two institutions share, and by how much.",
                      extensions=[requires(Right.NETWORKS)])
    async def donor_overlap(
            self, info: strawberry.Info,
            institution: Annotated[str, strawberry.argument(description="One institution's key.")],
            other: Annotated[str, strawberry.argument(description="The other institution's key.")],
            scope: ScopeArg = None) -> DonorOverlap:
        where = scope_of(scope)
        found = await networks(info).overlap(where, institution, other)
        public = await visible_giving(info, where)
        if public is not None:
            found = visible_overlap(found, public)
        return _overlap(found, await redaction(info, found.donors))

    @strawberry.field(description="Donors likely to help an institution, or to fund a service in a county (a "
                                  "gap), each with its reasons. Candidates are the donors who gave in the window "
                                  "anywhere in the country.",
                      extensions=[requires(Right.NETWORKS)])
    async def donor_suggestions(
            self, info: strawberry.Info,
            institution: Annotated[str | None, strawberry.argument(description="An institution's key.")] = None,
            service: Annotated[str | None, strawberry.argument(description="A gap: the service's key.")] = None,
            county: Annotated[str | None, strawberry.argument(description="A gap: the county's key.")] = None,
            scope: Annotated[NetworkScopeInput | None, strawberry.argument(
                description="The donation window (since, until or jalaliYear); the area must be the country.")]
            = None,
            first: First = 20) -> list[DonorSuggestion]:
        check_limit(first, "first")
        where = scope_of(scope)
        if where.level is not ScopeLevel.COUNTRY:
            raise ValidationFailed("donor suggestions look at the whole country; give only a window",
                                   [FieldError("scope", "only since, until or jalaliYear")])
        if service is not None and await info.context.loaders.node(Label.SERVICE).load(service) is None:
            raise NotFound(f"no service with key {service!r}", [FieldError("service", "no such service")])
        found, red = await _suggestions(info, where, institution, service, county, first)
        return [DonorSuggestion(donor=actor("Donor", s.donor), score=s.score, reasons=[
            SuggestionReason(kind=SuggestionReasonKind(r.kind), score=r.score, detail=r.detail,
                             evidence=[red.key(e) for e in r.evidence] if r.kind is ReasonKind.CO_FUNDING
                             else list(r.evidence)) for r in s.reasons]) for s in found]

    @strawberry.field(description="Institutions with no donors, partners or council seats in a scope.",
                      extensions=[requires(Right.NETWORKS)])
    async def isolated_institutions(self, info: strawberry.Info, scope: ScopeArg = None,
                                    first: First = 100) -> IsolatedInstitutions:
        check_limit(first, "first")
        found = await networks(info).isolated(scope_of(scope))
        return IsolatedInstitutions(total_count=len(found),
                                    institutions=[actor("Institution", k) for k in found[:first]])


__all__ = ["ActorKind", "NetworkQuery"]
