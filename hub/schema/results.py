"""What a mutation returns: the object it wrote, or a typed error saying which input is wrong.

Every mutation's result is a union of its object type and the error types it can meet, so a
client selects `... on MutationError { code message fields { field message } }` once and
handles success and each expected failure without parsing messages. Only unexpected errors
(bugs, an unreachable store) travel in the response's `errors` list, masked and logged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from strawberry.relay import to_base64

from graph_model import errors as domain
from hub.schema import enums as e


@strawberry.type(name="FieldError", description="One input field that is wrong, and why.")
class FieldProblem:
    field: str = strawberry.field(description="The argument or input field, by its GraphQL name "
                                              "(e.g. `county`, `amount`, `key`).")
    message: str = strawberry.field(description="What is wrong with it.")


@strawberry.interface(description="An expected failure: nothing was written.")
class MutationError:
    code: str = strawberry.field(description="Stable code: VALIDATION_FAILED, NOT_FOUND, CONFLICT or "
                                             "INVALID_TRANSITION.")
    message: str = strawberry.field(description="What went wrong, in a sentence.")
    fields: list[FieldProblem] = strawberry.field(description="The input fields at fault (may be empty).")


@strawberry.type(description="The input breaks a rule: a missing or malformed value, a negative amount, a date "
                             "in the wrong order.")
class ValidationError(MutationError):
    pass


@strawberry.type(description="A key names nothing: an unknown county, donor, licence...")
class NotFoundError(MutationError):
    pass


@strawberry.type(description="The change contradicts the graph: a key already taken, or records that still "
                             "depend on what was to be deleted.")
class ConflictError(MutationError):
    pass


@strawberry.type(description="The licence's status does not allow this step (e.g. renewing a revoked licence).")
class InvalidTransitionError(MutationError):
    current_status: e.LicenceStatus | None = strawberry.field(
        description="The licence's status, which stayed as it was.")


@strawberry.type(description="What a delete removed.")
class Deleted:
    id: strawberry.ID = strawberry.field(description="The global id the object had.")
    key: str = strawberry.field(description="The key the object had.")
    type_name: str = strawberry.field(description="Its type, e.g. Institution.")


ERRORS = (ValidationError, NotFoundError, ConflictError)
Errors = ValidationError | NotFoundError | ConflictError  # ERRORS as a type, for result unions spelled out


def union_of(name: str, success: type) -> Any:
    """The ``strawberry.union`` naming a result union of ``success`` and the errors."""
    return strawberry.union(name, description=(
        f"The {success.__name__} written, or why nothing was: match `... on MutationError`."))


def result_union(name: str, success: type, *, transitions: bool = False) -> Any:
    """``success | ValidationError | NotFoundError | ConflictError`` (and InvalidTransitionError)."""
    members = (success, *ERRORS, *((InvalidTransitionError,) if transitions else ()))
    union: Any = members[0]
    for member in members[1:]:
        union = union | member
    return Annotated[union, union_of(name, success)]


DeleteResult = result_union("DeleteResult", Deleted)


def typed_error(exc: domain.HubError) -> MutationError:
    fields = [FieldProblem(field=f.field, message=f.message) for f in exc.errors]
    common: dict[str, Any] = {"code": exc.code, "message": exc.message, "fields": fields}
    if isinstance(exc, domain.InvalidTransition):
        return InvalidTransitionError(**common, current_status=e.LicenceStatus(exc.status) if exc.status else None)
    if isinstance(exc, domain.NotFound):
        return NotFoundError(**common)
    if isinstance(exc, domain.Conflict):
        return ConflictError(**common)
    if isinstance(exc, domain.ValidationFailed):
        return ValidationError(**common)
    raise exc  # StoreUnavailable, StoreError: not the caller's input; masked and logged


async def outcome(info: strawberry.Info, write: Awaitable[dict[str, Any]],
                  build: Callable[[dict[str, Any]], Any]) -> Any:
    """Run one domain write; the object it wrote, or the typed error of an expected failure."""
    try:
        row = await write
    except (domain.ValidationFailed, domain.NotFound, domain.Conflict) as exc:
        return typed_error(exc)
    # Anything loaded earlier in this operation may now be stale: later fields read afresh, as the
    # same caller (the result's links are read with the request's visibility, never as the system).
    info.context.loaders = info.context.loaders.fresh()
    return build(row)


def deleted(type_name: str, key: str) -> Deleted:
    return Deleted(id=strawberry.ID(to_base64(type_name, key)), key=key, type_name=type_name)
