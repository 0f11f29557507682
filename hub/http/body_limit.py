"""The request body limit (``Settings.limits.body_bytes``, HUB_MAX_BODY_BYTES) at the HTTP edge.

Pure ASGI, right after the request id: a body over the limit is answered 413 with LIMIT_EXCEEDED
in the GraphQL error shape before authentication or the routes see it. A declared
``Content-Length`` over the limit is refused without reading a byte; otherwise the body is read
chunk by chunk (chunked bodies declare no length), counting, and refused as soon as the count
passes the limit: at most the limit is ever held, never a 10 MB body. A body within the limit is
handed on to the app as it was received."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_model.errors import LimitExceeded
from hub.http.asgi import header, refuse

ENV = "HUB_MAX_BODY_BYTES"


def _declared_length(scope: Scope) -> int | None:
    raw = header(scope, b"content-length")
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None  # the server refuses a malformed length itself


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, most: int) -> None:
        self.app = app
        self.most = most

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.most:
            await self.refuse(send, f"a request body of {declared} bytes")
            return
        if declared == 0 or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        received: list[Message] = []
        size = 0
        while True:
            message = await receive()
            received.append(message)
            if message["type"] != "http.request":
                break  # the client went away: the app sees the disconnect as it comes
            size += len(message.get("body", b""))
            if size > self.most:
                await self.refuse(send, f"a request body of more than {self.most} bytes")
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return received.pop(0) if received else await receive()

        await self.app(scope, replay, send)

    async def refuse(self, send: Send, what: str) -> None:
        await refuse(send, 413, LimitExceeded(f"{what} exceeds the limit {self.most} ({ENV})"))
