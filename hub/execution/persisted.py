"""Persisted queries at the HTTP edge: Apollo's automatic persisted queries (APQ) and the allow-list.

APQ (github.com/apollographql/apollo-link-persisted-queries#protocol): a request carries
``extensions.persistedQuery = {"version": 1, "sha256Hash": <hex>}``, over POST or GET (then
``extensions`` is a JSON query parameter). Without ``query`` the hash is looked up: an unknown one
answers the GraphQL error ``PersistedQueryNotFound`` (code PERSISTED_QUERY_NOT_FOUND, HTTP 200, so
Apollo clients send the query again with it). With ``query`` the hash must be the text's sha256
(400 otherwise); the text is kept and runs.

What the store keeps for APQ is bounded: only texts within the body limit (HUB_MAX_BODY_BYTES; a GET
has no body), that parse within the token limit (HUB_MAX_TOKENS) and validate against the schema,
and at most ``graph_model.persisted.AUTOMATIC_MOST`` of them. A text that does not qualify still
runs (and fails the way it would without APQ); it is just not kept.

Allow-list mode (HUB_ALLOWLIST): only operations registered by ``hub operations register`` run,
named by their hash or sent as a text whose hash is registered; anything else, and any APQ
registration of a new text, is refused with OPERATION_NOT_ALLOWED (HTTP 400).

Texts are looked up through a bounded LRU (one per app) in front of the ``:PersistedQuery`` nodes.
An unregistered entry is never trusted for the allow-list: a registration made since (by the
command, in another process) is read from the store.
"""

from __future__ import annotations

import dataclasses
import re
from collections import OrderedDict
from typing import Any

from graphql import GraphQLError, GraphQLSchema, OperationDefinitionNode, parse, validate
from starlette.responses import JSONResponse
from strawberry.http import GraphQLRequestData

from graph_model import persisted
from graph_model.errors import (
    FieldError,
    HubError,
    OperationNotAllowed,
    PersistedQueryNotFound,
    StoreUnavailable,
    ValidationFailed,
)
from graph_model.persisted import HASH, PersistedQuery, sha256_hex
from graph_model.stores.base import GraphStore
from hub.settings import Settings

# Texts kept in memory per app: the hub's clients send the ~90 operations of hub_client.
CACHE_SIZE = 1024
# HTTP status of each refusal made while reading a request (the APQ convention for a miss is 200).
STATUS = {PersistedQueryNotFound.code: 200, OperationNotAllowed.code: 400, StoreUnavailable.code: 503}
REGISTER_HINT = "only operations registered with `hub operations register` run (HUB_ALLOWLIST is on)"
_NAMED = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")


def _hash(extension: Any) -> str:
    """The sha256 hex an APQ extension names; ValidationFailed for any other shape."""
    if not isinstance(extension, dict) or extension.get("version") != 1:
        raise ValidationFailed("unsupported persisted query", [FieldError(
            "extensions.persistedQuery", 'expected {"version": 1, "sha256Hash": "<64 hex digits>"}')])
    key = extension.get("sha256Hash")
    if not isinstance(key, str) or not HASH.fullmatch(key):
        raise ValidationFailed("unsupported persisted query", [FieldError(
            "extensions.persistedQuery.sha256Hash", "must be 64 lowercase hex digits (sha256 of the query)")])
    return key


def _not_allowed(name: str | None, key: str, why: str = "is not registered") -> OperationNotAllowed:
    return OperationNotAllowed(f"operation {name or '(unnamed)'} (sha256 {key[:12]}…) {why}: {REGISTER_HINT}")


class PersistedQueries:
    """Resolves the persisted-query part of GraphQL requests; one per app (hub.http.HubGraphQL)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._cache: OrderedDict[str, PersistedQuery] = OrderedDict()

    def _keep(self, query: PersistedQuery) -> None:
        self._cache[query.key] = query
        self._cache.move_to_end(query.key)
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)

    async def get(self, store: GraphStore, key: str, *, registered: bool = False) -> PersistedQuery | None:
        """The text under ``key``; ``registered``: only a registered one counts, so an unregistered
        cached entry is read again (it may have been registered since)."""
        found = self._cache.get(key)
        if found is not None and (found.registered or not registered):
            self._cache.move_to_end(key)
            return found
        found = await persisted.lookup(store, key)
        if found is not None:
            self._keep(found)
        return found

    async def resolve(self, data: GraphQLRequestData, store: GraphStore, settings: Settings,
                      schema: GraphQLSchema) -> GraphQLRequestData:
        """The request with its query text filled in; raises the HubError to answer instead."""
        extension = (data.extensions or {}).get("persistedQuery")
        if extension is None:
            if settings.allowlist and data.query is not None:
                await self._allowed(store, sha256_hex(data.query), data.operation_name, data.query)
            return data
        key = _hash(extension)
        if data.query is None:
            found = await self.get(store, key, registered=settings.allowlist)
            if settings.allowlist and (found is None or not found.registered):
                raise _not_allowed(data.operation_name, key)
            if found is None:
                raise PersistedQueryNotFound("PersistedQueryNotFound")
            return dataclasses.replace(data, query=found.text)
        persisted.check(key, data.query)
        if settings.allowlist:
            await self._allowed(store, key, data.operation_name, data.query,
                                why="is not registered, and registering operations by persisted query is off")
        elif key not in self._cache:
            name = admit(data.query, data.operation_name, settings, schema)
            if name is not None:
                await persisted.remember(store, data.query, name)
                self._keep(PersistedQuery(key, data.query, name, registered=False))
        return data

    async def _allowed(self, store: GraphStore, key: str, name: str | None, text: str,
                       why: str = "is not registered") -> None:
        found = await self.get(store, key, registered=True)
        if found is None or not found.registered:
            named = _NAMED.search(text)  # the request's operationName is optional
            raise _not_allowed(name or (named.group(1) if named else None), key, why)


def admit(text: str, operation_name: str | None, settings: Settings, schema: GraphQLSchema) -> str | None:
    """The operation's name ("" for none) when APQ may keep ``text``: it fits the body limit,
    parses within the token limit and validates; None when it does not qualify."""
    if len(text.encode()) > settings.limits.body_bytes:
        return None
    try:
        document = parse(text, max_tokens=settings.limits.tokens)
    except GraphQLError:
        return None
    if validate(schema, document):
        return None
    names = [d.name.value for d in document.definitions if isinstance(d, OperationDefinitionNode) and d.name]
    return operation_name if operation_name in names else (names[0] if len(names) == 1 else "")


def refusal(error: HubError, media_type: str) -> JSONResponse:
    """A request refused before it ran, as a GraphQL error body with the status ``STATUS`` gives
    (400 for what else a client got wrong, such as a hash that is not its text's)."""
    extensions: dict[str, Any] = {"code": error.code}
    if error.errors:
        extensions["fields"] = [{"field": e.field, "message": e.message} for e in error.errors]
    return JSONResponse({"errors": [{"message": error.message, "extensions": extensions}]},
                        status_code=STATUS.get(error.code, 400), media_type=media_type)
