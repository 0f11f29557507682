"""Types of the coverage fields: areas with need, capacity and gap, the providers reaching them,
the what-if comparison and the 3W rows.

Every figure's description gives its unit and precision; the figures are rounded here, at the edge,
by graph_model.coverage.rounding (whole people, whole places of capacity, 2 decimals for places and
ratios per 10,000, 6 for accessibility, 4 for shares and weights, 2 for km), never in the computation."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry

from graph_model.coverage import rounding
from graph_model.coverage.analysis import AreaCoverage, CoverageTable, Level, Method
from graph_model.coverage.methods import Decay
from graph_model.coverage.threew import WhoWhatWhere
from graph_model.enums import Label
from hub.schema.entities import County, Institution, Province, Service, TargetGroup
from graph_model.networks.service import check_limit
from hub.schema.fields import CONVERTERS
from hub.schema.scalars import Rials


@strawberry.enum(description="How coverage is measured.")
class CoverageMethod(Enum):
    RATIO = strawberry.enum_value(Method.RATIO, description="Provider-to-population ratio: the licensed capacity "
                                                            "located in the area per 10,000 people in need.")
    TWO_STEP = strawberry.enum_value(Method.TWO_STEP, description="Two-step floating catchment area (2SFCA, "
                                                                  "Luo & Wang 2003): each provider's capacity shared "
                                                                  "over the need within `radiusKm`, summed per area.")
    ENHANCED = strawberry.enum_value(Method.ENHANCED, description="Enhanced 2SFCA (Luo & Qi 2009): 2SFCA with "
                                                                  "distance decay (`decay`) within the radius.")
    NEAREST = strawberry.enum_value(Method.NEAREST, description="Distance to the nearest provider; areas with "
                                                                "none within `radiusKm` are short of their whole "
                                                                "target and rank first, farthest first.")


@strawberry.enum(description="The areas coverage is reported for.")
class CoverageLevel(Enum):
    COUNTY = strawberry.enum_value(Level.COUNTY, description="Counties (شهرستان).")
    PROVINCE = strawberry.enum_value(Level.PROVINCE, description="Provinces (استان): sums of their counties.")


@strawberry.enum(description="How a provider's weight falls with distance (ENHANCED only).")
class DistanceDecay(Enum):
    UNIFORM = strawberry.enum_value(Decay.UNIFORM, description="Weight 1 within the radius (plain 2SFCA).")
    GAUSSIAN = strawberry.enum_value(Decay.GAUSSIAN, description="Dai's (2010) Gaussian: 1 at the centroid, "
                                                                 "falling to 0 at the radius.")
    STEPPED = strawberry.enum_value(Decay.STEPPED, description="Three equal zones of the radius weighted 1, 0.68 "
                                                               "and 0.22 (Luo & Qi 2009).")


@strawberry.type(description="People in need of one target group in one county, with where the figure comes from.")
class NeedFigure:
    county_key: str = strawberry.field(description="The county's key.")
    target_group_key: str = strawberry.field(description="The target group's key.")
    people: int = strawberry.field(description="People in need, whole people (a census default, the census column "
                                               "times a rate, rounded to the nearest person).")
    source: str = strawberry.field(description="Where the figure comes from: a planner's source, or the census "
                                               "default with its rate and what the rate rests on.")
    year: int = strawberry.field(description="Year of the figure.")
    override: bool = strawberry.field(description="True for a planner's figure (setNeed or `hub needs import`), "
                                                  "false for the census default.")

    @strawberry.field(description="The target group.")
    async def target_group(self, info: strawberry.Info) -> TargetGroup | None:
        return await _entity(info, Label.TARGET_GROUP, self.target_group_key)


@strawberry.type(description="A provider reaching an area.")
class CoverageProvider:
    institution_key: str = strawberry.field(description="The institution's key (`what-if-N` for capacity a "
                                                        "what-if added).")
    service_key: str = strawberry.field(description="The service it offers.")
    capacity: int = strawberry.field(description="Its capacity for the service: whole places (or people a year).")
    distance_km: float = strawberry.field(description="Great-circle distance in km from the county centroid (the "
                                                      "nearest county of a province), 2 decimals.")
    weight: float = strawberry.field(description="Its weight for the area, 0 to 1 (4 decimals): 1 within the radius, "
                                                 "less with decay.")

    @strawberry.field(description="The institution (null for capacity a what-if added).")
    async def institution(self, info: strawberry.Info) -> Institution | None:
        return await _entity(info, Label.INSTITUTION, self.institution_key)


@strawberry.type(description="Coverage of one area: its need, what reaches it and the gap.")
class CoverageArea:
    item: strawberry.Private[AreaCoverage]
    table: strawberry.Private[CoverageTable]
    key: str = strawberry.field(description="The county's or province's key.")
    level: CoverageLevel = strawberry.field(description="COUNTY or PROVINCE.")
    province_key: str = strawberry.field(description="The province's key (the area's own at province level).")
    need: int = strawberry.field(description="People in need, whole people: the sum over the target groups (and, for a "
                                             "province, its counties), rounded to the nearest person.")
    capacity: int = strawberry.field(description="Licensed capacity located in the area on `asOf`: whole places (or "
                                                 "people a year).")
    unlicensed_capacity: int = strawberry.field(description="Capacity offered in the area without a licence in force "
                                                            "on `asOf`, whole places (not counted: licensing it would "
                                                            "add it).")
    reached: float = strawberry.field(description="Places (or people a year) reaching the area's need by the method, "
                                                  "2 decimals: RATIO the capacity located in it, TWO_STEP/ENHANCED its "
                                                  "accessibility times its need (a share of each provider's capacity, "
                                                  "fractional), NEAREST the capacity within the radius.")
    ratio: float | None = strawberry.field(description="`reached` per 10,000 people in need, 2 decimals (null when "
                                                       "there is no need).")
    accessibility: float | None = strawberry.field(description="TWO_STEP/ENHANCED: the accessibility score, places per "
                                                               "person in need within reach, 6 decimals (null for the "
                                                               "other methods).")
    nearest_km: float | None = strawberry.field(description="Distance to the nearest licensed provider in km, 2 "
                                                            "decimals (a province: its farthest county's); null when "
                                                            "there is none at all.")
    within_reach: bool = strawberry.field(description="False when no provider lies within the radius (of any of a "
                                                      "province's counties).")
    target: float = strawberry.field(description="Places the norm asks for: need x norm / 10,000, 2 decimals "
                                                 "(fractional by nature).")
    shortfall: float = strawberry.field(description="Places (or people a year) short of the target, 2 decimals: "
                                                    "max(0, target - reached); NEAREST: the whole target when nothing "
                                                    "is within reach.")
    unmet_share: float = strawberry.field(description="shortfall / target, a share from 0 to 1, 4 decimals.")
    rank: int = strawberry.field(description="1 = the worst served (by unmet share, then shortfall; NEAREST: by "
                                             "distance).")

    @strawberry.field(description="The county (null at province level).")
    async def county(self, info: strawberry.Info) -> County | None:
        if self.item.level is not Level.COUNTY:
            return None
        return await _entity(info, Label.COUNTY, self.item.key)

    @strawberry.field(description="The province.")
    async def province(self, info: strawberry.Info) -> Province | None:
        return await _entity(info, Label.PROVINCE, self.item.province)

    @strawberry.field(description="Each need figure behind `need`, with its source.")
    def needs(self) -> list[NeedFigure]:
        return [NeedFigure(county_key=f.county, target_group_key=f.group, people=rounding.people(f.people),
                           source=f.source, year=f.year, override=f.override) for f in self.item.needs]

    @strawberry.field(description="The providers reaching the area, strongest weight first.")
    def providers(self, first: Annotated[int, strawberry.argument(description="How many (1 to 1000).")] = 10,
                  ) -> list[CoverageProvider]:
        check_limit(first, "first")
        return [CoverageProvider(institution_key=r.institution, service_key=r.service, capacity=r.capacity,
                                 distance_km=rounding.km(r.distance_km), weight=rounding.weight(r.weight))
                for r in self.table.providers(self.item.key)[:first]]


def area(item: AreaCoverage, table: CoverageTable) -> CoverageArea:
    """The API's view of an area: figures as plain fields, rounded (a resolver per field costs about a
    third of a 429-county answer), related objects resolved when asked."""
    r = rounding
    return CoverageArea(
        item=item, table=table, key=item.key, level=CoverageLevel(item.level), province_key=item.province,
        need=r.people(item.need), capacity=r.capacity(item.capacity), unlicensed_capacity=r.capacity(item.unlicensed),
        reached=r.places(item.reached), ratio=None if item.ratio is None else r.per_10k(item.ratio),
        accessibility=None if item.accessibility is None else r.accessibility(item.accessibility),
        nearest_km=None if item.nearest_km is None else r.km(item.nearest_km), within_reach=item.within_reach,
        target=r.places(item.target), shortfall=r.places(item.shortfall), unmet_share=r.share(item.unmet),
        rank=item.rank)


@strawberry.type(description="Coverage of a service or target group, area by area, worst served first.")
class CoverageReport:
    table: strawberry.Private[CoverageTable]
    as_of: str = strawberry.field(description="The day licences were checked on (ISO).")

    @strawberry.field(description="The services counted.")
    async def services(self, info: strawberry.Info) -> list[Service]:
        found = [await _entity(info, Label.SERVICE, key) for key in self.table.services]
        return [s for s in found if s is not None]

    @strawberry.field(description="The target groups whose need is counted.")
    def target_group_keys(self) -> list[str]:
        return list(self.table.groups)

    @strawberry.field(description="The method used.")
    def method(self) -> CoverageMethod:
        return CoverageMethod(self.table.options.method)

    @strawberry.field(description="The catchment radius in km, as given (default 50).")
    def radius_km(self) -> float:
        return self.table.options.radius_km

    @strawberry.field(description="The norm applied: places per 10,000 people in need, 2 decimals.")
    def norm(self) -> float:
        return rounding.per_10k(self.table.norm)

    @strawberry.field(description="True when the norm is the national ratio (no norm was given).")
    def norm_is_national(self) -> bool:
        return self.table.options.norm is None

    @strawberry.field(description="People in need, all areas: whole people (the unrounded sum, rounded).")
    def need(self) -> int:
        return rounding.people(self.table.need)

    @strawberry.field(description="Licensed capacity, all areas: whole places (or people a year).")
    def capacity(self) -> int:
        return rounding.capacity(self.table.capacity)

    @strawberry.field(description="How many areas there are.")
    def total_count(self) -> int:
        return len(self.table.areas)

    @strawberry.field(description="Areas, worst served first; `province` keeps the counties of one province.")
    def areas(self, first: Annotated[int, strawberry.argument(description="How many (1 to 1000).")] = 100,
              province: Annotated[str | None, strawberry.argument(description="Only this province's areas "
                                                                               "(a province's key).")] = None,
              ) -> list[CoverageArea]:
        check_limit(first, "first")
        items = [a for a in self.table.areas if province is None or a.province == province]
        return [area(a, self.table) for a in items[:first]]


@strawberry.type(description="One area before and after a what-if.")
class CoverageChange:
    before: CoverageArea = strawberry.field(description="The area as it is.")
    after: CoverageArea = strawberry.field(description="The area with the changes.")

    @strawberry.field(description="after.shortfall - before.shortfall in places, 2 decimals, from the unrounded "
                                  "figures (negative: the gap narrows).")
    def shortfall_change(self) -> float:
        return rounding.places(self.after.item.shortfall - self.before.item.shortfall)


@strawberry.type(description="Coverage before and after hypothetical changes; nothing is written.")
class CoverageWhatIf:
    before: CoverageReport = strawberry.field(description="Coverage as it is.")
    after: CoverageReport = strawberry.field(description="Coverage with the changes.")
    changed: list[CoverageChange] = strawberry.field(description="The areas whose shortfall or reach changed, most "
                                                                 "improved first.")


def what_if_result(before: CoverageTable, after: CoverageTable, as_of: str) -> CoverageWhatIf:
    changed = [CoverageChange(before=area(a, before), after=area(after.by_key[a.key], after))
               for a in before.areas
               if abs(after.by_key[a.key].shortfall - a.shortfall) > 1e-9
               or abs(after.by_key[a.key].reached - a.reached) > 1e-9]
    changed.sort(key=lambda c: (c.after.item.shortfall - c.before.item.shortfall, c.before.item.key))
    return CoverageWhatIf(before=CoverageReport(table=before, as_of=as_of),
                          after=CoverageReport(table=after, as_of=as_of), changed=changed)


@strawberry.type(description="One cell of the 3W matrix (who does what where): an area and a service, with "
                             "implementing institutions and funding donors kept apart as IATI does.")
class WhoWhatWhereRow:
    row: strawberry.Private[WhoWhatWhere]
    # Individual donors' gifts were left out of the funding figures: the caller may not see
    # personal data (hub.analytics.coverage.who_what_where).
    withheld: strawberry.Private[bool] = False

    @strawberry.field(description="The county's or province's key.")
    def area_key(self) -> str:
        return self.row.area

    @strawberry.field(description="The province's key.")
    def province_key(self) -> str:
        return self.row.province

    @strawberry.field(description="The service's key.")
    def service_key(self) -> str:
        return self.row.service

    @strawberry.field(description="The service.")
    async def service(self, info: strawberry.Info) -> Service | None:
        return await _entity(info, Label.SERVICE, self.row.service)

    @strawberry.field(description="Implementing: institutions in the area offering the service.")
    def implementers(self) -> int:
        return self.row.implementers

    @strawberry.field(description="Implementing: their capacity for the service, licensed or not.")
    def capacity(self) -> int:
        return self.row.capacity

    @strawberry.field(description="Implementing: the part of `capacity` licensed on `asOf`.")
    def licensed_capacity(self) -> int:
        return self.row.licensed_capacity

    @strawberry.field(description="Funding: donors who gave to the implementers in the window (without the "
                                  "right to see personal data: those who are not individuals, see "
                                  "`fundingSuppressed`).")
    def funders(self) -> int | None:
        return self.row.funders

    @strawberry.field(description="Funding: what they gave to the implementers, in rials. A gift goes to an "
                                  "institution, so it counts for each service the institution offers. Without the "
                                  "right to see personal data: what companies, contractors and foundations gave "
                                  "(see `fundingSuppressed`).")
    def funding(self) -> Rials | None:
        return Rials(self.row.funding)

    @strawberry.field(description="True when individual donors' gifts are left out of `funders` and `funding` "
                                  "(the caller may not see personal data): the two then count only the gifts of "
                                  "companies, contractors and foundations, each of which the caller may see "
                                  "anyway, so no subtraction of cells (a province less its counties, one window "
                                  "less another, a cell less institutions' giving totals) gives back a withheld "
                                  "figure.")
    def funding_suppressed(self) -> bool:
        return self.withheld


async def _entity(info: strawberry.Info, label: Label, key: str) -> Any:
    row = await info.context.loaders.node(label).load(key)
    return CONVERTERS[label.value](row) if row else None


__all__ = ["CoverageArea", "CoverageLevel", "CoverageMethod", "CoverageReport", "CoverageWhatIf", "DistanceDecay",
           "WhoWhatWhereRow", "area", "what_if_result"]
