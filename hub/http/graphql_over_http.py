"""GraphQL over HTTP (graphql.github.io/graphql-over-http): what strawberry's ASGI view leaves out.

strawberry already does: POST application/json and GET (queries only), 400 on malformed JSON, on a
missing or empty ``query`` and on non-object ``variables``/``extensions``, GraphiQL on GET with
Accept text/html. Added here: the ``application/graphql-response+json`` media type with its status
codes, 405 + ``Allow`` (a mutation over GET, other methods), 415 for other request media types, 400
for a body that is not a JSON object or a non-string ``operationName``, JSON error bodies, the
offline GraphiQL page, and a last masking pass for unexpected errors that escaped the schema's.
Persisted queries (APQ) and the allow-list resolve the query text before it runs (hub.execution.persisted)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.types import ExecutionResult

from graph_model.errors import HubError
from hub.http import graphiql
from hub.execution.context import Context
from hub.execution.persisted import PersistedQueries, refusal
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


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


class HubGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI view with the conventions above; one per app, the context per request.
    Several of the methods overridden are not documented hooks: hub.strawberry_compat.VIEW_HOOKS
    lists them, and its test checks strawberry still has them with these parameters."""

    async def get_context(self, request: Any, response: Any = None) -> Context:
        state = request.state
        return Context(store=state.store, cache=getattr(state, "cache", None),
                       principal=getattr(state, "principal", None), settings=state.settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            response = self.error_response(request, exc)
        except HubError as exc:  # refused before it ran: persisted queries, the allow-list
            response = refusal(exc, response_media_type(request.headers.get("accept")))
        await response(scope, receive, send)

    def error_response(self, request: Request, exc: HTTPException) -> Response:
        """A request strawberry refused, as a GraphQL-shaped JSON body (clients parse one shape)."""
        status, headers = exc.status_code, {}
        if request.method == "GET" and isinstance(exc.__cause__, InvalidOperationTypeError):
            status, headers = 405, {"Allow": "POST"}  # the spec: mutations only over POST
        elif status == 405:
            headers = {"Allow": "GET, POST"}
        return JSONResponse({"errors": [{"message": exc.reason}]}, status_code=status, headers=headers,
                            media_type=response_media_type(request.headers.get("accept")))

    @cached_property
    def persisted(self) -> PersistedQueries:
        return PersistedQueries()

    def should_render_graphql_ide(self, request: Any) -> bool:
        # An APQ GET names its query by hash only; it asks for a result, not for the IDE.
        return super().should_render_graphql_ide(request) and "extensions" not in request.query_params

    async def execute_operation(self, request: Request, request_adapter: AsyncHTTPRequestAdapter,
                                request_data: GraphQLRequestData | list[GraphQLRequestData], context: Context,
                                root_value: None, sub_response: Response) -> Any:
        state, schema = request.state, graphql_schema(self.schema)
        if isinstance(request_data, list):
            request_data = [await self.persisted.resolve(d, state.store, state.settings, schema) for d in request_data]
        else:
            request_data = await self.persisted.resolve(request_data, state.store, state.settings, schema)
        return await super().execute_operation(request=request, request_adapter=request_adapter,
                                               request_data=request_data, context=context, root_value=root_value,
                                               sub_response=sub_response)

    def parse_json(self, data: str | bytes) -> Any:
        parsed = super().parse_json(data)
        # strawberry would fail on `"text"` or `1` with an AttributeError, i.e. a 500.
        if not isinstance(parsed, (dict, list)):
            raise HTTPException(400, "Expected a JSON object")
        return parsed

    async def parse_http_body(
            self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            media, _ = parse_content_type(request.content_type or "")
            if media != JSON:
                raise HTTPException(415, f"Unsupported Content-Type {media!r}: send {JSON}")
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item.operation_name, (str, type(None))):
                raise HTTPException(400, "The GraphQL operation's `operationName` must be a string or null.")
            if _holds_nul(item.query) or _holds_nul(item.variables):
                # No text the hub keeps may hold one (FalkorDB cannot take it as a parameter).
                raise HTTPException(400, "The request holds a NUL character (U+0000), which no value may contain.")
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
