"""Institution binding: an institution key acts for its own institution only.

An INSTITUTION key (``Principal.institution`` set; hub.auth.authenticate, graph_model.api_keys)
holds READ and SELF_ASSESS only, so every mutation that needs another right is refused it by the
policy as for any role without that right. The few open to SELF_ASSESS (recording a
self-assessment, moving a corrective action) are checked here, before they run, against what
their declaration says (hub.auth.access): every record their arguments name, of a label that
belongs to an institution (graph_model.institution_of), must belong to the key's own; and the
values the declaration's ``own`` pins (a self-assessment's level SELF, assessor kind INSTITUTION)
must be given as pinned. A key that names nothing is left for the operation to report (NOT_FOUND).
Callers with ASSESS or WRITE are not bound (their province scope is hub.auth.scope's).
"""

from __future__ import annotations

from typing import Any

from graph_model.enums import Label
from graph_model.errors import Forbidden
from graph_model.institution_of import BOUND, institutions_of
from graph_model.stores.base import GraphStore
from hub.auth.access import NEW, Access, values_at
from hub.auth.principal import Principal, Right

UNBOUND = frozenset({Right.ASSESS, Right.WRITE})  # rights that act beyond one institution


def self_only(principal: Principal | None) -> bool:
    """Whether ``principal`` acts for its own institution only."""
    return principal is not None and principal.institution is not None and not principal.has_any(UNBOUND)


def _given(arguments: dict[str, Any], path: str) -> str | None:
    value: Any = arguments
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    value = getattr(value, "value", value)
    return None if value is None else str(value)


async def check(store: GraphStore, principal: Principal | None, access: Access, mutation: str,
                arguments: dict[str, Any]) -> None:
    """Refuse (Forbidden) a mutation by an institution key that reaches beyond its institution."""
    if not self_only(principal):
        return
    assert principal is not None and principal.institution is not None
    own = principal.institution
    refused = f"this key acts for institution {own} only; `{mutation}`"
    for path, pinned in access.own.items():
        given = _given(arguments, path)
        if given != pinned:
            raise Forbidden(f"{refused} must give {path} {pinned}, not {given or 'nothing'}")
    if not any(label in BOUND for label in access.keys.values()):
        raise Forbidden(f"{refused} names no record of an institution")  # deny by default
    wanted: dict[Label, set[str]] = {}
    for path, label in access.keys.items():
        if label == NEW or not isinstance(label, Label):
            continue
        if label not in BOUND:
            continue
        given_keys = values_at(arguments, path)
        if given_keys:
            wanted.setdefault(label, set()).update(given_keys)
    found = await institutions_of(store, wanted) if wanted else {}
    for (label, key), institutions in sorted(found.items(), key=lambda item: (item[0][0].value, item[0][1])):
        if institutions != {own}:
            raise Forbidden(f"{refused} reaches {label.value} {key}, which is not its institution's")
