"""Fields of supervision records shown only to those who may see them (hub.auth.visibility).

An assessment's findings, its criteria scores and corrective actions, and the complaints about an
institution are visible with SUPERVISE (supervisors, admins) or WRITE (editors), or to an
institution key for its own institution; to everyone else findings is null and the lists are
empty. Each field decides from the institution the record belongs to: an assessment's is read
through the ``assessment_institution`` link loader (batched), only for an institution key, the one
caller whose answer depends on it. Both execution paths call the same ``fast`` twins
(hub.execution.compiled), so they answer alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import strawberry

from graph_model import listing
from hub.schema.fields import nested_list, settled
from hub.schema.lists import connection

HIDDEN = " Shown only to supervisors, editors and admins, and to the institution itself; otherwise {}."
EMPTY = listing.Page(items=[], has_next=False, has_previous=False, total=0)


def _assessment_institution(root: Any, context: Any) -> Any:
    """The key of the institution ``root`` (an assessment) assesses, or an awaitable of it."""
    return settled(context.loaders.link("assessment_institution").load(root.key),
                   lambda row: row["key"] if row else None)


def _institution_itself(root: Any, context: Any) -> Any:
    return root.key


Owner = Callable[[Any, Any], Any]  # (root, context) -> the institution key (or an awaitable of it)


def _decide(root: Any, context: Any, owner: Owner, shown: Callable[[], Any], hidden: Any) -> Any:
    """``shown()`` when the caller may see ``root``'s supervision records, else ``hidden``."""
    visibility = context.visibility
    if visibility.supervises_all:
        return shown()
    if visibility.own_institution is None:
        return hidden
    institution = owner(root, context)
    if isinstance(institution, str) or institution is None:
        return shown() if visibility.supervises(institution) else hidden
    return _later(institution, visibility, shown, hidden)


async def _later(institution: Any, visibility: Any, shown: Callable[[], Any], hidden: Any) -> Any:
    if not visibility.supervises(await institution):
        return hidden
    value = shown()
    return await value if hasattr(value, "__await__") else value


def findings(description: str) -> Any:
    """An assessment's findings: the stored text (``findings_``), or null for a caller who may not see it."""
    def fast(root: Any, context: Any, kw: dict[str, Any]) -> Any:
        return _decide(root, context, _assessment_institution, lambda: root.findings_, None)

    def resolve(root: Any, info: strawberry.Info) -> Any:
        return fast(root, info.context, {})

    resolve.fast = fast  # type: ignore[attr-defined]  # hub.execution.compiled calls it without an info
    return strawberry.field(resolver=resolve, description=description + HIDDEN.format("null"))


def staff_only(attr: str, description: str) -> Any:
    """A stored value (``attr``) shown only to a caller who sees every institution's supervision
    records, null to everyone else: who changed a licence names an API key or a token's subject,
    which only the audit log's readers otherwise see."""
    def fast(root: Any, context: Any, kw: dict[str, Any]) -> Any:
        return getattr(root, attr) if context.visibility.supervises_all else None

    def resolve(root: Any, info: strawberry.Info) -> Any:
        return fast(root, info.context, {})

    resolve.fast = fast  # type: ignore[attr-defined]  # hub.execution.compiled calls it without an info
    return strawberry.field(resolver=resolve,
                            description=description + " Shown only to supervisors, editors and admins; otherwise null.")


def private_list(name: str, description: str, *, of_institution: bool = False) -> Any:
    """``nested_list(name)`` shown only to a caller who may see the records of the institution it sits
    under (``of_institution``: the object is the institution; else an assessment); empty otherwise.
    The page's prefetch loads only for a caller who sees every institution's records."""
    field = nested_list(name, description + HIDDEN.format("empty"))
    resolve = field.base_resolver.wrapped_func
    plain_fast, plain_prefetch = resolve.fast, resolve.prefetch
    owner = _institution_itself if of_institution else _assessment_institution
    def fast(root: Any, context: Any, kw: dict[str, Any]) -> Any:
        return _decide(root, context, owner, lambda: plain_fast(root, context, kw), connection(EMPTY, dict))

    async def nothing() -> list[Any]:
        return []

    def load(loaders: Any, rows: list[dict[str, Any]], kw: dict[str, Any]) -> Any:
        return plain_prefetch.load(loaders, rows, kw) if loaders.visibility.supervises_all else nothing()

    resolve.fast = fast
    resolve.prefetch = dataclasses.replace(plain_prefetch, load=load)  # its other parts kept
    return field
