"""The access policy: which right each root field needs, checked before the field resolves.

Each root field of Query and Mutation declares its right on itself (hub.auth.access: a field
extension carrying the declaration), and ``table`` generates the policy table from those
declarations; a field without one is refused to everyone (deny by default; tests/test_roles.py
fails when a field has none). Nested fields are reached only through an allowed root field, and
what they show of donors is narrowed where it is read, by the request's visibility
(hub.auth.visibility). Mutations by a province-scoped key are checked against the provinces of the
records their declared arguments name (hub.auth.scope), those by an institution key against its
institution (hub.auth.bound), and every mutation, allowed or refused,
is written to the audit log (graph_model.audit).
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
from hub.auth import bound, scope
from hub.auth.access import Access, access_of
from hub.auth.authenticate import CREDENTIALS_REQUIRED
from hub.auth.principal import Principal, Right

log = logging.getLogger("hub")

Table = dict[tuple[str, str], Access | None]  # (operation, root field) -> its declaration (None: refused)


def table(schema: strawberry.Schema) -> Table:
    """The policy table of ``schema``, generated from the declarations on its root fields."""
    graphql_schema = compat.graphql_schema(schema)
    found: Table = {}
    for operation, root in (("query", graphql_schema.query_type), ("mutation", graphql_schema.mutation_type)):
        for name, field in (root.fields.items() if root else ()):
            found[(operation, name)] = access_of(compat.strawberry_field(field))
    return found


def require(principal: Principal | None, right: Right, what: str, also: frozenset[Right] = frozenset()) -> Principal:
    """``principal`` when it holds ``right`` (or one of ``also``); else UNAUTHENTICATED (none) or FORBIDDEN."""
    if principal is None:
        raise Unauthenticated(CREDENTIALS_REQUIRED)
    if not principal.has(right) and not principal.has_any(also):
        needs = " or ".join(r.value for r in sorted({right, *also}, key=lambda r: list(Right).index(r)))
        raise Forbidden(f"the {principal.role.value} role may not use {what} (it needs the {needs} right)")
    return principal


def check(principal: Principal | None, access: Access | None, field: str) -> Access:
    """``access`` when ``principal`` may use the field it is declared on; else the refusal."""
    if access is None:
        if principal is None:
            raise Unauthenticated(CREDENTIALS_REQUIRED)
        raise Forbidden(f"`{field}` is not open to any role")
    require(principal, access.right, f"`{field}`", access.rights)
    return access


def _guard(operation: str, name: str, field: GraphQLField, access: Access | None) -> None:
    resolve = field.resolve
    assert resolve is not None

    @functools.wraps(resolve)
    def guarded(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        if operation != "mutation":
            check(info.context.principal, access, name)
            return resolve(root, info, **kwargs)
        return _mutate(resolve, root, info, name, access, kwargs)

    field.resolve = guarded


async def _mutate(resolve: Callable[..., Any], root: Any, info: GraphQLResolveInfo, name: str,
                  access: Access | None, kwargs: dict[str, Any]) -> Any:
    """Check, run and audit one mutation. Refusals are audited too; the entry is written after
    the mutation's own transaction (a failure to write it is logged at ERROR, not hidden)."""
    context = info.context
    principal: Principal | None = context.principal
    result: Any = None
    error: BaseException | None = None
    try:
        allowed = check(principal, access, name)
        await scope.check(context.store, principal, allowed, name, kwargs)
        await bound.check(context.store, principal, allowed, name, kwargs)
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


def enforce(schema: strawberry.Schema) -> Table:
    """Wrap every root field's resolver of ``schema`` with the check its declaration describes (or
    the refusal of an undeclared field); the policy table it enforced."""
    policy = table(schema)
    graphql_schema = compat.graphql_schema(schema)
    for operation, root in (("query", graphql_schema.query_type), ("mutation", graphql_schema.mutation_type)):
        for name, field in (root.fields.items() if root else ()):
            _guard(operation, name, field, policy[(operation, name)])
    return policy
