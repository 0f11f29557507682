"""GraphQL over HTTP (graphql.github.io/graphql-over-http): what strawberry's ASGI view leaves out.

strawberry already does: POST application/json and GET (queries only), 400 on malformed JSON, on a
missing or empty ``query`` and on non-object ``variables``/``extensions``, GraphiQL on GET with
Accept text/html. Added here: the ``application/graphql-response+json`` media type with its status
codes, 405 + ``Allow`` (a mutation over GET, other methods), 415 for other request media types, 400
for a body that is not a JSON object or a non-string ``operationName``, JSON error bodies, the
offline GraphiQL page, and a last masking pass for unexpected errors that escaped the schema's.
Persisted queries (APQ) and the allow-list resolve the query text before it runs (hub.execution.persisted).
A query text that ran once is answered again without strawberry's view and execution around graphql-core,
with the same checks and the same answer (hub.http.prepared); anything else takes the way described here.

Nothing runs without a principal: the authentication middleware gives every request one but the
GraphiQL page, and the view renders that page by the same rule (hub.http.graphiql.asks_for_page);
should a request still arrive without one, it is refused 401 before any query text is looked at.
A body that is not UTF-8 is a 400; a text holding a NUL or a lone surrogate (JSON's ``\ud800``)
anywhere in the request is VALIDATION_FAILED naming where (``variables.name``), before it can reach
a statement; a document of several operations must name one (hub.execution.input_checks).
A multipart/form-data POST is an upload (the GraphQL multipart request spec), accepted only for an
operation taking an ``Upload`` and under hub.http.uploads' rules (CSRF header, one file, its size,
the ``map``), checked before strawberry reads the form; every other media type stays a 415."""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.types import ExecutionResult

from graph_model.errors import HubError, Unauthenticated
from hub.auth.authenticate import CREDENTIALS_REQUIRED
from hub.http import graphiql, prepared, request_texts, uploads
from hub.http.asgi import error_body
from hub.execution.input_checks import OPERATION_NAMED
from hub.execution.context import Context
from hub.execution.persisted import PersistedQueries, refusal
from hub.execution.turns import Turns
from hub.schema.extensions import mask, should_mask
from hub.strawberry_compat import (
    AsyncHTTPRequestAdapter, HTTPException, InvalidOperationTypeError, graphql_schema, parse_content_type)

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"


def response_media_type(accept: str | None) -> str:
    """The spec's media type when the client prefers it (ties go to it); otherwise, and for a
    missing Accept or wildcards, the legacy ``application/json`` (the spec allows ignoring an
    Accept that names neither, rather than answering 406)."""
    best, best_q = JSON, 0.0
    for part in (accept or "").split(","):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.strip().lower()
        if media == GRAPHQL_RESPONSE and q > 0 and q >= best_q:
            best, best_q = GRAPHQL_RESPONSE, q
        elif media == JSON and q > best_q:
            best, best_q = JSON, q
    return best


