"""Opaque list cursors: a list position sealed with authenticated encryption (AES-256-GCM).

A cursor holds where a page ends (the sort value and the item's id) and the ordering it was read
in (``graph_model.listing.order_of``: the kind of item, the sort, and whether the caller's
visibility let it sort by personal figures). Sealed, it tells the caller nothing: base64 of the
position gave away the sort value, and a list sorted by a withheld total then gave the total
(issue 15). The plaintext is padded to a whole number of blocks so even the cursor's length says
nothing of the value. Opened, it is trusted: the tag proves this server made it, so a cursor that
was edited, forged or made by another server (another ``HUB_CURSOR_KEY``) is refused as
VALIDATION_FAILED on the argument it came in, never a 500; one issued for another ordering or
visibility is refused by ``graph_model.listing`` (an administrator's cursor pasted by a viewer
would otherwise place the viewer's page by a total the viewer may not see).

The key: ``Settings.cursor_key`` (HUB_CURSOR_KEY) when set, so cursors outlive a restart and work
across ``--workers``; otherwise random per process, so they end with it (a client then starts
its list again), and each worker opens only its own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from graph_model.errors import FieldError, ValidationFailed

# Random per process and never stored or sent: without HUB_CURSOR_KEY, only this process opens
# its cursors.
_PROCESS_KEY = secrets.token_bytes(32)
_NONCE = 12
_TAG = 16
BLOCK = 64  # plaintext padded to a multiple: a short total and a long one seal to the same length
_CONTEXT = b"hub list cursor v1"  # authenticated with every cursor: no other sealed token passes
NOT_A_CURSOR = "is not a cursor this API returned for this list (a cursor ends when the server restarts)"


class Cursors:
    """Seals and opens list positions with one key."""

    def __init__(self, secret: str = "") -> None:
        # A configured secret of any length becomes a 256-bit key; none: the process's own key.
        key = hashlib.sha256(b"hub-cursor-key:" + secret.encode()).digest() if secret else _PROCESS_KEY
        self._aead = AESGCM(key)

    def seal(self, order: str, position: tuple[Any, str]) -> str:
        plain = json.dumps([order, position[0], position[1]], ensure_ascii=False, separators=(",", ":")).encode()
        # JSON ignores trailing whitespace, so spaces pad it without a length field.
        plain += b" " * (-len(plain) % BLOCK)
        nonce = os.urandom(_NONCE)
        return base64.urlsafe_b64encode(nonce + self._aead.encrypt(nonce, plain, _CONTEXT)).rstrip(b"=").decode()

    def open(self, cursor: str, field: str) -> tuple[str, tuple[Any, str]]:
        """(ordering, (sort value, id)) of a cursor this key sealed, or VALIDATION_FAILED naming ``field``."""
        try:
            raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
            if len(raw) < _NONCE + _TAG + BLOCK:
                raise ValueError("too short")
            value = json.loads(self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], _CONTEXT))
        except (UnicodeEncodeError, binascii.Error, ValueError, InvalidTag):
            value = None
        if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
                and isinstance(value[2], str)):
            raise ValidationFailed("invalid cursor", [FieldError(field, NOT_A_CURSOR)])
        return value[0], (value[1], value[2])


# The process's codec. Cursors are sealed where a page's edges are resolved and opened where a list
# request is built from its arguments (the resolver, and the prefetch ahead of it, alike), places
# that see no settings; so the app configures the key once, at start (hub.app.create_app).
_codec = Cursors()


def configure(secret: str) -> None:
    """Seal and open cursors with ``secret`` (Settings.cursor_key; empty: the process's random key)."""
    global _codec
    _codec = Cursors(secret)


def seal(order: str, position: tuple[Any, str]) -> str:
    return _codec.seal(order, position)


def open_cursor(cursor: str, field: str) -> tuple[str, tuple[Any, str]]:
    return _codec.open(cursor, field)
