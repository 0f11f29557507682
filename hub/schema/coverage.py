"""Coverage gaps in the API: need against capacity per county or province, by ratio, 2SFCA,
E2SFCA or nearest distance; the most underserved areas; what-ifs; the 3W matrix (computed in
``graph_model.coverage``, cached per graph version)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph_model.coverage import whatif
from graph_model.coverage.analysis import Level, Method
from graph_model.coverage.methods import Decay
from graph_model.errors import FieldError, ValidationFailed
from graph_model.networks.service import check_limit
from hub.analytics import coverage as resolve
from hub.analytics.networks import scope_of
from hub.auth.access import requires
from hub.auth.principal import Right
from hub.schema.coverage_types import (
    CoverageArea, CoverageLevel, CoverageMethod, CoverageReport, CoverageWhatIf, DistanceDecay, WhoWhatWhereRow,
    area, what_if_result)
from hub.schema.network_types import NetworkScopeInput
from hub.schema.scalars import Date

SERVICE = "A service's key: coverage of that service against the need of the groups it serves."
GROUP = "A target group's key: coverage of every service serving it against the group's need. Give this or service."
LEVEL = "Counties (default) or provinces."
METHOD = "How coverage is measured (default ENHANCED: E2SFCA with Gaussian decay)."
RADIUS = "Catchment radius in km for TWO_STEP, ENHANCED and NEAREST, and for `withinReach` (default 50)."
DECAY = "Distance decay for ENHANCED (default GAUSSIAN)."
AS_OF = "Count only licences in force on this day (ISO or Solar Hijri; default today)."
NORM = ("The norm: capacity per 10,000 people in need that the shortfall is measured against (default: the national "
        "ratio, all licensed capacity over all need).")


def arg(text: str) -> object:
    return strawberry.argument(description=text)


@strawberry.input(description="Add hypothetical licensed capacity: at a county's centroid, or at a point (a point "
                              "alone belongs to the county with the nearest centroid).")
class AddCapacityInput:
    capacity: int = strawberry.field(description="Places, or people a year.")
    service: str | None = strawberry.field(default=None, description="The service (required when the question "
                                                                      "is a target group's).")
    county: str | None = strawberry.field(default=None, description="A county's key.")
    lat: float | None = strawberry.field(default=None, description="Latitude of the point.")
    lon: float | None = strawberry.field(default=None, description="Longitude of the point.")


@strawberry.input(description="One hypothetical change: exactly one of its fields.")
class CoverageChangeInput:
    add_capacity: AddCapacityInput | None = strawberry.field(default=None, description="Add capacity.")
    close_institution: str | None = strawberry.field(default=None, description="Close an institution (its key): "
                                                                                "all its capacity goes.")


def _changes(given: list[CoverageChangeInput]) -> list[whatif.Change]:
    changes: list[whatif.Change] = []
    for n, change in enumerate(given):
        if (change.add_capacity is None) == (change.close_institution is None):
            raise ValidationFailed("a change is one of addCapacity and closeInstitution", [FieldError(
                f"changes[{n}]", "give exactly one of addCapacity and closeInstitution")])
        if change.close_institution is not None:
            changes.append(whatif.CloseInstitution(change.close_institution))
        else:
            add = change.add_capacity
            assert add is not None
            changes.append(whatif.AddCapacity(add.capacity, add.service, add.county, add.lat, add.lon))
    return changes


@strawberry.input(description=(
    "A coverage question: what is measured (a service, or a target group), for which areas (`level`), how (`method`, "
    "`radiusKm`, `decay`), on which day (`asOf`) and against which norm. `coverage`, `underservedAreas` and "
    "`coverageWhatIf` take it; `/export/coverage.csv` takes the same fields as query parameters."))
class CoverageQuestion:
    service: str | None = strawberry.field(default=None, description=SERVICE)
    target_group: str | None = strawberry.field(default=None, description=GROUP)
    level: CoverageLevel = strawberry.field(default=CoverageLevel.COUNTY, description=LEVEL)
    method: CoverageMethod = strawberry.field(default=CoverageMethod.ENHANCED, description=METHOD)
    radius_km: float | None = strawberry.field(default=None, description=RADIUS)
    decay: DistanceDecay | None = strawberry.field(default=None, description=DECAY)
    as_of: Date | None = strawberry.field(default=None, description=AS_OF)
    norm: float | None = strawberry.field(default=None, description=NORM)

    def asked(self) -> resolve.Question:
        """The question for the domain (hub.analytics.coverage.question, as the CSV export asks it)."""
        return resolve.question(
            service=self.service, target_group=self.target_group, level=Level(self.level.value),
            method=Method(self.method.value), radius_km=self.radius_km,
            decay=None if self.decay is None else Decay(self.decay.value), as_of=self.as_of, norm=self.norm)


QUESTION = "What to measure, where, how, on which day and against which norm."


@strawberry.type
class CoverageQuery:
    @strawberry.field(description="Coverage of a service or target group per area: need, capacity, what reaches "
                                  "it, the shortfall against a norm, the rank and the providers reaching it.",
                      extensions=[requires(Right.READ)])
    async def coverage(self, info: strawberry.Info,
                       question: Annotated[CoverageQuestion, arg(QUESTION)]) -> CoverageReport:
        asked = question.asked()
        table = await resolve.coverage(info).table(asked.subject, asked.options, asked.day)
        return CoverageReport(table=table, as_of=asked.day.isoformat())

    @strawberry.field(description="The worst served areas with a shortfall, worst first (the ranking of `coverage`).",
                      extensions=[requires(Right.READ)])
    async def underserved_areas(
        self, info: strawberry.Info,
        question: Annotated[CoverageQuestion, arg(QUESTION)],
        top: Annotated[int, arg("How many areas (1 to 1000).")] = 10,
    ) -> list[CoverageArea]:
        check_limit(top, "top")
        asked = question.asked()
        table = await resolve.coverage(info).table(asked.subject, asked.options, asked.day)
        return [area(a, table) for a in table.areas if a.shortfall > 0][:top]

    @strawberry.field(description="Coverage before and after hypothetical changes (added capacity, closed "
                                  "institutions, another norm), computed in memory: nothing is written.",
                      extensions=[requires(Right.PLAN)])
    async def coverage_what_if(
        self, info: strawberry.Info,
        question: Annotated[CoverageQuestion, arg(QUESTION)],
        changes: Annotated[list[CoverageChangeInput], arg("The changes, applied in order (at most 100).")],
        norm_after: Annotated[float | None, arg("The norm after the changes (default: the norm before, so the "
                                                "comparison shows the gap the changes close).")] = None,
    ) -> CoverageWhatIf:
        if len(changes) > 100:
            raise ValidationFailed("too many changes", [FieldError("changes", "at most 100")])
        asked = question.asked()
        result = await resolve.coverage(info).what_if(asked.subject, asked.options, asked.day, _changes(changes),
                                                      norm_after)
        return what_if_result(result.before, result.after, asked.day.isoformat())

    @strawberry.field(description="Who does what where (3W): per area and service, the implementing institutions "
                                  "and their capacity, and the funding donors and what they gave (without the right "
                                  "to see personal data, individual donors' gifts left out: "
                                  "`fundingSuppressed`).",
                      extensions=[requires(Right.READ)])
    async def who_what_where(
        self, info: strawberry.Info,
        scope: Annotated[NetworkScopeInput | None, arg("Where, and the donation window: the country and every "
                                                       "donation when left out.")] = None,
        level: Annotated[CoverageLevel, arg(LEVEL)] = CoverageLevel.COUNTY,
        service: Annotated[str | None, arg("Only this service's rows.")] = None,
        as_of: Annotated[Date | None, arg("The day licences are checked on (default today).")] = None,
    ) -> list[WhoWhatWhereRow]:
        context = info.context
        rows = await resolve.who_what_where(context.store, context.cache, context.visibility,
                                            scope_of(scope), Level(level.value),
                                            resolve.as_of(as_of))
        return [WhoWhatWhereRow(row=r, withheld=withheld) for r, withheld in rows
                if service is None or r.service == service]

