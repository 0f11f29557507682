"""GraphQL types shared by the network queries: actors, scopes and the enums of the analysis."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry

from graph_model.enums import Label
from graph_model.networks import Algorithm, Metric, OverlapOrder, Side, Weighting
from hub.analytics.networks import Redaction
from hub.schema.entities import Council, Donor, Event, Institution, Person
from hub.schema.fields import CONVERTERS
from hub.schema.scalars import Date


@strawberry.enum(description="What kind of actor a network node is.")
class ActorKind(Enum):
    INSTITUTION = strawberry.enum_value("Institution", description="An institution (نهاد، مؤسسه).")
    DONOR = strawberry.enum_value("Donor", description="A donor (خیّر، اهداکننده).")
    COUNCIL = strawberry.enum_value("Council", description="A council or committee (شورا).")
    PERSON = strawberry.enum_value("Person", description="A person sitting on a council (فرد).")
    EVENT = strawberry.enum_value("Event", description="An event (رویداد).")


Actor = Annotated[Institution | Donor | Council | Person | Event,
                  strawberry.union("Actor", description="The object behind a network node.")]


@strawberry.type(description="A node of a network, with its names; `entity` gives the whole object. Without the "
                             "right to see personal data, an individual donor is shown without identity: "
                             "`withheld` is true, `key` is a pseudonym and the names and `entity` are null.")
class NetworkActor:
    key: str = strawberry.field(description="The actor's key; for a withheld individual donor, a pseudonym: "
                                            "stable while the server runs (the same donor, the same pseudonym, in "
                                            "every answer), never a donor's key and not usable as an argument.")
    kind: ActorKind = strawberry.field(description="What kind of actor it is.")
    row: strawberry.Private[dict[str, Any] | None] = None
    withheld: bool = strawberry.field(default=False, description="True for an individual donor shown without "
                                                                 "identity (the caller may not see personal data).")

    async def _row(self, info: strawberry.Info) -> dict[str, Any] | None:
        if self.withheld:
            return None
        if self.row is None:
            self.row = await info.context.loaders.node(Label(self.kind.value)).load(self.key)
        return self.row

    @strawberry.field(description="Name in Persian.")
    async def name_fa(self, info: strawberry.Info) -> str | None:
        row = await self._row(info)
        return row.get("nameFa") if row else None

    @strawberry.field(description="Name in English.")
    async def name_en(self, info: strawberry.Info) -> str | None:
        row = await self._row(info)
        return row.get("nameEn") if row else None

    @strawberry.field(description="The whole object (institution, donor, council, person or event).")
    async def entity(self, info: strawberry.Info) -> Actor | None:
        if self.withheld:
            return None
        label = Label(self.kind.value)
        row = await info.context.loaders.node(label).load(self.key)
        return CONVERTERS[label.value](row) if row else None


def actor(kind: str, key: str, row: dict[str, Any] | None = None, red: Redaction | None = None) -> NetworkActor:
    """A network node; an individual donor ``red`` hides is shown under its pseudonym, unnamed."""
    if red is not None and kind == Label.DONOR.value and red.hides(key):
        return NetworkActor(key=red.key(key), kind=ActorKind.DONOR, withheld=True)
    return NetworkActor(key=key, kind=ActorKind(kind), row=row)


@strawberry.input(description="Where and when a network is computed. Leave it out for the whole country and "
                              "every donation. A province or a council (its area: the province or county it "
                              "covers; a national council's area is the country), not both.")
class NetworkScopeInput:
    province: str | None = strawberry.field(default=None, description="A province's key, e.g. IR-06.")
    council: str | None = strawberry.field(default=None, description="A council's key: its area is the scope.")
    since: Date | None = strawberry.field(default=None, description="Count donations from this day (ISO or "
                                                                     "Solar Hijri), inclusive.")
    until: Date | None = strawberry.field(default=None, description="Count donations up to this day, inclusive.")
    jalali_year: int | None = strawberry.field(default=None, description="Count donations of this Solar Hijri "
                                                                         "year (e.g. 1403), Nowruz to Nowruz; "
                                                                         "instead of since/until.")


@strawberry.enum(description="Which one-mode projection of the donor–institution giving graph.")
class ProjectionSide(Enum):
    INSTITUTIONS = strawberry.enum_value(Side.INSTITUTION, description="Institutions linked by shared donors, "
                                                                       "shared council seats and partnerships.")
    DONORS = strawberry.enum_value(Side.DONOR, description="Donors linked by the institutions they both fund "
                                                           "(co-funding) and shared council seats.")


@strawberry.enum(description="How shared donors (or shared institutions) weigh a projected edge.")
class ProjectionWeighting(Enum):
    COLLABORATION = strawberry.enum_value(
        Weighting.COLLABORATION, description="Newman's collaboration weighting: each shared donor adds "
                                             "1/(k-1), k the number of institutions it funds in the scope.")
    JACCARD = strawberry.enum_value(Weighting.JACCARD, description="Jaccard overlap of the two donor sets: "
                                                                   "shared / union, in [0, 1].")


@strawberry.enum(description="Centrality measures for hubs and brokers.")
class CentralityMetric(Enum):
    DEGREE = strawberry.enum_value(Metric.DEGREE, description="Number of neighbours.")
    STRENGTH = strawberry.enum_value(Metric.STRENGTH, description="Weighted degree: sum of edge weights.")
    BETWEENNESS = strawberry.enum_value(Metric.BETWEENNESS, description="Share of shortest paths through the "
                                                                        "node (normalised to [0, 1]).")
    PAGERANK = strawberry.enum_value(Metric.PAGERANK, description="PageRank, damping 0.85, weighted.")
    EIGENVECTOR = strawberry.enum_value(Metric.EIGENVECTOR, description="Eigenvector centrality, weighted, "
                                                                        "unit norm.")
    CONSTRAINT = strawberry.enum_value(Metric.CONSTRAINT, description="Burt's constraint: lower means more "
                                                                      "brokerage, so it ranks ascending.")


@strawberry.enum(description="Community detection algorithms.")
class CommunityAlgorithm(Enum):
    LEIDEN = strawberry.enum_value(Algorithm.LEIDEN, description="Leiden (igraph), modularity objective.")
    LOUVAIN = strawberry.enum_value(Algorithm.LOUVAIN, description="Louvain (igraph's multilevel).")


@strawberry.enum(description="How to order institutions sharing donors; ties go by the other measures, then key. "
                             "Without the right to see personal data, by the amounts you are shown (over the gifts "
                             "you may see), so the order reveals nothing withheld from you.")
class OverlapOrdering(Enum):
    SHARED = strawberry.enum_value(OverlapOrder.SHARED, description="Most shared donors first.")
    JACCARD = strawberry.enum_value(OverlapOrder.JACCARD, description="Largest Jaccard overlap first.")
    AMOUNT = strawberry.enum_value(OverlapOrder.AMOUNT, description="Most given by the shared donors first.")
