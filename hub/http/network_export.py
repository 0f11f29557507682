"""``/export/network.gexf`` and ``/export/network.graphml``: a whole projection for Gephi, yEd or
networkx (issue 20, item 5).

Query parameters are the arguments of the ``networkProjection`` field that choose the network:
the scope's ``province`` or ``council``, ``since``, ``until`` (ISO or Solar Hijri) or
``jalaliYear``, ``projection`` (INSTITUTIONS or DONORS) and ``weighting`` (COLLABORATION or
JACCARD), enum values in any case. ``of`` and ``first`` only pick the field's ``links`` and have no
place here: the file holds every node and edge. Mistakes are the field's own errors
(hub.analytics.networks.scope_of, graph_model.networks.reading.resolve_area), as the exports'
JSON body (hub.http.exports), with the query parameter named.

The projection is the field's: the same ``Networks`` service and cache, so a file and the field
answer alike, and privacy is the field's ``Redaction`` (hub.analytics.networks.redaction_for): a
caller without the PERSONAL right gets individual donors under their pseudonyms, without names or
province. No amount is written: a projection's weights are made of counts. A province-scoped key
reads the networks of its provinces only (a province of its own, or a council whose area lies in
them; the country is refused, or narrowed to its one province) - stricter than the GraphQL field,
since a file is the whole network rather than one node's links.

Needs the NETWORKS right; counts among the key's running analytics (``gate.hold``: 429
LIMIT_EXCEEDED past the limit), and the networkx graph is built and written inside that count,
off the event loop. A projection of more than ``MAX_EDGES`` edges (the national institution
projection has about two million) is refused with 400 naming the scope: a province, a council or a
window makes it smaller. The file is built in memory by networkx's writer (its GEXF writer builds
the whole document before writing any of it), from one networkx copy of the projection.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from enum import Enum
from types import SimpleNamespace
from typing import Any

import networkx as nx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from graph_model import queries
from graph_model.enums import Label
from graph_model.errors import FieldError, Forbidden, HubError, ValidationFailed
from graph_model.networks.projections import Projection, Side, Weighting
from graph_model.networks.reading import resolve_area
from graph_model.networks.scope import NetworkScope, ScopeData, ScopeLevel
from graph_model.networks.service import Networks
from graph_model.offload import offload
from graph_model.provinces_of import provinces_of
from hub.analytics.networks import Redaction, redaction_for, scope_of
from hub.auth.policy import require
from hub.auth.principal import Principal, Right
from hub.auth.visibility import Visibility
from hub.http.exports import _day, _error, _year, refuse_unknown
from hub.schema.network_types import ActorKind, ProjectionSide, ProjectionWeighting

KNOWN = {"province", "council", "since", "until", "jalaliYear", "projection", "weighting"}
# Edges a file may hold: a province's projection fits (demo: hundreds; national provinces: tens
# of thousands), the national one (about two million, some hundreds of MB of XML) does not.
MAX_EDGES = 250_000
FORMATS: dict[str, tuple[str, Callable[[nx.Graph, io.BytesIO], None]]] = {
    "gexf": ("application/gexf+xml", lambda g, out: nx.write_gexf(g, out, encoding="utf-8")),
    "graphml": ("application/graphml+xml", lambda g, out: nx.write_graphml(g, out, encoding="utf-8")),
}


def _choice(kind: type[Enum], value: str | None, field: str, default: Enum) -> Any:
    """A GraphQL enum given by its name (any case), as the field takes it."""
    if value is None or value == "":
        return default
    try:
        return kind[value.upper()]
    except KeyError:
        raise ValidationFailed(f"{field} is not valid", [FieldError(
            field, f"{value!r} is not one of {', '.join(kind.__members__)}")]) from None


def _named(exc: ValidationFailed) -> ValidationFailed:
    """The field's error with the query parameter named (``scope.jalaliYear`` -> ``jalaliYear``)."""
    exc.errors = [FieldError(e.field.removeprefix("scope."), e.message) for e in exc.errors]
    return exc


def _scope(q: Mapping[str, str]) -> NetworkScope:
    try:
        return scope_of(SimpleNamespace(province=q.get("province") or None, council=q.get("council") or None,
                                        since=_day(q.get("since"), "since"), until=_day(q.get("until"), "until"),
                                        jalali_year=_year(q.get("jalaliYear"))))
    except ValidationFailed as exc:
        raise _named(exc) from None


async def _within(store: Any, principal: Principal, scope: NetworkScope) -> NetworkScope:
    """``scope`` for a province-scoped key: its own provinces only (the country: its one province)."""
    if not principal.scoped:
        return scope
    mine = sorted(principal.provinces)
    refused = f"this key reads the networks of {', '.join(mine)} only"
    if scope.level is ScopeLevel.COUNTRY:
        if len(mine) == 1:
            return NetworkScope(ScopeLevel.PROVINCE, mine[0], scope.since, scope.until)
        raise Forbidden(f"{refused}; give province")
    if scope.level is ScopeLevel.PROVINCE:
        if scope.key not in principal.provinces:
            raise Forbidden(f"{refused}; not {scope.key}")
        return scope
    found = (await provinces_of(store, {Label.COUNCIL: [scope.key or ""]})).get((Label.COUNCIL, scope.key or ""))
    if not found or not found <= principal.provinces:
        raise Forbidden(f"{refused}; council {scope.key} covers other provinces")
    return scope


