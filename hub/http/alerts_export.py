"""``/export/alerts.csv``: the ``alerts`` field as CSV with an HXL row (graph_model.supervision.alerts_csv).

Query parameters ``scope`` (a province or county key; the country, or a scoped key's provinces, when left
out) and ``asOf`` (ISO or Solar Hijri; today when left out). Runs as the request's principal, who needs the
SUPERVISE right (403 FORBIDDEN otherwise); a province-scoped key asking for another area is refused
as the field is (graph_model.supervision.reading.scope_of). Mistakes answer the exports' JSON error body
(hub.http.exports).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from graph_model.errors import HubError
from graph_model.supervision.alerts import NEEDS, alerts
from graph_model.supervision.alerts_csv import alerts_csv
from graph_model.supervision.reading import facts, scope_of
from hub.analytics.coverage import as_of
from hub.auth.policy import require
from hub.auth.principal import Right
from hub.http.exports import _csv, _error, refuse_unknown

KNOWN = {"scope", "asOf"}


async def alerts_export(request: Request) -> Response:
    q = request.query_params
    try:
        principal = require(getattr(request.state, "principal", None), Right.SUPERVISE, "the alerts export")
        refuse_unknown(q, KNOWN)
        day = as_of(q.get("asOf"))
        store = request.state.store
        scope = await scope_of(store, q.get("scope") or None, principal.provinces if principal.scoped else None)
        found = alerts(await facts(store, scope, NEEDS), day)
    except HubError as exc:
        return _error(exc)
    return _csv(alerts_csv(found, scope, day.isoformat()), f"alerts-{scope.key or 'all'}-{day.isoformat()}.csv")


ROUTES = [Route("/export/alerts.csv", alerts_export)]
