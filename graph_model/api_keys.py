"""API keys: PLACEHOLDER interface, to be completed (see /tmp/trust.md, helper "keys")."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from graph_model.stores.base import GraphStore

_TOKEN = re.compile(r"hub_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})")


@dataclass(frozen=True)
class KeyRecord:
    key_id: str
    hash: str  # sha256 hex of the secret
    role: str
    provinces: tuple[str, ...]
    revoked: bool


def parse(token: str) -> tuple[str, str] | None:
    """(id, secret) when ``token`` has the API key form ``hub_<12 hex>_<secret>``, else None."""
    m = _TOKEN.fullmatch(token)
    return (m.group(1), m.group(2)) if m else None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(record: KeyRecord, secret: str) -> bool:
    return hmac.compare_digest(record.hash, hash_secret(secret))


async def lookup(store: GraphStore, key_id: str) -> KeyRecord | None:
    raise NotImplementedError
