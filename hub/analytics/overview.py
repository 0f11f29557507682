"""The overview field: read the arguments, check the scope, hand the sections to the schema;
and what of the donation years a caller without the right to see personal data may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph_model import overview
from graph_model.donation_disclosure import COUNTRY, suppression
from hub.execution.context import Info

# Iran has kept standard time all year since 2022, so "today" is a fixed offset from UTC.
IRAN_TIME = dt.timezone(dt.timedelta(hours=3, minutes=30), "IRST")


def today_in_iran() -> dt.date:
    return dt.datetime.now(IRAN_TIME).date()


async def overview_of(info: Info, province: str | None, county: str | None, expiring_within_days: int,
                      as_of: str | None) -> overview.Overview:
    """One round trip to check a province or county (none for the country); sections load later."""
    day = dt.date.fromisoformat(as_of) if as_of else today_in_iran()
    return await overview.open_overview(info.context.store, province=province, county=county, as_of=day,
                                        within_days=expiring_within_days, cache=info.context.cache)


@dataclass(frozen=True)
class Withheld:
    """What of the donation years is suppressed: these years, and the totals over all years."""

    years: frozenset[int] = frozenset()
    total: bool = False


async def donations(info: Info, figures: overview.Overview,
                    calendar: overview.Calendar) -> tuple[overview.Donations, Withheld]:
    """The donation years (cached in full, for everyone) and what of them the caller may not see:
    the cells of the country-wide suppression pattern (graph_model.donation_disclosure): years and
    all-years totals over 1 to k-1 individual donors, and the complements that keep any
    subtraction of visible totals (across levels, years and calendars) from giving them back."""
    visibility = info.context.visibility
    found = await figures.donations(calendar)
    if visibility.personal or not found.years:
        return found, Withheld()
    pattern = await suppression(info.context.store, info.context.cache, visibility.k,
                                info.context.settings.disclosure_wait_ms / 1000)
    if pattern is None:  # not known in time (a stream of writes): withhold every protected figure
        return found, Withheld(frozenset(y.year for y in found.years), True)
    area = area_key(figures.scope)
    years = frozenset(y.year for y in found.years if pattern.year(area, calendar, y.year))
    return found, Withheld(years, pattern.total(area))


def area_key(where: overview.Scope) -> str:
    """The pattern's name for an overview's scope."""
    if where.level is overview.Level.COUNTY and where.county:
        return str(where.county["key"])
    if where.level is overview.Level.PROVINCE and where.province:
        return str(where.province["key"])
    return COUNTRY
