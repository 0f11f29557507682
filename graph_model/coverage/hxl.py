"""The coverage table and the 3W matrix as CSV with an HXL hashtag row (hxlstandard.org).

The second row tags each column, so the Humanitarian Data Exchange's tools (HXL Proxy, libhxl,
Quick Charts) know the admin levels, the sector, the organisations' roles and which numbers are
people in need, targeted and reached. The text is UTF-8 with a byte order mark, so spreadsheet
programs read the Persian names; libhxl reads it as is. Figures are rounded as in the API
(``graph_model.coverage.rounding``); the unmet share is a percentage with 2 decimals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence

from graph_model.coverage import rounding as r
from graph_model.coverage.analysis import CoverageTable, Level
from graph_model.coverage.reading import Areas
from graph_model.coverage.threew import WhoWhatWhere

Column = tuple[str, str]  # (header, HXL hashtag)

ADMIN: tuple[Column, ...] = (
    ("Province code", "#adm1+code"), ("Province", "#adm1+name"), ("Province (fa)", "#adm1+name+i_fa"),
    ("County code", "#adm2+code"), ("County", "#adm2+name"), ("County (fa)", "#adm2+name+i_fa"))

COVERAGE: tuple[Column, ...] = (
    *ADMIN, ("Services", "#sector+code"), ("Target groups", "#meta+target_group+code"),
    ("People in need", "#inneed"), ("Target under the norm", "#targeted"), ("Reached", "#reached"),
    ("Shortfall", "#inneed+unmet"), ("Unmet share", "#indicator+unmet+pct"),
    ("Per 10,000 in need", "#indicator+ratio+num"), ("Accessibility", "#indicator+accessibility+num"),
    ("Licensed capacity", "#capacity+licensed"), ("Unlicensed capacity", "#capacity+unlicensed"),
    ("Nearest provider km", "#indicator+nearest_km+num"), ("Within reach", "#status+within_reach"),
    ("Providers reaching", "#org+impl+num"), ("Rank", "#indicator+rank+num"), ("Method", "#meta+method"),
    ("Radius km", "#meta+radius_km"), ("Norm per 10,000", "#meta+norm"), ("Licences as of", "#date+as_of"))

THREE_W: tuple[Column, ...] = (
    *ADMIN, ("Service", "#sector+code"), ("Service name", "#sector+name"), ("Service name (fa)", "#sector+name+i_fa"),
    ("Implementing institutions", "#org+impl+num"), ("Capacity", "#capacity"),
    ("Licensed capacity", "#capacity+licensed"), ("Funding donors", "#org+funding+num"),
    ("Funding (rials)", "#value+funding+irr"), ("Funding withheld", "#status+funding_withheld"),
    ("Licences as of", "#date+as_of"))


def _write(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c[0] for c in columns])
    writer.writerow([c[1] for c in columns])
    writer.writerows(rows)
    return out.getvalue()


def _admin(areas: Areas, level: Level, key: str, province: str) -> list[object]:
    fa_p, en_p = areas.provinces.get(province, ("", ""))
    if level is Level.PROVINCE:
        return [province, en_p, fa_p, "", "", ""]
    county = areas.counties[areas.county_index[key]]
    return [province, en_p, fa_p, key, county.name_en, county.name_fa]


def _num(value: float | None, digits: int = 2) -> object:
    return "" if value is None else round(value, digits)


def _or_empty(value: float | None, rounded: Callable[[float], object]) -> object:
    return "" if value is None else rounded(value)


def coverage_csv(table: CoverageTable, areas: Areas, as_of: str) -> str:
    o = table.options
    return _write(COVERAGE, (
        [*_admin(areas, a.level, a.key, a.province), " ".join(table.services), " ".join(table.groups),
         r.people(a.need), r.places(a.target), r.places(a.reached), r.places(a.shortfall), _num(a.unmet * 100),
         _or_empty(a.ratio, r.per_10k), _or_empty(a.accessibility, r.accessibility), r.capacity(a.capacity),
         r.capacity(a.unlicensed), _or_empty(a.nearest_km, r.km), "yes" if a.within_reach else "no",
         len(table.providers(a.key)), a.rank, o.method.value, _num(o.radius_km), r.per_10k(table.norm), as_of]
        for a in table.areas))


def three_w_csv(rows: Sequence[WhoWhatWhere], areas: Areas, as_of: str,
                withheld: Sequence[bool] | None = None) -> str:
    """``withheld[n]``: some of row n's funding (individual donors' gifts) is left out for this
    caller (hub.analytics.coverage.who_what_where); a row whose funders are None is withheld too."""
    def service(key: str) -> tuple[str, str]:
        info = areas.services.get(key)
        return (info.name_en, info.name_fa) if info else ("", "")
    return _write(THREE_W, (
        [*_admin(areas, r.level, r.area, r.province), r.service, *service(r.service), r.implementers, r.capacity,
         r.licensed_capacity, _num(r.funders), _num(r.funding),
         "yes" if r.funders is None or (withheld is not None and withheld[n]) else "no", as_of]
        for n, r in enumerate(rows)))
