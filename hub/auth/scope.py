"""Province scope of mutations: an editor of Khuzestan cannot change Markazi, nor anything national.

A province-scoped key may touch a record only if the record lies in its provinces, all of them
(graph_model.provinces_of says where each record lies). Every record a mutation's arguments name
is checked: the record it changes (``key``), the records it attaches to or detaches from
(``county``, ``donor``, ``person``, ``input.organiserInstitutions``...), each as declared on the
mutation itself (hub.auth.access; tests/test_scope_arguments.py proves every argument naming a
record is declared). A record lying in no province (a national council, a person on no council,
a donor based nowhere) is out of reach of every scoped key. National catalogue entries (services,
target groups, licence types) may be named as what is offered or permitted, never changed (their
own mutations need the ADMIN right, which no scoped key carries, and their ``key`` is checked like
any record's: they lie in no province). A record created must be placed in one of the key's
provinces, and an update may not empty every place link (a scoped key may not move a record out
of every province). A key that names nothing is left for the operation to report (NOT_FOUND).
Unscoped keys skip all this with no store work.
"""

from __future__ import annotations

from typing import Any

from graph_model.enums import Label
from graph_model.errors import Forbidden
from graph_model.provinces_of import provinces_of
from graph_model.stores.base import GraphStore
from hub.auth.access import NEW, Access, Target, values_at
from hub.auth.principal import Principal

CATALOGUES = frozenset({Label.SERVICE, Label.TARGET_GROUP, Label.LICENCE_TYPE, Label.FRAMEWORK, Label.CRITERION})
CHANGED = "key"  # the argument naming the record a mutation changes


def checked(access: Access) -> dict[str, Target]:
    """The paths of ``access`` whose records a scoped key must hold: all but new keys and
    catalogue entries named as references."""
    return {path: label for path, label in access.keys.items()
            if label != NEW and (path == CHANGED or label not in CATALOGUES)}


def named(access: Access, arguments: dict[str, Any]) -> dict[Target, set[str]]:
    """The records a mutation's arguments name that a scoped key must hold, by label."""
    wanted: dict[Target, set[str]] = {}
    for path, label in checked(access).items():
        given = values_at(arguments, path)
        if given:
            wanted.setdefault(label, set()).update(given)
    return wanted


def _placed(access: Access, arguments: dict[str, Any]) -> bool:
    """Whether the record created or updated still lies somewhere after the write, as far as the
    arguments tell: a create names a place, an update that gives place links gives one non-empty."""
    given = [values_at(arguments, path) for path in access.places]
    if access.creates:
        return any(given)
    present = [g for g in given if g is not None]
    return not present or any(present)


async def check(store: GraphStore, principal: Principal | None, access: Access, mutation: str,
                arguments: dict[str, Any]) -> None:
    """Refuse (Forbidden) a mutation by a scoped key that reaches outside its provinces."""
    if principal is None or not principal.scoped:
        return
    scope = ", ".join(sorted(principal.provinces))
    refused = f"this key may change records in {scope} only; `{mutation}`"
    if access.creates and not access.places:
        raise Forbidden(f"{refused} creates a record that lies in no province")
    if not _placed(access, arguments):
        raise Forbidden(f"{refused} must place the record in one of them")
    wanted = named(access, arguments)
    found = await provinces_of(store, wanted) if wanted else {}
    for (label, key), provinces in sorted(found.items(), key=lambda item: (str(item[0][0]), item[0][1])):
        if principal.may_change(provinces) and provinces:
            continue
        kind = label.value if isinstance(label, Label) else label
        inside = sorted(p for p in provinces if p is not None)
        if not inside:
            raise Forbidden(f"{refused} reaches {kind} {key}, which lies in no province")
        outside = ", ".join(sorted(p or "no province" for p in provinces if p not in principal.provinces))
        raise Forbidden(f"{refused} reaches {kind} {key} in {outside}")
