"""Persisted queries: operation texts kept in the graph under the sha256 of their exact text.

Two ways in: ``hub operations register`` registers the generated client's operations (the
allow-list runs only those), and automatic persisted queries (Apollo's APQ protocol, served by
``hub.execution.persisted``) keep the texts clients send with their hash, so later requests may send the
hash alone. Texts kept the automatic way are bounded in number (``AUTOMATIC_MOST``); which texts
qualify (they parse, validate and fit the body limit) is the HTTP layer's call, since only it
knows GraphQL.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph_model.errors import FieldError, ValidationFailed
from graph_model.statements.persisted import (
    PERSISTED_QUERIES_BY_KEYS,
    PERSISTED_QUERY_BY_KEY,
    REGISTER_PERSISTED_QUERY,
    REMEMBER_PERSISTED_QUERY,
)
from graph_model.stores.base import GraphStore

HASH = re.compile(r"[0-9a-f]{64}")
# Texts kept by automatic persisted queries, at most; past it a text still runs, it is just not
# kept (its client keeps sending it in full after each miss).
AUTOMATIC_MOST = 10_000


@dataclass(frozen=True)
class PersistedQuery:
    key: str  # sha256 hex of ``text``
    text: str
    name: str  # the operation's name ("" when it has none)
    registered: bool  # registered by `hub operations register` (allowed in allow-list mode)
    created_at: str = ""  # ISO 8601, UTC


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _query(row: dict[str, Any]) -> PersistedQuery:
    return PersistedQuery(key=row["key"], text=row["text"], name=row["name"] or "",
                          registered=bool(row["registered"]), created_at=row["createdAt"] or "")


def check(key: str, text: str) -> None:
    """ValidationFailed unless ``key`` is the sha256 of ``text`` (a client's claim about its text)."""
    if sha256_hex(text) != key:
        raise ValidationFailed("the persisted query's hash does not match its text",
                               [FieldError("sha256Hash", f"{key[:12]}… is not the sha256 of the query text")])


async def lookup(store: GraphStore, key: str) -> PersistedQuery | None:
    rows = await store.read(PERSISTED_QUERY_BY_KEY, key=key)
    return _query(rows[0]) if rows else None


async def lookup_many(store: GraphStore, keys: Iterable[str]) -> dict[str, PersistedQuery]:
    rows = await store.read(PERSISTED_QUERIES_BY_KEYS, keys=list(dict.fromkeys(keys)))
    return {row["key"]: _query(row) for row in rows}


async def remember(store: GraphStore, text: str, name: str = "", *, most: int = AUTOMATIC_MOST) -> None:
    """Keep a client's text, unregistered, unless it is kept already or ``most`` unregistered
    texts are (idempotent: a second call writes nothing)."""
    await store.write(REMEMBER_PERSISTED_QUERY, key=sha256_hex(text), text=text, name=name, createdAt=_now(),
                      most=most)


async def register(store: GraphStore, operations: Iterable[tuple[str, str]]) -> list[tuple[PersistedQuery, bool]]:
    """Register (name, text) operations for the allow-list; each comes back with True when it was
    not registered before (a text a client had stored through APQ becomes registered). Running it
    again writes nothing."""
    wanted = {sha256_hex(text): (name, text) for name, text in operations}
    before = await lookup_many(store, wanted)
    done: list[tuple[PersistedQuery, bool]] = []
    for key, (name, text) in wanted.items():
        known = before.get(key)
        if known is not None and known.registered and known.name == name:
            done.append((known, False))
            continue
        await store.write(REGISTER_PERSISTED_QUERY, key=key, text=text, name=name, createdAt=_now())
        new = known is None or not known.registered
        done.append((PersistedQuery(key, text, name, True, known.created_at if known else _now()), new))
    return done

