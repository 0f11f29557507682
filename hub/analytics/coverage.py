"""The coverage fields and exports: turn a question (the GraphQL ``CoverageQuestion`` input, or the
CSV export's query parameters) into a subject, options and a date (``Question``), and ask
``graph_model.coverage.service.Coverage`` (one per request, sharing the process's cache).

The 3W matrix's funding figures follow donor privacy (``who_what_where``): the matrix is
computed and cached in full; a caller without the right to see personal data gets each cell's
funding over the gifts of donors who are not individuals (graph_model.privacy.three_w_public).

Why not suppression, as the overview has (graph_model.donation_disclosure): the 3W matrix takes
any window (``since``/``until``), scope and level, so the same gifts are summed over countless
overlapping cells (a window less a shorter one; a council's county less the province's other
counties), and its cells are sums of institutions' giving totals and parts of the overview's
area totals, which are published under their own pattern: a cell shown over k or more
individuals, less the visible giving totals of its other institutions, gave a withheld
institution's total back. A sum of gifts the caller may see anyway gives nothing back, whatever
it is combined with (issue 15)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph_model.cache import VersionCache
from graph_model.coverage.analysis import Level, Method, Options
from graph_model.coverage.methods import Decay
from graph_model.coverage.service import Coverage, Subject
from graph_model.coverage.threew import WhoWhatWhere
from graph_model.errors import FieldError, ValidationFailed
from graph_model.networks.scope import NetworkScope
from graph_model.networks.service import Networks
from graph_model.privacy import three_w_public
from graph_model.stores.base import GraphStore
from hub.auth.visibility import Visibility
from hub.execution.context import Info
from hub.schema.scalars import parse_date

DEFAULT_RADIUS_KM = 50.0


def coverage(info: Info) -> Coverage:
    return coverage_for(info.context.store, info.context.cache)


def coverage_for(store: GraphStore, cache: VersionCache | None) -> Coverage:
    return Coverage(store, cache)


def subject(service: str | None, target_group: str | None) -> Subject:
    return Subject(service or None, target_group or None)


def options(method: Method, level: Level, radius_km: float | None, decay: Decay | None,
            norm: float | None) -> Options:
    """Options from arguments; a decay only means something for ENHANCED."""
    if decay is not None and decay is not Decay.UNIFORM and method is not Method.ENHANCED:
        raise ValidationFailed("a distance decay applies to the ENHANCED method only", [FieldError(
            "decay", f"{method.value} does not use one; leave it out or use method ENHANCED")])
    return Options(method, level, DEFAULT_RADIUS_KM if radius_km is None else radius_km,
                   decay or Decay.GAUSSIAN, norm)


def as_of(value: str | None, field: str = "asOf") -> dt.date:
    """The date licences are checked on: the one given (ISO or Solar Hijri), or today."""
    return dt.date.fromisoformat(parse_date(value, field)) if value else dt.date.today()


@dataclass(frozen=True)
class Question:
    """One coverage question, however it was asked: what (``subject``), where and how (``options``)
    and on which day licences are checked (``day``)."""

    subject: Subject
    options: Options
    day: dt.date


_day = as_of


def question(*, service: str | None, target_group: str | None, level: Level = Level.COUNTY,
             method: Method = Method.ENHANCED, radius_km: float | None = None, decay: Decay | None = None,
             as_of: str | None = None, norm: float | None = None) -> Question:
    """The question the ``CoverageQuestion`` input and ``/export/coverage.csv`` both ask (defaults as
    documented there); invalid parts fail with the field named as in the API."""
    return Question(subject(service, target_group), options(method, level, radius_km, decay, norm), _day(as_of))


def enum_arg(kind: type[Any], value: str | None, field: str, default: Any) -> Any:
    """An enum from a query-string argument (the CSV exports), with a clear error."""
    if value is None or value == "":
        return default
    try:
        return kind(value.upper())
    except ValueError:
        raise ValidationFailed(f"{field} is not valid", [FieldError(
            field, f"{value!r} is not one of {', '.join(m.value for m in kind)}")]) from None


def number_arg(value: str | None, field: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise ValidationFailed(f"{field} is not a number", [FieldError(field, f"{value!r} is not a number")]) from None


async def who_what_where(store: GraphStore, cache: VersionCache | None, visibility: Visibility,
                         scope: NetworkScope, level: Level, day: dt.date) -> list[tuple[WhoWhatWhere, bool]]:
    """The 3W cells of a scope as the caller may see them, each with whether individual donors'
    gifts were left out of its ``funders`` and ``funding``: for a caller without the right to see
    personal data, those two count only the gifts of donors who are not individuals."""
    service, networks = coverage_for(store, cache), Networks(store, cache)
    rows = await service.who_what_where(networks, scope, level, day)
    if visibility.personal:
        return [(r, False) for r in rows]
    public = await three_w_public(service, networks, scope, level, day)
    shown = []
    for r in rows:
        # not in the public matrix (a write landed in between): no funding shown rather than a guess
        funders, funding = public.get((r.area, r.service), (0, 0))
        shown.append((dataclasses.replace(r, funders=funders, funding=funding), funders != r.funders))
    return shown
