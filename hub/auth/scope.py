"""Province scope of mutations: an editor of Khuzestan cannot change Markazi.

For a province-scoped key, a mutation is checked before it runs against the provinces of every
record it names: the record it changes (``key`` of update/delete/licence operations, by the
mutation's name) and the records it attaches to (``county``, ``province``, ``institution``,
``holder``, ``partner``, ``event``, ``council`` and their plural forms, at the top level or in
``input``). A record in a province outside the key's scope refuses the mutation with FORBIDDEN.
A record with no province (a person on no council) may be changed; a record that does not exist
is left for the operation to report (NOT_FOUND). A new record that would lie in no province of
the scope (a council or donor created without one) is refused too. Unscoped keys skip all this
with no store work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graph_model.enums import Label
from graph_model.errors import Forbidden
from graph_model.provinces_of import DONATION, provinces_of
from graph_model.stores.base import GraphStore
from hub.auth.principal import Principal

# Argument (or input field) name -> the label of the record it names.
NAMED: dict[str, Label] = {
    "county": Label.COUNTY, "counties": Label.COUNTY,
    "province": Label.PROVINCE, "provinces": Label.PROVINCE,
    "institution": Label.INSTITUTION, "holder": Label.INSTITUTION, "partner": Label.INSTITUTION,
    "organiserInstitutions": Label.INSTITUTION,
    "event": Label.EVENT,
    "council": Label.COUNCIL, "organiserCouncils": Label.COUNCIL,
}
_CHANGES_KEY = re.compile(r"(update|delete|renew|suspend|reinstate|revoke|activate)([A-Z]\w*)")
# Mutations that create a record which lies in some province: a scoped key must place it in one.
_PLACED = re.compile(r"(create(Institution|Event|Council|Donor|County|Assessment)|recordDonation|issueLicence)")


def _label_of_key(mutation: str) -> Label | str | None:
    m = _CHANGES_KEY.fullmatch(mutation)
    if m is None:
        return None
    entity = m.group(2)
    if entity == DONATION:
        return DONATION
    try:
        return Label(entity)
    except ValueError:
        return None


def _values(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        yield from (v for v in value if isinstance(v, str))


def named(mutation: str, arguments: dict[str, Any]) -> dict[Label | str, set[str]]:
    """The records a mutation's arguments name, by label."""
    wanted: dict[Label | str, set[str]] = {}
    label = _label_of_key(mutation)
    if label is not None and isinstance(arguments.get("key"), str):
        wanted.setdefault(label, set()).add(arguments["key"])
    fields = dict(arguments)
    if isinstance(arguments.get("input"), dict):
        fields.update(arguments["input"])
    for name, value in fields.items():
        if name in NAMED:
            wanted.setdefault(NAMED[name], set()).update(_values(value))
    return wanted


async def check(store: GraphStore, principal: Principal | None, mutation: str, arguments: dict[str, Any]) -> None:
    """Refuse (Forbidden) a mutation by a scoped key that reaches outside its provinces."""
    if principal is None or not principal.scoped:
        return
    wanted = named(mutation, arguments)
    found = await provinces_of(store, wanted) if wanted else {}
    scope = ", ".join(sorted(principal.provinces))
    for key, provinces in sorted(found.items()):
        if not principal.may_change(provinces):
            outside = ", ".join(sorted(provinces - principal.provinces))
            raise Forbidden(f"this key may change records in {scope} only; `{mutation}` reaches {key} in {outside}")
    if _PLACED.fullmatch(mutation) and not any(found.values()):
        raise Forbidden(f"this key may change records in {scope} only; `{mutation}` must place the new record "
                        "in one of them")
