"""What the pure ASGI middlewares at the HTTP edge share: reading a request header, and refusing a
request with a JSON body in the GraphQL error shape (``{"errors": [{"message", "extensions":
{"code", "fields"}}]}``, fields only when some are at fault), which the CSV exports answer with too."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Scope, Send

from graph_model.errors import HubError


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of the (lower-case) header ``name``."""
    return next((v.decode("latin-1") for k, v in scope["headers"] if k == name), None)


def field_errors(error: HubError) -> list[dict[str, str]]:
    return [{"field": e.field, "message": e.message} for e in error.errors]


def error_body(error: HubError) -> dict[str, Any]:
    """The code, and the fields at fault when the error names any."""
    extensions: dict[str, Any] = {"code": error.code}
    if error.errors:
        extensions["fields"] = field_errors(error)
    return {"errors": [{"message": str(error), "extensions": extensions}]}


async def refuse(send: Send, status: int, error: HubError, headers: dict[str, str] | None = None) -> None:
    body = json.dumps(error_body(error)).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
