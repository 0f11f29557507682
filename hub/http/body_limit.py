"""The request body limit (``Settings.limits.body_bytes``, HUB_MAX_BODY_BYTES) at the HTTP edge.

Pure ASGI, right after the request id: a body over the limit is answered 413 with LIMIT_EXCEEDED
in the GraphQL error shape before authentication or the routes see it. A declared
``Content-Length`` over the limit is refused without reading a byte; otherwise the body is read
chunk by chunk (chunked bodies declare no length), counting, and refused as soon as the count
passes the limit: at most the limit is ever held, never a 10 MB body. A body within the limit is
handed on to the app as it was received.

An upload (multipart/form-data on POST /graphql, hub.http.uploads) has its own, larger limit
(``Limits.upload_bytes``, HUB_UPLOAD_MAX_BYTES, plus the body limit for its JSON parts), and is
not held here: it is counted as the form parser reads it (which spools the file to disk past
1 MB), and refused 413 the moment the count passes the limit, before the app has answered."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_model.errors import LimitExceeded
from hub.auth.middleware import route_path
from hub.http.asgi import header, refuse

ENV = "HUB_MAX_BODY_BYTES"
UPLOAD_ENV = "HUB_UPLOAD_MAX_BYTES"
UPLOAD_PATH = "/graphql"


class BodyTooLarge(Exception):
    """Raised from ``receive`` when an upload's body passes its limit; not a HubError, so nothing
    between here and the app (the GraphQL view catches those) turns it into another answer."""


def is_upload(scope: Scope) -> bool:
    """A multipart POST to /graphql: the only request that may carry a file (hub.http.uploads)."""
    media = (header(scope, b"content-type") or "").partition(";")[0].strip().lower()
    return scope["method"] == "POST" and route_path(scope) == UPLOAD_PATH and media == "multipart/form-data"


def _declared_length(scope: Scope) -> int | None:
    raw = header(scope, b"content-length")
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None  # the server refuses a malformed length itself


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, most: int, upload_most: int | None = None) -> None:
        self.app = app
        self.most = most
        # a file of upload_most bytes and the `operations` and `map` parts beside it
        self.upload_most = most + (upload_most if upload_most is not None else 0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if is_upload(scope):
            await self.upload(scope, receive, send, declared)
            return
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

    async def upload(self, scope: Scope, receive: Receive, send: Send, declared: int | None) -> None:
        most = self.upload_most
        refused = LimitExceeded(f"an upload of more than {most} bytes exceeds the limit: a file may hold "
                                f"{most - self.most} bytes ({UPLOAD_ENV})")
        if declared is not None and declared > most:
            await refuse(send, 413, refused)
            return
        size = 0
        started = False

        async def counted() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > most:
                    raise BodyTooLarge
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except BodyTooLarge:
            if not started:  # the form is parsed before anything is answered: always so
                await refuse(send, 413, refused)