def is_request_error(result: ExecutionResult) -> bool:
    """True when the operation never ran (syntax, validation or variable errors): graphql-core
    gives such errors no path, while every error raised under a field has one."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


@lru_cache(maxsize=64)  # a client sends the same header every time; parsing it takes an email.Message
def _media_type(content_type: str) -> str:
    return parse_content_type(content_type)[0]


class HubGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI view with the conventions above; one per app, the context per request.
    Several of the methods overridden are not documented hooks: hub.strawberry_compat.VIEW_HOOKS
    lists them, and its test checks strawberry still has them with these parameters."""

    def __init__(self, schema: Any, *, kept: prepared.Prepared | None = None, turns: Turns | None = None,
                 **options: Any) -> None:
        super().__init__(schema, **options)
        self.prepared = kept  # query texts answered without strawberry around graphql-core (hub.http.prepared)
        self.turns = turns  # how many of those execute at once (hub.execution.turns)

    def encode_json(self, data: object) -> bytes:
        """Responses in UTF-8 by orjson: Persian text as it is, not \\uXXXX (a third of the bytes).
        (Encoding was ~2% of a request's time either way: benchmarks/README.md.)"""
        return orjson.dumps(data)

    async def get_context(self, request: Any, response: Any = None) -> Context:
        state = request.state
        state.context = Context(store=state.store, cache=getattr(state, "cache", None),
                                principal=getattr(state, "principal", None), settings=state.settings,
                                gate=getattr(state, "gate", None))
        return state.context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = None
            if (self.prepared is not None and request.method == "POST"
                    and _media_type(request.headers.get("content-type") or "") == JSON):
                result = await prepared.execute_kept(self, request, self.prepared, self.turns)
                if result is not None:
                    response = await self.answer(request, result)
            if response is None:
                if uploads.is_multipart(request) and self.multipart_uploads_enabled:
                    if getattr(request.state, "principal", None) is None:  # no form is read for nobody
                        raise Unauthenticated(CREDENTIALS_REQUIRED)
                    await uploads.check(request, request.state.settings.limits)
                response = await self.run(request)
        except HTTPException as exc:
            response = self.error_response(request, exc)
        except Unauthenticated as exc:
            response = JSONResponse(error_body(exc), status_code=401,
                                    headers={"WWW-Authenticate": 'Bearer realm="hub"'},
                                    media_type=response_media_type(request.headers.get("accept")))
        except HubError as exc:  # refused before it ran: bad texts, persisted queries, the allow-list
            response = refusal(exc, response_media_type(request.headers.get("accept")))
        finally:
            context = getattr(request.state, "context", None)
            if context is not None:  # the answer is built: what the request loaded can go now
                context.loaders.close()
            turn = getattr(request.state, "turn", None)
            if turn is not None:  # and the next one may execute
                turn.release()
        await response(scope, receive, send)

    async def answer(self, request: Request, result: ExecutionResult) -> Response:
        """The response to a result executed without strawberry's view (hub.http.prepared): as the view
        gives it; one without errors straight (what process_result and create_response then come to)."""
        if not result.errors:
            return Response(self.encode_json({"data": result.data}),
                            media_type=response_media_type(request.headers.get("accept")))
        return self.create_response(await self.process_result(request, result), await self.get_sub_response(request))

    def error_response(self, request: Request, exc: HTTPException) -> Response:
        """A request strawberry refused, as a GraphQL-shaped JSON body (clients parse one shape)."""
        status, headers = exc.status_code, {}
        if request.method == "GET" and isinstance(exc.__cause__, InvalidOperationTypeError):
            status, headers = 405, {"Allow": "POST"}  # the spec: mutations only over POST
        elif status == 405:
            headers = {"Allow": "GET, POST"}
        error: dict[str, Any] = {"message": exc.reason}
        if status == 413:  # an uploaded file over HUB_UPLOAD_MAX_BYTES: the body limit's code
            error["extensions"] = {"code": "LIMIT_EXCEEDED"}
        return JSONResponse({"errors": [error]}, status_code=status, headers=headers,
                            media_type=response_media_type(request.headers.get("accept")))

    @cached_property
    def persisted(self) -> PersistedQueries:
        return PersistedQueries()

    def should_render_graphql_ide(self, request: Any) -> bool:
        # The middleware's rule, so that what it lets through without credentials is only the page.
        # Only a GET can ask for it: a POST's query string is not parsed for nothing (~5 µs a request).
        return request.method == "GET" and graphiql.asks_for_page(request.method, request.query_params,
                                                                   request.headers.get("accept", ""))

    async def execute_operation(self, request: Request, request_adapter: AsyncHTTPRequestAdapter,
                                request_data: GraphQLRequestData | list[GraphQLRequestData], context: Context,
                                root_value: None, sub_response: Response) -> Any:
        state, schema = request.state, graphql_schema(self.schema)
        if getattr(state, "principal", None) is None:
            # Only a request the middleware let through as the IDE page has none; it runs nothing.
            raise Unauthenticated(CREDENTIALS_REQUIRED)
        if isinstance(request_data, list):
            request_data = [await self.persisted.resolve(d, state.store, state.settings, schema) for d in request_data]
        else:
            request_data = await self.persisted.resolve(request_data, state.store, state.settings, schema)
        named = OPERATION_NAMED.set(isinstance(request_data, list) or request_data.operation_name is not None)
        try:
            return await super().execute_operation(request=request, request_adapter=request_adapter,
                                                   request_data=request_data, context=context, root_value=root_value,
                                                   sub_response=sub_response)
        finally:
            OPERATION_NAMED.reset(named)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            parsed = super().parse_json(data)
        except UnicodeDecodeError:  # a ValueError, not the JSONDecodeError strawberry turns into a 400
            raise HTTPException(400, "The request body is not valid UTF-8 (RFC 8259: JSON is UTF-8)") from None
        except RecursionError:  # the standard library's reader recurses once per level: a 500 before
            raise HTTPException(400, "The request body nests its JSON too deep to read") from None
        # strawberry would fail on `"text"` or `1` with an AttributeError, i.e. a 500.
        if not isinstance(parsed, (dict, list)):
            raise HTTPException(400, "Expected a JSON object")
        return parsed

    async def parse_http_body(
            self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            media = _media_type(request.content_type or "")
            if media != JSON and not (media == uploads.MULTIPART and self.multipart_uploads_enabled):
                raise HTTPException(415, f"Unsupported Content-Type {media!r}: send {JSON}")
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item.operation_name, (str, type(None))):
                raise HTTPException(400, "The GraphQL operation's `operationName` must be a string or null.")
            refused = request_texts.refusal(item.query, item.operation_name, item.variables, item.extensions)
            if refused is not None:
                raise refused
        return data

    async def get_sub_response(self, request: Request | Any) -> Response:
        sub_response = await super().get_sub_response(request)
        # create_response does not see the request: the negotiated media type travels here.
        sub_response.media_type = response_media_type(request.headers.get("accept"))
        return sub_response

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        if result.errors:
            # The schema's MaskErrors does not see errors raised around execution (in an
            # extension, say); they reach here unmasked.
            result.errors = [mask(e) if should_mask(e) else e for e in result.errors]
        body = process_result(result)
        if is_request_error(result):
            body.pop("data", None)  # GraphQL spec: no `data` when execution never started
        return body

    def create_response(self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
                        sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        media = sub_response.media_type or JSON
        response.headers["content-type"] = media
        never_ran = isinstance(response_data, dict) and "data" not in response_data
        if media == GRAPHQL_RESPONSE and sub_response.status_code is None and never_ran:
            # No data: the request could not be executed. A client mistake is a 400; an
            # unexpected (masked, request-id carrying) failure is the server's, a 500.
            errors: list[Any] = response_data.get("errors") or []
            unexpected = any("requestId" in (e.get("extensions") or {}) for e in errors)
            response.status_code = 500 if unexpected else 400
        if never_ran and isinstance(response_data, dict) and any(
                (e.get("extensions") or {}).get("code") == "LIMIT_EXCEEDED"
                for e in response_data.get("errors") or [] if isinstance(e, dict)):
            # a query over a limit (hub.execution.limits) never ran: 400 under both media types
            response.status_code = 400
        if self.store_down(response_data):
            # Every error is the store being unreachable: the service is, for now, unavailable
            # (both media types; the supervisor or the operator brings it back).
            response.status_code = 503
            response.headers["retry-after"] = "1"
        return response

    @staticmethod
    def store_down(response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> bool:
        """True when there are errors and every one is STORE_UNAVAILABLE."""
        items = response_data if isinstance(response_data, list) else [response_data]
        codes = [(e.get("extensions") or {}).get("code") for item in items for e in item.get("errors") or []
                 if isinstance(e, dict)]
        return bool(codes) and all(code == "STORE_UNAVAILABLE" for code in codes)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql.page(request.scope.get("root_path", "")))
