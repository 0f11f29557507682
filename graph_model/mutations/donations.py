"""Record, change and delete a donation: a keyed relationship from a donor to an institution or event.

A donation's key is unique across both kinds (DONATED_TO and DONATED_TO_EVENT), so it is
addressed by key alone. Its donor and recipient are fixed once recorded: to move a
donation, delete it and record it again. Amounts are integer rials, never negative.
Each write of a gift to an institution changes the donation totals in the same statement
(graph_model.donation_totals).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph_model.donation_totals import totals_params
from graph_model.enums import Label, Rel
from graph_model.errors import Conflict, FieldError, NotFound
from graph_model.model import REL_FIELDS, field_errors
from graph_model.mutations.common import (
    Row,
    change_errors,
    check_refs,
    first_row,
    given,
    key_error,
    key_taken,
    new_key,
    one_of,
    plain_values,
    refuse,
    retrying,
)
from graph_model.statements.writes_relations import (
    DELETE_DONATION,
    DONATION_KEY_USED,
    RECORD_DONATION,
    UPDATE_DONATION,
)
from graph_model.stores.base import GraphStore

# The recipient input field of each donation type, and the label it names.
RECIPIENTS: dict[str, tuple[Rel, Label]] = {
    "institution": (Rel.DONATED_TO, Label.INSTITUTION),
    "event": (Rel.DONATED_TO_EVENT, Label.EVENT),
}
_FIELD_OF = {rel: field for field, (rel, _) in RECIPIENTS.items()}
# The endpoints are fixed and the key is the donation's identity.
_FIXED = ("key", "donor", *RECIPIENTS)


def _result(row: Row) -> Row:
    """The donation's properties plus its donor and recipient keys (``institution`` or ``event``)."""
    return {**row["rel"], "donor": row["donor"], _FIELD_OF[Rel(row["relType"])]: row["target"]}


def _not_found(key: str) -> NotFound:
    message = f"no donation with key {key!r}"
    return NotFound(message, [FieldError("key", message)])


async def record_donation(store: GraphStore, *, donor: str, amount: int, date: str,
                          institution: str | None = None, event: str | None = None,
                          purpose: str | None = None, key: str | None = None,
                          source: str | None = None) -> Row:
    """Record a gift from ``donor`` to an institution or an event (exactly one of them)."""
    field, target = one_of({"institution": institution, "event": event})
    rel, label = RECIPIENTS[field]
    key = new_key("don") if key is None else key
    props = given({"key": key, "amount": amount, "date": date, "purpose": purpose, "source": source})
    refuse("invalid donation", key_error("donor", donor) + key_error("key", key)
           + field_errors(props, REL_FIELDS[rel]))

    async def attempt() -> Row | None:
        try:
            stmt = RECORD_DONATION[rel]
            return await first_row(store, stmt, donor=donor, target=target, key=key, props=props,
                                   **totals_params(stmt.params))
        except Conflict as exc:
            raise key_taken("donation", key) from exc

    async def explain() -> None:
        await check_refs(store, [("donor", Label.DONOR, [donor]), (field, label, [target])])
        if await store.read(DONATION_KEY_USED, key=key):
            raise key_taken("donation", key)

    row = await retrying(attempt, explain)
    return {**row["rel"], "donor": donor, field: target}


async def update_donation(store: GraphStore, key: str, changes: Mapping[str, Any]) -> Row:
    """Change a donation's amount, date, purpose or source (None unsets the optional ones)."""
    props = plain_values(changes)
    errors = key_error("key", key) + [FieldError(n, "cannot be changed: delete the donation and record it again")
                                      for n in _FIXED if n in props]
    changed = {n: v for n, v in props.items() if n not in _FIXED}
    refuse(f"invalid change to donation {key!r}", errors + change_errors(changed, REL_FIELDS[Rel.DONATED_TO]))
    rows = await store.write(UPDATE_DONATION, key=key, props=changed, **totals_params(UPDATE_DONATION.params))
    if not rows:
        raise _not_found(key)
    return _result(rows[0])


async def delete_donation(store: GraphStore, key: str) -> Row:
    """Delete a donation; return what it was."""
    refuse("invalid donation key", key_error("key", key))
    rows = await store.write(DELETE_DONATION, key=key, **totals_params(DELETE_DONATION.params))
    if not rows:
        raise _not_found(key)
    return _result(rows[0])
