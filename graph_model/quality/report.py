"""The findings of a scope on a day: the statements of graph_model.statements.quality sent at once,
then the checks of graph_model.quality.checks over their rows.

The scope is the supervision's (graph_model.supervision.reading.scope_of: a province, a county or the
country, narrowed to a caller's provinces). Institutions and everything hanging off them are read by
county; donors are placed by province only, so a county's report holds no donor finding, and a
donor placed in no province is checked only when the whole country is asked for by a caller limited
to no province.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from graph_model.quality import checks
from graph_model.quality.findings import Finding, ordered
from graph_model.statements import quality as st
from graph_model.stores.base import GraphStore
from graph_model.supervision.reading import Scope, scope_of


async def findings(store: GraphStore, scope: Scope, on: dt.date, *, everywhere: bool) -> list[Finding]:
    """Every finding of ``scope`` on the day ``on``, in report order (severity, kind, keys).
    ``everywhere``: the scope is the whole country for a caller limited to no province."""
    counties = sorted(scope.counties)
    county_key = scope.key is not None and scope.key in scope.counties
    provinces = [] if county_key else sorted({c.province for c in scope.counties.values()})
    dated = {"counties": counties, "today": on.isoformat(), "floor": checks.FLOOR.isoformat()}
    (institutions, held, assessments, gifts, events, donors, idle) = await asyncio.gather(
        store.read(st.QA_INSTITUTIONS, counties=counties),
        store.read(st.QA_LICENCES, counties=counties),
        store.read(st.QA_ASSESSMENT_DATES, **dated),
        store.read(st.QA_GIFT_DATES, **dated),
        store.read(st.QA_EVENTS, counties=counties, floor=dated["floor"]),
        store.read(st.QA_DONORS) if everywhere else store.read(st.QA_DONORS_IN, provinces=provinces),
        store.read(st.QA_IDLE_DONORS) if everywhere else store.read(st.QA_IDLE_DONORS_IN, provinces=provinces))
    by_donor = {r["key"]: r for r in donors}
    found = [*checks.duplicate_institutions(institutions), *checks.incomplete_institutions(institutions),
             *checks.licences(institutions, held, on), *checks.duplicate_donors(donors),
             *checks.idle_donors((r["key"] for r in idle), by_donor),
             *checks.dates(institutions, held, assessments, gifts, events, on)]
    return ordered(found)


async def report(store: GraphStore, area: str | None, allowed: frozenset[str] | None, on: dt.date,
                 field_name: str = "scope") -> tuple[Scope, list[Finding]]:
    """The scope of ``area`` for a caller limited to ``allowed`` provinces (None: all), and its findings."""
    scope = await scope_of(store, area, allowed, field_name)
    return scope, await findings(store, scope, on, everywhere=area is None and allowed is None)
