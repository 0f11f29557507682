"""The dashboard overview: one field with the aggregates of the country, a province or a county.

Each section is its own field, read on first use: the counts share one statement, expiring
licences one, donation years one per calendar, and sections asked for in one query are read
concurrently. A query that leaves donations out never pays for them.

Donor privacy: without the right to see personal data, a year or all-years total whose gifts
include those of 1 to k-1 individual donors is withheld (its figures null, ``suppressed`` true),
and so are the complementary cells that keep it from being recovered by subtraction: the years,
areas and institutions' totals of one country-wide pattern (graph_model.donation_disclosure),
the same whichever scope, level or calendar is asked (``hub.analytics.overview.donations``).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from graph_model import overview as model
from hub.analytics import overview as analytics
from hub.auth.access import requires
from hub.auth.principal import Right
from hub.schema import enums as e
from hub.schema.entities import County, Institution, Licence, Province, Service
from hub.schema.fields import CONVERTERS, jalali
from hub.schema.scalars import Date, Rials


@strawberry.enum(description="How much of the country an overview covers.")
class OverviewLevel(Enum):
    COUNTRY = strawberry.enum_value("country", description="The whole country.")
    PROVINCE = strawberry.enum_value("province", description="One province.")
    COUNTY = strawberry.enum_value("county", description="One county.")


@strawberry.type(description="Headline counts of an overview's scope.")
class OverviewTotals:
    institutions: int = strawberry.field(description="Institutions located in the scope.")
    donors: int = strawberry.field(description="Donors: all (country), based in the province (province), or who "
                                               "gave to the county's institutions (county).")
    councils: int = strawberry.field(description="Councils: all (country), covering the province or one of its "
                                                 "counties (province), or covering the county (county).")
    events: int = strawberry.field(description="Events held in the scope.")
    licences: int = strawberry.field(description="Licences, of any status, held by the scope's institutions.")


@strawberry.type(description="Institutions of one kind.")
class InstitutionKindCount:
    kind: e.InstitutionKind = strawberry.field(description="Kind of institution.")
    count: int = strawberry.field(description="Institutions of this kind in the scope (zero included).")


@strawberry.type(description="Licences in one status.")
class LicenceStatusCount:
    status: e.LicenceStatus = strawberry.field(description="Licence status.")
    count: int = strawberry.field(description="Licences in this status held in the scope (zero included).")


@strawberry.type(description="Councils at one level.")
class CouncilLevelCount:
    level: e.CouncilLevel = strawberry.field(description="Council level.")
    count: int = strawberry.field(description="Councils at this level in the scope (zero included).")


@strawberry.type(description="Events of one kind.")
class EventKindCount:
    kind: e.EventKind = strawberry.field(description="Kind of event.")
    count: int = strawberry.field(description="Events of this kind held in the scope (zero included).")


@strawberry.type(description="One service of the catalogue and what the scope's institutions offer of it.")
class ServiceCapacity:
    service: Service = strawberry.field(description="The service.")
    institutions: int = strawberry.field(description="Institutions in the scope offering it.")
    capacity: int = strawberry.field(description="Their summed capacity (places, or people a year).")


@strawberry.type(description="One service domain (deputyship), rolled up over its services.")
class DomainCapacity:
    domain: e.ServiceDomain = strawberry.field(description="The domain.")
    institutions: int = strawberry.field(description="Distinct institutions in the scope offering at least one "
                                                     "of its services.")
    capacity: int = strawberry.field(description="Summed capacity of all its services in the scope.")


@strawberry.type(description="A licence about to expire, with the institution holding it.")
class ExpiringLicence:
    licence: Licence = strawberry.field(description="The licence.")
    institution: Institution = strawberry.field(description="The institution holding it.")
    days_left: int = strawberry.field(description="Days from `asOf` to the expiry date.")


@strawberry.type(description="Licences still in force (not expired or revoked) whose expiry date falls in a "
                             "window: from `asOf` to `expiringWithinDays` days later, both days included.")
class ExpiringLicences:
    starts_on: Date = strawberry.field(description="First day of the window (the overview's `asOf`).")
    starts_on_jalali: str | None = jalali("starts_on")
    ends_on: Date = strawberry.field(description="Last day of the window.")
    ends_on_jalali: str | None = jalali("ends_on")
    total: int = strawberry.field(description="How many licences expire in the window.")
    soonest: list[ExpiringLicence] = strawberry.field(
        description=f"The first {model.EXPIRING_LIMIT} to expire, soonest first (ties by licence key).")


SUPPRESSED = ("True when the figures are withheld (null): without the right to see personal data, figures that "
              "include the gifts of fewer than k individual donors (k = 5 unless configured), and the other figures "
              "withheld with them so that no subtraction of visible totals (a province less its counties, all years "
              "less the other years, one calendar against the other) gives them back (complementary suppression).")


@strawberry.type(description="Donations to the scope's institutions in one year.")
class DonationYear:
    year: int = strawberry.field(description="The year, in the calendar asked for (e.g. 1403 or 2024).")
    amount: Rials | None = strawberry.field(description="Total given, in rials (exact); null when suppressed.")
    donations: int | None = strawberry.field(description="Number of donations; null when suppressed.")
    donors: int | None = strawberry.field(description="Distinct donors who gave that year; null when suppressed.")
    suppressed: bool = strawberry.field(default=False, description=SUPPRESSED)


@strawberry.type(description="Donations to the scope's institutions, per year.")
class DonationYears:
    calendar: e.Calendar = strawberry.field(description="The calendar the years are counted in.")
    amount: Rials | None = strawberry.field(description="Total over all years, in rials (exact); null when "
                                                         "suppressed.")
    donations: int | None = strawberry.field(description="Number of donations over all years; null when "
                                                         "suppressed.")
    years: list[DonationYear] = strawberry.field(description="One entry per year with donations, oldest first.")
    suppressed: bool = strawberry.field(default=False, description=SUPPRESSED)


@strawberry.type(description="Aggregates for a dashboard: the whole country, a province or a county.")
class Overview:
    figures: strawberry.Private[model.Overview]
    level: OverviewLevel = strawberry.field(description="What the overview covers.")
    province: Province | None = strawberry.field(description="The province (for a county: the county's "
                                                             "province); null for the country.")
    county: County | None = strawberry.field(description="The county, for a county overview.")
    as_of: Date = strawberry.field(description="The day expiry windows are measured from.")
    as_of_jalali: str | None = jalali("as_of")

    @classmethod
    def from_model(cls, figures: model.Overview) -> Overview:
        where = figures.scope
        return cls(figures=figures, level=OverviewLevel(where.level.value),
                   province=CONVERTERS["Province"](where.province) if where.province else None,
                   county=CONVERTERS["County"](where.county) if where.county else None,
                   as_of=Date(figures.as_of.isoformat()))

    @strawberry.field(description="Headline counts.")
    async def totals(self) -> OverviewTotals:
        t = (await self.figures.summary()).totals
        return OverviewTotals(institutions=t.institutions, donors=t.donors, councils=t.councils, events=t.events,
                              licences=t.licences)

    @strawberry.field(description="Institutions per kind, every kind listed.")
    async def institutions_by_kind(self) -> list[InstitutionKindCount]:
        found = (await self.figures.summary()).institutions_by_kind
        return [InstitutionKindCount(kind=e.InstitutionKind(k), count=n) for k, n in found.items()]

    @strawberry.field(description="Every service of the catalogue, in key order, with the scope's offer of it.")
    async def services(self) -> list[ServiceCapacity]:
        return [ServiceCapacity(service=CONVERTERS["Service"](s.service), institutions=s.institutions,
                                capacity=s.capacity) for s in (await self.figures.summary()).services]

    @strawberry.field(description="The three service domains, rolled up over their services.")
    async def service_domains(self) -> list[DomainCapacity]:
        return [DomainCapacity(domain=e.ServiceDomain(d.domain), institutions=d.institutions, capacity=d.capacity)
                for d in (await self.figures.summary()).domains]

    @strawberry.field(description="Licences per status, every status listed.")
    async def licences_by_status(self) -> list[LicenceStatusCount]:
        found = (await self.figures.summary()).licences_by_status
        return [LicenceStatusCount(status=e.LicenceStatus(k), count=n) for k, n in found.items()]

    @strawberry.field(description="Councils per level, every level listed.")
    async def councils_by_level(self) -> list[CouncilLevelCount]:
        found = (await self.figures.summary()).councils_by_level
        return [CouncilLevelCount(level=e.CouncilLevel(k), count=n) for k, n in found.items()]

    @strawberry.field(description="Events per kind, every kind listed.")
    async def events_by_kind(self) -> list[EventKindCount]:
        found = (await self.figures.summary()).events_by_kind
        return [EventKindCount(kind=e.EventKind(k), count=n) for k, n in found.items()]

    @strawberry.field(description="Licences expiring in the window the overview was asked for.")
    async def expiring_licences(self) -> ExpiringLicences:
        x = await self.figures.expiring()
        return ExpiringLicences(
            starts_on=Date(x.start.isoformat()), ends_on=Date(x.end.isoformat()), total=x.total,
            soonest=[ExpiringLicence(licence=CONVERTERS["Licence"](s.licence),
                                     institution=CONVERTERS["Institution"](s.institution), days_left=s.days_left)
                     for s in x.soonest])

    @strawberry.field(description="Donations to the scope's institutions per year (the heaviest section: leave it "
                                  "out when it is not shown).")
    async def donations(self, info: strawberry.Info, calendar: Annotated[e.Calendar, strawberry.argument(
            description="Count years in the Solar Hijri calendar (from Nowruz) or the Gregorian one.")]
            = e.Calendar.JALALI) -> DonationYears:
        d, withheld = await analytics.donations(info, self.figures, model.Calendar(calendar.value))
        years = [DonationYear(year=y.year, amount=None, donations=None, donors=None, suppressed=True)
                 if y.year in withheld.years else
                 DonationYear(year=y.year, amount=Rials(y.amount), donations=y.donations, donors=y.donors)
                 for y in d.years]
        if withheld.total:
            return DonationYears(calendar=calendar, amount=None, donations=None, years=years, suppressed=True)
        return DonationYears(calendar=calendar, amount=Rials(d.amount), donations=d.donations, years=years)


@strawberry.type
class OverviewQuery:
    @strawberry.field(description="Aggregates for a dashboard in one request: the whole country (no arguments), "
                                  "a province or a county.",
                      extensions=[requires(Right.READ)])
    async def overview(
        self, info: strawberry.Info,
        province: Annotated[str | None, strawberry.argument(
            description="Province key (e.g. IR-06); with `county`, the county must lie in it.")] = None,
        county: Annotated[str | None, strawberry.argument(description="County key (e.g. IR-06-0607).")] = None,
        expiring_within_days: Annotated[int, strawberry.argument(
            description=f"Width of the licence expiry window in days (0 to {model.MAX_EXPIRING_DAYS}).")] = 90,
        as_of: Annotated[Date | None, strawberry.argument(
            description="Day the expiry window starts (ISO or Solar Hijri); today in Iran when left out.")] = None,
    ) -> Overview:
        return Overview.from_model(await analytics.overview_of(info, province, county, expiring_within_days, as_of))
