"""The floor of one question on this stack (issue 18): the least a Python ASGI server over FalkorDB can
answer benchmarks/peer's one-institution question with, to compare the hub's answer against.

    .venv/bin/python benchmarks/ab.py --floor --question one --data-dir /tmp/hubnat

``ab.py --floor`` serves ``app`` below as its side B (under uvicorn with httptools and uvloop, as
`hub serve`) on its own copy of the data, checks its answer byte-equal to the hub's, and times both
in turn. The app does what no path of the hub can skip: read the body, authenticate the caller with
the hub's own Authenticator (HUB_JWT_KEY), send one statement through the hub's store client (its
`read`: parameters, timeout, reply decoding), build the answer from the row and write it with
orjson. It has no GraphQL (no parse, no validation, no execution, no entity objects), no privacy, no
limits and no error handling, and it knows one question: a measuring stick, not a way to answer.
``SINGLE`` is one hand-written statement reading what the hub's fused statement reads: the
institution found once, its links and lists in correlated subqueries (the hub's statement finds it
once per part, each part in its own branch of a UNION, its nested lists paged for any number of
parents).
"""

from __future__ import annotations

from typing import Any

import orjson

from graph_model.cypher import statement
from graph_model.links import institution_cell, whole
from graph_model.stores.falkordb import FalkorStore, open_embedded
from hub.auth.authenticate import Authenticator
from hub.settings import Settings

SINGLE = statement("floor_one_institution", """MATCH (n:Institution) WHERE n.key = $key
MATCH (n)-[:LOCATED_IN]->(c:County)
MATCH (p:Province) WHERE p.key = c.provinceKey
OPTIONAL MATCH (t:DonationTotal) WHERE t.key = $cell
CALL { WITH n MATCH (n)-[o:OFFERS]->(s:Service) WITH s, o ORDER BY s.nameEn, s.key
       RETURN collect([s.key, s.nameEn, s.domain, o.capacity]) AS services }
CALL { WITH n MATCH (:Donor)-[g:DONATED_TO]->(n) RETURN min(g.date) AS firstDate, max(g.date) AS lastDate }
CALL { WITH n MATCH (d:Donor)-[g:DONATED_TO]->(n) WITH d, g ORDER BY g.date DESC, g.key DESC LIMIT 20
       RETURN collect([g.key, g.amount, g.date, g.purpose, d.key]) AS gifts }
RETURN n.key AS key, n.nameFa AS nameFa, n.nameEn AS nameEn, n.kind AS kind, c.key AS county,
       c.nameEn AS countyName, p.key AS province, p.nameEn AS provinceName, services, t.units AS units,
       t.rest AS rest, t.donations AS count, t.donors AS counterparts, firstDate, lastDate, gifts""",
                   register=False)  # not the hub's: kept out of the registry the linter and tests read

_STATE: dict[str, Any] = {}


def answer(row: dict[str, Any] | None) -> dict[str, Any]:
    """The hub's JSON for benchmarks.peer.questions.HUB_ONE, from SINGLE's row."""
    if row is None:
        return {"data": {"institution": None}}
    return {"data": {"institution": {
        "key": row["key"], "nameFa": row["nameFa"], "nameEn": row["nameEn"], "kind": row["kind"],
        "county": {"key": row["county"], "nameEn": row["countyName"],
                   "province": {"key": row["province"], "nameEn": row["provinceName"]}},
        "services": {"edges": [{"capacity": capacity, "node": {"key": key, "nameEn": name, "domain": domain}}
                               for key, name, domain, capacity in row["services"]]},
        "giving": {"amount": str(whole(row["units"], row["rest"])), "count": row["count"] or 0,
                   "counterparts": row["counterparts"] or 0, "firstDate": row["firstDate"],
                   "lastDate": row["lastDate"]},
        "donations": {"nodes": [{"key": key, "amount": str(amount), "date": date, "purpose": purpose,
                                 "donor": {"key": donor}} for key, amount, date, purpose, donor in row["gifts"]]},
    }}}


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            settings = Settings.from_env()
            _STATE["store"] = await open_embedded(str(settings.data_dir), settings.graph)
            _STATE["auth"] = Authenticator(settings)
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await _STATE["store"].close()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["path"] == "/readyz":  # what ab.py waits for
        await _send(send, b"ready")
        return
    store: FalkorStore = _STATE["store"]
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    authorization = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    await _STATE["auth"].principal(store, authorization)
    key = orjson.loads(body)["variables"]["key"]
    rows = await store.read(SINGLE, key=key, cell=institution_cell(key))
    await _send(send, orjson.dumps(answer(rows[0] if rows else None)))


async def _send(send: Any, out: bytes) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(out)).encode())]})
    await send({"type": "http.response.body", "body": out})
