"""Request ids: one per HTTP request, in the ``X-Request-ID`` response header, in the logs and in
masked GraphQL errors, so a user's report of an error leads to its traceback in the server log."""

from __future__ import annotations

import contextvars
import logging
import os
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.http.asgi import header

HEADER = "x-request-id"
# A proxy's or client's id is kept only when it cannot smuggle anything into headers or logs.
_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")

log = logging.getLogger("hub")

# A context variable rather than request state: the GraphQL extensions that mask errors see the
# execution context, not the request, and asyncio copies context variables into the tasks a
# request spawns.
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("hub_request_id", default=None)


def new_request_id() -> str:
    """32 random hex digits, as ``uuid.uuid4().hex`` has them but without making a UUID (its constructor
    was 1% of a small query's Python: benchmarks/README.md, issue 18)."""
    return os.urandom(16).hex()


def accept_request_id(incoming: str | None) -> str:
    """The client's id when it is a sane token (at most 64 of ``A-Z a-z 0-9 . _ -``), else a new one."""
    if incoming is not None and _SANE.fullmatch(incoming):
        return incoming
    return new_request_id()


def current_request_id() -> str | None:
    """The id of the request being served, or None outside a request."""
    return _current.get()


class RequestIdMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware) so the context variable is set in the task that runs
    the endpoint. An exception that escapes the app is logged with the id and answered with a 500
    that carries the id too, because starlette's own error page would not pass through here."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = header(scope, HEADER.encode())
        request_id = accept_request_id(incoming)
        token = _current.set(request_id)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER.encode()]
                message = {**message, "headers": [*headers, (HEADER.encode(), request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error in %s %s [request %s]", scope["method"], scope["path"], request_id,
                          extra={"request_id": request_id})
            if started:
                raise
            await send_with_id({"type": "http.response.start", "status": 500,
                                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": f"Internal Server Error ({request_id})".encode()})
        finally:
            _current.reset(token)
