"""Schema extensions: the query limits and the per-key limit on concurrent analytics
(hub.execution.limits, hub.execution.concurrency), parser and validation caches, the
introspection switch, error codes in `extensions`, and masking and logging of unexpected errors."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from graphql import GraphQLError
from strawberry.relay import GlobalIDValueError
from strawberry.extensions import DisableIntrospection, MaskErrors, ParserCache, SchemaExtension, ValidationCache

from graph_model.errors import HubError, ValidationFailed
from hub.execution.concurrency import AnalyticsGate
from hub.execution.input_checks import InputChecks
from hub.execution.limits import QueryLimits
from hub.http.request_id import current_request_id, new_request_id
from hub.settings import Settings

log = logging.getLogger("hub")

MASKED_MESSAGE = "Unexpected error."
# Distinct operation texts kept parsed and validated. The hub's clients send a handful of
# checked-in operations; the bound keeps ad-hoc queries from growing memory without limit.
CACHE_SIZE = 512


def should_mask(error: GraphQLError) -> bool:
    """Mask only what a bug or an outage raised. HubErrors (and what hub_error reads as one) say what
    is wrong and are shown; so are syntax, validation and variable errors (no original exception, or
    a GraphQLError one), which describe the client's own request."""
    original = error.original_error
    return original is not None and not isinstance(original, (HubError, GraphQLError)) and hub_error(error) is None


def mask(error: GraphQLError) -> GraphQLError:
    """The masked twin of an unexpected error; logs the original with its traceback and the request
    id, and puts the same id in the error's `extensions.requestId` so the two can be matched."""
    request_id = current_request_id() or new_request_id()
    original = error.original_error
    where = ".".join(str(p) for p in error.path) if error.path else "(operation)"
    log.error("unexpected error at %s [request %s]: %r", where, request_id, original,
              exc_info=original, extra={"request_id": request_id})
    return GraphQLError(MASKED_MESSAGE, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=None, extensions={"requestId": request_id})


class MaskAndLogErrors(MaskErrors):
    """strawberry's MaskErrors, with the log line and request id of :func:`mask`. ``anonymise_error``
    is not a documented hook (hub.strawberry_compat.MASK_HOOK, tested there); nor is ``_process_result``
    (MASK_RESULT)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask, error_message=MASKED_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return mask(error)

    def _process_result(self, result: object) -> None:
        # MaskErrors' own tests the result against a runtime Protocol first (hub.strawberry_compat.MASK_RESULT).
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


def hub_error(error: GraphQLError) -> HubError | None:
    """The HubError behind a GraphQL error, also when graphql-core wrapped it (a bad variable)."""
    original = error.original_error
    while isinstance(original, GraphQLError):
        original = original.original_error
    if isinstance(original, GlobalIDValueError):
        # relay's node/nodes raise it for an id that is not base64 of `Type:key` of a Node type:
        # the client's mistake, not an unexpected error (found by tests/test_fuzz.py).
        return ValidationFailed(f"not a global id (base64 of `Type:key`): {original}")
    return original if isinstance(original, HubError) else None


class ErrorCodes(SchemaExtension):
    """Put the hub's error code (NOT_FOUND, VALIDATION_FAILED, ...) and field errors in `extensions`,
    for errors raised while executing and for input values a scalar refused (dates, amounts)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        add_codes((result.errors or []) if result else [])


def add_codes(errors: list[GraphQLError]) -> None:
    """:class:`ErrorCodes`' work on a result's errors (also done by hub.http.prepared)."""
    for error in errors:
        original = hub_error(error)
        if original is not None:
            error.extensions = {
                **(error.extensions or {}),
                "code": original.code,
                "fields": [{"field": e.field, "message": e.message} for e in original.errors],
            }


def extensions(settings: Settings, gate: AnalyticsGate | None = None
               ) -> list[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    """The extensions every schema the hub builds runs with, in order. Factories, because strawberry
    builds the extensions afresh per operation; the caches themselves are shared (keyed by size).
    ``gate``: the app's count of running analytics (hub.app shares it with the CSV exports); a new
    one when none is given."""
    gate = gate or AnalyticsGate(settings.limits.concurrent_analytics)
    return [
        # values no field may take (hub.execution.input_checks): before the limits measure the
        # document, so an out-of-range number is VALIDATION_FAILED whichever argument holds it
        InputChecks,
        # first to parse: it counts tokens before the parser cache parses
        lambda: QueryLimits(settings.limits, gate=gate),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        # HUB_INTROSPECTION (off in production): __schema and __type fail validation, __typename stays.
        *([] if settings.introspection_on else [DisableIntrospection]),
        ErrorCodes,
        MaskAndLogErrors,
    ]
