"""API keys: made by ``hub keys create``, checked on every request by ``hub.auth.authenticate``.

A key is ``hub_<id>_<secret>``: 12 hex characters naming the key (its ``:ApiKey`` node, found
by that id in one indexed read) and a random secret of 32 bytes. Only the secret's sha256 is
stored, so the token is shown once, when the key is made, and a copy of the graph gives no one
a working key. A plain hash (not a slow password hash) is enough for 256 random bits, and keeps
the check on every request cheap. Revoking sets ``revokedAt``; keys are never deleted, so the
audit log's ``key:<id>`` subjects always name a key that can be listed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph_model import queries
from graph_model.enums import Label
from graph_model.errors import FieldError, NotFound, ValidationFailed
from graph_model.statements.api_keys import (API_KEY_BY_ID, CREATE_API_KEY, CREATE_INSTITUTION_KEY, LIST_API_KEYS,
                                             REVOKE_API_KEY)
from graph_model.stores.base import GraphStore

_TOKEN = re.compile(r"hub_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})")
PREFIX = "hub_"
# The roles a key may carry: hub.auth.principal.Role without "anonymous" (graph_model does not
# import hub; a test keeps the two in step).
ROLES = ("viewer", "planner", "council_member", "editor", "supervisor", "institution", "admin")
NOTE_MAX = 200
INSTITUTION_ROLE = "institution"


@dataclass(frozen=True)
class KeyRecord:
    key_id: str
    hash: str  # sha256 hex of the secret
    role: str
    provinces: tuple[str, ...]
    revoked: bool
    note: str = ""
    created_at: str = ""  # ISO 8601, UTC
    revoked_at: str | None = None
    institution: str | None = None  # an institution key's institution (hub.auth.bound); None for other roles


def parse(token: str) -> tuple[str, str] | None:
    """(id, secret) when ``token`` has the API key form ``hub_<12 hex>_<secret>``, else None."""
    m = _TOKEN.fullmatch(token)
    return (m.group(1), m.group(2)) if m else None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(record: KeyRecord, secret: str) -> bool:
    return hmac.compare_digest(record.hash, hash_secret(secret))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _record(row: dict[str, Any]) -> KeyRecord:
    return KeyRecord(key_id=row["key"], hash=row["hash"], role=row["role"], provinces=tuple(row["provinces"] or ()),
                     revoked=row["revokedAt"] is not None, note=row["note"] or "", created_at=row["createdAt"],
                     revoked_at=row["revokedAt"], institution=row.get("institution"))


async def _check(store: GraphStore, role: str, provinces: list[str], note: str, institution: str | None) -> None:
    errors: list[FieldError] = []
    if role not in ROLES:
        errors.append(FieldError("role", f"{role!r} is not one of {', '.join(ROLES)}"))
    # An institution key speaks for one institution and nothing else; no other role is bound to one.
    if role == INSTITUTION_ROLE and not institution:
        errors.append(FieldError("institution", "an institution key must name its institution (--institution KEY)"))
    elif role != INSTITUTION_ROLE and institution is not None:
        errors.append(FieldError("institution", f"only an institution key names an institution, not a {role} key"))
    elif institution is not None and not await queries.by_keys(store, Label.INSTITUTION, [institution]):
        errors.append(FieldError("institution", f"no institution has the key {institution!r}"))
    if provinces:
        found = await queries.by_keys(store, Label.PROVINCE, provinces)
        errors += [FieldError("provinces", f"no province has the code {code!r}")
                   for code in provinces if code not in found]
    if len(note) > NOTE_MAX:
        errors.append(FieldError("note", f"is {len(note)} characters long; at most {NOTE_MAX}"))
    if errors:
        raise ValidationFailed("the key was not created", errors)


async def create(store: GraphStore, role: str, provinces: list[str] | tuple[str, ...] = (),
                 note: str = "", institution: str | None = None) -> tuple[KeyRecord, str]:
    """Make a key; return its record and the token, which is not stored and cannot be shown again.

    ``provinces`` empty: the key is not narrowed to any province (see ``Principal.provinces``).
    ``institution``: the institution an institution key speaks for (required for that role, refused
    for every other)."""
    codes = list(dict.fromkeys(p.strip() for p in provinces))
    await _check(store, role, codes, note, institution)
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    if institution is None:
        await store.write(CREATE_API_KEY, key=key_id, hash=hash_secret(secret), role=role, provinces=codes,
                          note=note, createdAt=_now())
    else:
        await store.write(CREATE_INSTITUTION_KEY, key=key_id, hash=hash_secret(secret), role=role,
                          provinces=codes, note=note, createdAt=_now(), institution=institution)
    record = await lookup(store, key_id)
    if record is None:  # the write returns no rows (see graph_model.statements.api_keys): read it back
        raise NotFound(f"the API key {key_id} was not stored")
    return record, f"{PREFIX}{key_id}_{secret}"


async def lookup(store: GraphStore, key_id: str) -> KeyRecord | None:
    rows = await store.read(API_KEY_BY_ID, key=key_id)
    return _record(rows[0]) if rows else None


async def list_keys(store: GraphStore) -> list[KeyRecord]:
    """Every key, oldest first, revoked ones included."""
    return [_record(row) for row in await store.read(LIST_API_KEYS)]


async def revoke(store: GraphStore, key_id: str) -> KeyRecord:
    """Revoke a key (again is harmless: it keeps its first revocation time); unknown id: NotFound."""
    if await lookup(store, key_id) is None:
        raise NotFound(f"no API key has the id {key_id!r}; `hub keys list` shows them")
    await store.write(REVOKE_API_KEY, key=key_id, revokedAt=_now())
    record = await lookup(store, key_id)
    assert record is not None  # keys are never deleted
    return record
