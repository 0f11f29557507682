"""The overview field: read the arguments, check the scope, hand the sections to the schema."""

from __future__ import annotations

import datetime as dt

from graph_model import overview
from hub.context import Info

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
