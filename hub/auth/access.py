"""Access declared on each root field: the right it needs and, for a mutation, which of its arguments
name which records (its province scope).

A declaration is a strawberry field extension that takes no part in resolving (strawberry leaves
an extension without ``resolve`` out of the resolver chain); it is data, read when the schema is
built. hub.auth.policy generates the policy table from these declarations and wraps each root
field with the check they describe; hub.auth.scope checks a province-scoped key against the
records a mutation's declared arguments name. A root field without a declaration is refused to
everyone (deny by default), and tests/test_scope_arguments.py fails when a mutation has a String
argument or input field the declaration does not classify.

Paths are GraphQL names: ``key``, ``council``, ``input.county``, ``input.organiserInstitutions``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from strawberry.extensions.field_extension import FieldExtension

from graph_model.enums import Label
from hub.auth.principal import Right

NEW = "new"  # the path gives the key the record being created will get (no record to check)
Target = Label | str  # a label, graph_model.provinces_of.DONATION (a donation's key), or NEW


class Access(FieldExtension):
    """``right``: what the caller needs. For a mutation: ``keys`` maps each argument path naming a
    record to that record's label (``key``: the record changed); ``text`` lists the String paths
    that name no record (names, purposes, sources); ``creates``: it makes a record that must lie
    in the caller's provinces, placed by one of the ``places`` paths, which an update may not
    empty either (a scoped key may not move a record out of every province)."""

    def __init__(self, right: Right, *, keys: Mapping[str, Target] | None = None, text: Iterable[str] = (),
                 creates: bool = False, places: Iterable[str] = (), also: Iterable[Right] = (),
                 own: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.right = right
        # Rights that admit the caller as well as ``right`` (any one suffices): recording an assessment
        # is open to an assessor (ASSESS), an editor (WRITE) and an institution key (SELF_ASSESS, bound
        # to its own institution by hub.auth.bound).
        self.rights = frozenset({right, *also})
        # Values an institution key must give at these paths (hub.auth.bound): its assessments are SELF ones.
        self.own: dict[str, str] = dict(own or {})
        self.keys: dict[str, Target] = dict(keys or {})
        self.text = frozenset(text)
        self.creates = creates
        self.places = tuple(places)

    def __repr__(self) -> str:
        rights = "|".join(sorted(r.value for r in self.rights))
        return f"Access({rights}, keys={self.keys}, creates={self.creates})"


def requires(right: Right, *, also: Iterable[Right] = ()) -> Access:
    """The declaration of a query field: who may read it (``right`` or any of ``also``)."""
    return Access(right, also=also)


def mutates(right: Right, keys: Mapping[str, Target], *, text: Iterable[str] = (), creates: bool = False,
            places: Iterable[str] = (), also: Iterable[Right] = (), own: Mapping[str, str] | None = None) -> Access:
    """The declaration of a mutation: who may call it (``right`` or any of ``also``), the records its
    arguments name, and what an institution key must give (``own``: path -> value)."""
    return Access(right, keys=keys, text=text, creates=creates, places=places, also=also, own=own)


def access_of(field: Any) -> Access | None:
    """The declaration on a strawberry field, if any (None: refused to everyone)."""
    found = [e for e in getattr(field, "extensions", None) or () if isinstance(e, Access)]
    if len(found) > 1:
        raise TypeError(f"field {getattr(field, 'name', field)!r} declares its access twice")
    return found[0] if found else None


def values_at(arguments: Mapping[str, Any], path: str) -> tuple[str, ...] | None:
    """The keys given at ``path`` of a mutation's arguments (as graphql-core passes them: GraphQL
    names, input objects as dicts); None when the path is absent (not given at all)."""
    value: Any = arguments
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(v for v in value if isinstance(v, str))
    return ()

