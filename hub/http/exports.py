"""CSV exports with HXL hashtags: the coverage table and the 3W matrix over plain GET.

``/export/coverage.csv`` takes the fields of the ``coverage`` query's ``CoverageQuestion`` as query
parameters (``service`` or ``targetGroup``, ``level``, ``method``, ``radiusKm``, ``decay``, ``asOf``,
``norm``; enum values in any case) and asks the same question (hub.analytics.coverage.question);
``/export/3w.csv`` those of ``whoWhatWhere`` (``province`` or ``council``, ``since``,
``until``, ``jalaliYear``, ``level``, ``service``, ``asOf``). A mistake answers a JSON body with
the error code and the field at fault, as the GraphQL errors do (``errors``, the GraphQL shape,
and ``error``, the exports' first shape, kept for existing clients).

Both run as the request's principal (``hub.auth.middleware`` puts it in the request state) and
need the READ right (403 FORBIDDEN otherwise). Their analysis counts among the key's running
analytics, as a GraphQL operation's does (hub.execution.concurrency): one more than the limit is
refused at once with 429 LIMIT_EXCEEDED. The 3W export follows donor privacy as the
``whoWhatWhere`` field does (hub.analytics.coverage.who_what_where), whatever the window, scope
or level: for a caller without the right to see personal data, funders and funding count only
the gifts of donors who are not individuals, and the "Funding withheld" column says "yes" where
individual donors' gifts were left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from types import SimpleNamespace

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from graph_model import filter_keys
from graph_model.coverage.analysis import Level, Method
from graph_model.coverage.hxl import coverage_csv, three_w_csv
from graph_model.coverage.methods import Decay
from graph_model.errors import (
    FieldError, Forbidden, HubError, LimitExceeded, NotFound, StoreUnavailable, Unauthenticated, ValidationFailed)
from graph_model.text import whole_number
from hub.auth.policy import require
from hub.auth.principal import Principal, Right
from hub.auth.visibility import Visibility
from hub.http.asgi import error_body, field_errors
from hub.analytics import coverage as resolve
from hub.analytics.networks import scope_of
from hub.schema.scalars import parse_date

STATUS = {NotFound: 404, ValidationFailed: 400, Unauthenticated: 401, Forbidden: 403, LimitExceeded: 429,
          StoreUnavailable: 503}
KNOWN = {"coverage": {"service", "targetGroup", "level", "method", "radiusKm", "decay", "asOf", "norm"},
         "3w": {"province", "council", "since", "until", "jalaliYear", "level", "service", "asOf"}}


def _csv(text: str, name: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _error(exc: HubError) -> JSONResponse:
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 500)
    # the GraphQL shape, and as before under "error"
    return JSONResponse({**error_body(exc), "error": {"code": exc.code, "message": str(exc),
                                                      "fields": field_errors(exc)}}, status_code=status)


def _reader(request: Request) -> Principal:
    """The caller, who must hold the READ right."""
    # No principal: the auth middleware did not run; refuse rather than serve unchecked.
    return require(getattr(request.state, "principal", None), Right.READ, "the CSV exports")


def refuse_unknown(params: Iterable[str], known: Set[str]) -> None:
    """Every export refuses a parameter it does not take (a misspelt one would silently be ignored)."""
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValidationFailed(f"unknown parameter {unknown[0]!r}", [FieldError(
            name, f"not a parameter of this export; known: {', '.join(sorted(known))}") for name in unknown])


def _check_known(request: Request, export: str) -> None:
    refuse_unknown(request.query_params, KNOWN[export])


async def coverage_export(request: Request) -> Response:
    q = request.query_params
    try:
        principal = _reader(request)
        _check_known(request, "coverage")
        asked = resolve.question(
            service=q.get("service"), target_group=q.get("targetGroup"),
            level=resolve.enum_arg(Level, q.get("level"), "level", Level.COUNTY),
            method=resolve.enum_arg(Method, q.get("method"), "method", Method.ENHANCED),
            radius_km=resolve.number_arg(q.get("radiusKm"), "radiusKm"),
            decay=resolve.enum_arg(Decay, q.get("decay"), "decay", None), as_of=q.get("asOf"),
            norm=resolve.number_arg(q.get("norm"), "norm"))
        service = resolve.coverage_for(request.state.store, request.state.cache)
        async with request.state.gate.hold(principal):
            table = await service.table(asked.subject, asked.options, asked.day)
            areas = await service.areas(await service.version())
    except HubError as exc:
        return _error(exc)
    subject = q.get("service") or q.get("targetGroup")
    level = asked.options.level.value.lower()
    return _csv(coverage_csv(table, areas, asked.day.isoformat()), f"coverage-{subject}-{level}.csv")


async def three_w_export(request: Request) -> Response:
    q = request.query_params
    try:
        principal = _reader(request)
        _check_known(request, "3w")
        level = resolve.enum_arg(Level, q.get("level"), "level", Level.COUNTY)
        scope = scope_of(SimpleNamespace(province=q.get("province"), council=q.get("council"),
                                         since=_day(q.get("since"), "since"), until=_day(q.get("until"), "until"),
                                         jalali_year=_year(q.get("jalaliYear"))))
        day = resolve.as_of(q.get("asOf"))
        store, cache = request.state.store, request.state.cache
        visibility = Visibility.of(principal, request.state.settings)
        service = resolve.coverage_for(store, cache)
        async with request.state.gate.hold(principal):
            cells = await resolve.who_what_where(store, cache, visibility, scope, level, day)
            areas = await service.areas(await service.version())
    except HubError as exc:
        return _error(exc)
    wanted = q.get("service")
    shown = [(r, withheld) for r, withheld in cells if wanted is None or r.service == wanted]
    rows = tuple(r for r, _ in shown)
    if wanted is not None and not rows:
        try:  # an unknown service is NOT_FOUND, as in the lists (graph_model.filter_keys), not an empty table
            await filter_keys.check(request.state.store, [("service", wanted)], path=None)
        except HubError as exc:
            return _error(exc)
    return _csv(three_w_csv(rows, areas, day.isoformat(), [withheld for _, withheld in shown]),
                f"3w-{level.value.lower()}.csv")


def _day(value: str | None, field: str) -> str | None:
    return parse_date(value, field) if value else None


def _year(value: str | None) -> int | None:
    """A Solar Hijri year as digits (Persian and Arabic-Indic ones too, read as amounts are)."""
    if value is None:
        return None
    try:
        year = whole_number(value)
    except ValueError as exc:
        raise ValidationFailed("jalaliYear is not a year", [FieldError("jalaliYear", str(exc))]) from None
    if year < 1:
        raise ValidationFailed("jalaliYear is not a year", [FieldError("jalaliYear", f"{value!r} is not a year")])
    return year


ROUTES = [Route("/export/coverage.csv", coverage_export), Route("/export/3w.csv", three_w_export)]
