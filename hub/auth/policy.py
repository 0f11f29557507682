"""The access policy: which right each root field needs, checked before the field resolves.

Every root field of Query and Mutation is listed here; a field missing from the tables is refused
to everyone (deny by default; tests/test_roles.py fails when a new field is not listed). Nested
fields are reached only through an allowed root field, and what they show of donors is narrowed
where it is read (hub.auth.privacy). Mutations by a province-scoped key are checked against the
provinces of the records they name (hub.auth.scope) and every mutation, allowed or refused, is
written to the audit log (graph_model.audit).
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLResolveInfo

from graph_model import audit
from graph_model.errors import Forbidden, Unauthenticated
from hub import strawberry_compat as compat
from hub.auth import scope
from hub.auth.authenticate import CREDENTIALS_REQUIRED
from hub.auth.principal import Principal, Right

log = logging.getLogger("hub")

READ_FIELDS = ("assessment assessments council councils counties counts county coverage donation donations donor "
               "donors event events institution institutions licence licenceType licenceTypes licences node nodes "
               "overview people person province provinces service services targetGroup targetGroups "
               "underservedAreas whoWhatWhere")
NETWORK_FIELDS = ("brokers communities connection donorOverlap donorSuggestions isolatedInstitutions network "
                  "networkProjection sharedDonors")
QUERY_RIGHTS: dict[str, Right] = {
    **{name: Right.READ for name in READ_FIELDS.split()},
    **{name: Right.NETWORKS for name in NETWORK_FIELDS.split()},
    "coverageWhatIf": Right.PLAN,
    "auditLog": Right.ADMIN,
}
# National catalogues and the provinces themselves: admins only. Planners' need figures: PLAN.
ADMIN_MUTATIONS = tuple(f"{verb}{entity}" for verb in ("create", "update", "delete")
                        for entity in ("Province", "County", "Service", "TargetGroup", "LicenceType"))


def mutation_right(name: str) -> Right:
    if name in ADMIN_MUTATIONS:
        return Right.ADMIN
    if name in ("setNeed", "removeNeed"):
        return Right.PLAN
    return Right.WRITE


def required(operation: str, field: str) -> Right | None:
    """The right a root field needs; None for a field the policy does not know (refused)."""
    if operation == "mutation":
        return mutation_right(field)
    return QUERY_RIGHTS.get(field)


def require(principal: Principal | None, right: Right, what: str) -> Principal:
    """``principal`` when it holds ``right``; else UNAUTHENTICATED (none) or FORBIDDEN."""
    if principal is None:
        raise Unauthenticated(CREDENTIALS_REQUIRED)
    if not principal.has(right):
        raise Forbidden(f"the {principal.role.value} role may not use {what} (it needs the {right.value} right)")
    return principal


def check(principal: Principal | None, operation: str, field: str) -> None:
    right = required(operation, field)
    if right is None:
        if principal is None:
            raise Unauthenticated(CREDENTIALS_REQUIRED)
        raise Forbidden(f"`{field}` is not open to any role")
    require(principal, right, f"`{field}`")


def _guard(operation: str, name: str, field: GraphQLField) -> None:
    resolve = field.resolve
    assert resolve is not None

    @functools.wraps(resolve)
    def guarded(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        if operation != "mutation":
            check(info.context.principal, operation, name)
            return resolve(root, info, **kwargs)
        return _mutate(resolve, root, info, name, kwargs)

    field.resolve = guarded


async def _mutate(resolve: Callable[..., Any], root: Any, info: GraphQLResolveInfo, name: str,
                  kwargs: dict[str, Any]) -> Any:
    """Check, run and audit one mutation. Refusals are audited too; the entry is written after
    the mutation's own transaction (a failure to write it is logged at ERROR, not hidden)."""
    context = info.context
    principal: Principal | None = context.principal
    result: Any = None
    error: BaseException | None = None
    try:
        check(principal, "mutation", name)
        await scope.check(context.store, principal, name, kwargs)
        result = resolve(root, info, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result
    except BaseException as exc:
        error = exc
        raise
    finally:
        await _audit(context.store, principal, name, kwargs, result, error)


async def _audit(store: Any, principal: Principal | None, name: str, kwargs: dict[str, Any], result: Any,
                 error: BaseException | None) -> None:
    try:
        await audit.record(store, principal, name, kwargs, result, error)
    except Exception:  # the mutation's answer stands; the gap is loud in the log
        log.exception("could not write the audit entry of %s by %s", name,
                      principal.subject if principal else "an unauthenticated caller")


def enforce(schema: strawberry.Schema) -> None:
    """Wrap every root field's resolver of ``schema`` with the check."""
    graphql_schema = compat.graphql_schema(schema)
    for operation, root in (("query", graphql_schema.query_type), ("mutation", graphql_schema.mutation_type)):
        for name, field in (root.fields.items() if root else ()):
            _guard(operation, name, field)