def network_graph(p: Projection, data: ScopeData, names: Mapping[str, Mapping[str, Any]], red: Redaction) -> nx.Graph:
    """The projection as a networkx graph, nodes under the keys the caller may see (a pseudonym for
    a hidden individual donor), with their kind, names, province and a ``label`` (the Persian name,
    else the English, else the key) that Gephi shows; edges with the weight and its layers."""
    # the field's ActorKind (INSTITUTION, DONOR), as the API names it
    kind = ActorKind(Label.INSTITUTION.value if p.side is Side.INSTITUTION else Label.DONOR.value).name
    g = nx.Graph(projection=p.side.value, weighting=p.weighting.value)
    shown = [red.key(k) for k in p.graph.nodes]
    for key, node in zip(p.graph.nodes, shown, strict=True):
        attrs: dict[str, Any] = {"kind": kind, "hubKey": node}  # "key" is networkx's own in GEXF
        if red.hides(key):
            attrs["withheld"] = True
        else:
            row = names.get(key) or {}
            where = (data.institutions[key].province if key in data.institutions else None) \
                if p.side is Side.INSTITUTION else data.donor_provinces.get(key)
            found = {"nameFa": row.get("nameFa"), "nameEn": row.get("nameEn"), "province": where}
            attrs.update({k: v for k, v in found.items() if v is not None})
            attrs["withheld"] = False
        attrs["label"] = attrs.get("nameFa") or attrs.get("nameEn") or node
        g.add_node(node, **attrs)
    columns = zip(p.graph.source.tolist(), p.graph.target.tolist(), p.graph.weight.tolist(), p.shared.tolist(),
                  p.giving_weight.tolist(), p.shared_councils.tolist(), p.council_weight.tolist(),
                  p.partnered.tolist(), strict=True)
    g.add_edges_from((shown[a], shown[b], {"weight": w, "shared": s, "givingWeight": gw, "sharedCouncils": sc,
                                           "councilWeight": cw, "partnered": pt})
                     for a, b, w, s, gw, sc, cw, pt in columns)
    return g


def _write(fmt: str, p: Projection, data: ScopeData, names: Mapping[str, Mapping[str, Any]], red: Redaction) -> bytes:
    out = io.BytesIO()
    FORMATS[fmt][1](network_graph(p, data, names, red), out)
    return out.getvalue()


async def gexf_export(request: Request) -> Response:
    return await network_export(request, "gexf")


async def graphml_export(request: Request) -> Response:
    return await network_export(request, "graphml")


async def network_export(request: Request, fmt: str) -> Response:
    q = request.query_params
    try:
        principal = require(getattr(request.state, "principal", None), Right.NETWORKS, "the network exports")
        refuse_unknown(q, KNOWN)
        side = Side(_choice(ProjectionSide, q.get("projection"), "projection", ProjectionSide.INSTITUTIONS).value)
        weighting = Weighting(_choice(ProjectionWeighting, q.get("weighting"), "weighting",
                                      ProjectionWeighting.COLLABORATION).value)
        scope = _scope(q)
        store = request.state.store
        try:
            await resolve_area(store, scope)  # the field's NOT_FOUND / VALIDATION_FAILED, before the scope check
        except ValidationFailed as exc:
            raise _named(exc) from None
        scope = await _within(store, principal, scope)
        service = Networks(store, request.state.cache)
        visibility = Visibility.of(principal, request.state.settings)
        async with request.state.gate.hold(principal):
            p = await service.projection(scope, side, weighting)
            if p.graph.size > MAX_EDGES:
                raise ValidationFailed(f"the network has {p.graph.size:,} edges, more than an export's {MAX_EDGES:,}",
                                       [FieldError("province", "narrow the scope: a province, a council or a window")])
            data = await service.data(scope)
            label = Label.INSTITUTION if side is Side.INSTITUTION else Label.DONOR
            red = await redaction_for(visibility, store, p.graph.nodes if side is Side.DONOR else ())
            names = await queries.by_keys(store, label, [k for k in p.graph.nodes if not red.hides(k)])
            body = await offload(_write, fmt, p, data, names, red)
    except HubError as exc:
        return _error(exc)
    where = scope.key or "country"
    name = f"network-{side.value}-{where}.{fmt}"
    return Response(body, media_type=FORMATS[fmt][0],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


ROUTES = [Route("/export/network.gexf", gexf_export), Route("/export/network.graphml", graphml_export)]
