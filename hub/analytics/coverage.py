"""The coverage fields and exports: turn a question (the GraphQL ``CoverageQuestion`` input, or the
CSV export's query parameters) into a subject, options and a date (``Question``), and ask
``graph_model.coverage.service.Coverage`` (one per request, sharing the process's cache).

The 3W matrix's funding figures follow donor privacy (``who_what_where``): the matrix is
computed and cached in full; a cell whose funding includes the gifts of 1 to k-1 individual
donors is marked withheld for a caller without the right to see personal data."""

from __future__ import annotations

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
from graph_model.privacy import three_w_individuals
from graph_model.stores.base import GraphStore
from hub.auth import privacy
from hub.auth.principal import Principal
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


async def who_what_where(store: GraphStore, cache: VersionCache | None, principal: Principal, k: int,
                         scope: NetworkScope, level: Level, day: dt.date) -> list[tuple[WhoWhatWhere, bool]]:
    """The 3W cells of a scope, each with whether its funding is withheld from ``principal``: it
    includes the gifts of 1 to k-1 individual donors and the caller may not see personal data."""
    service, networks = coverage_for(store, cache), Networks(store, cache)
    rows = await service.who_what_where(networks, scope, level, day)
    if principal.sees_personal:
        return [(r, False) for r in rows]
    individuals = await three_w_individuals(service, networks, scope, level, day)

    def withheld(row: WhoWhatWhere) -> bool:
        found = individuals.get((row.area, row.service))
        if found is None:  # not in the individuals' matrix (a write landed in between): withheld if funded
            return row.funders > 0
        return privacy.suppressed(found, principal, k)
    return [(r, withheld(r)) for r in rows]
