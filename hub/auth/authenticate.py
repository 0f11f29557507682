"""Who a request's credentials name: an API key or a JWT bearer token, else the anonymous role.

``Authorization: Bearer <token>``: a token of the form ``hub_<id>_<secret>`` is an API key
(``graph_model.api_keys``: only the secret's hash is stored, looked up by id and cached for
``settings.key_cache_seconds``, so a revoked key stops working within that delay); any other
token is a JWT, checked with the settings' key, algorithm, issuer and audience, which must carry
``exp``, a non-empty ``sub`` and a ``role`` claim. No credentials: the anonymous role when
``HUB_ANONYMOUS`` is on, else UNAUTHENTICATED.

A token's ``provinces`` claim scopes what it may change: a list of province codes, or ``"*"`` for
every province. A token whose role may change anything (editor, planner: the WRITE or PLAN right;
an admin is never scoped) must say which: without the claim, or with an empty list, it is refused,
so a token minted without thought never edits the whole country. Other roles may leave it out.

A key pasted with something around it (``<hub_...>``, ``[hub_...]``, quotes, a zero-width space
copied from a chat) or cut short is meant as an API key, not a JWT: the refusal says what is wrong
with it (``misformed``), naming only the stray characters, never any of the key.
"""

from __future__ import annotations

import time

import jwt

from graph_model import api_keys
from graph_model.errors import Unauthenticated
from graph_model.stores.base import GraphStore
from hub.auth.principal import ANONYMOUS, RIGHTS, Principal, Right, Role
from hub.settings import Settings

SCHEME = "bearer"
CREDENTIALS_REQUIRED = "credentials required: send `Authorization: Bearer <API key or token>`"
EVERY_PROVINCE = "*"  # the `provinces` claim of a token unscoped on purpose
# Rights that change data, which a token's province scope narrows.
CHANGING = frozenset({Right.WRITE, Right.PLAN, Right.ASSESS})


def _role(value: object) -> Role:
    try:
        return Role(str(value))
    except ValueError:
        raise Unauthenticated(f"the credentials name an unknown role {value!r}; roles: "
                              + ", ".join(r.value for r in Role)) from None


def principal_from_jwt(token: str, settings: Settings) -> Principal:
    return _from_jwt(token, settings)[1]


def _from_jwt(token: str, settings: Settings) -> tuple[int, Principal]:
    """The token's expiry (seconds since the epoch) and the principal it names."""
    if not settings.jwt_key:
        raise Unauthenticated("JWT bearer tokens are not accepted here (HUB_JWT_KEY is not set); use an API key")
    required = (["exp", "sub", "role"] + (["iss"] if settings.jwt_issuer else [])
                + (["aud"] if settings.jwt_audience else []))
    try:
        claims = jwt.decode(token, settings.jwt_key, algorithms=[settings.jwt_algorithm],
                            issuer=settings.jwt_issuer or None, audience=settings.jwt_audience or None,
                            options={"require": required, "verify_aud": bool(settings.jwt_audience)})
    except jwt.PyJWTError as exc:
        raise Unauthenticated(f"the bearer token was refused: {exc}") from None
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject.strip():
        raise Unauthenticated("the token's `sub` claim is empty: it must name the user (the audit log records it)")
    role = _role(claims.get("role"))
    if role is Role.ANONYMOUS:
        raise Unauthenticated("a token cannot carry the anonymous role")
    principal = Principal(role, _scope(claims, role), subject=f"jwt:{subject}", institution=_institution(claims, role))
    return int(claims["exp"]), principal


def _institution(claims: dict[str, object], role: Role) -> str | None:
    """The institution an institution token speaks for, from its `institution` claim: required for
    that role (a token bound to nothing would be refused everything anyway, so say why now), and
    refused on any other (it would mean nothing there, and a reader might think it narrows)."""
    institution = claims.get("institution")
    if role is Role.INSTITUTION:
        if not isinstance(institution, str) or not institution.strip():
            raise Unauthenticated("the institution token has no `institution` claim: name the institution's key")
        return institution
    if institution is not None:
        raise Unauthenticated(f"the `institution` claim is for institution tokens only, not a {role.value} token")
    return None


def _scope(claims: dict[str, object], role: Role) -> frozenset[str]:
    """The provinces a token may change (empty: every one), from its `provinces` claim."""
    provinces = claims.get("provinces")
    if provinces == EVERY_PROVINCE:
        return frozenset()
    if provinces is not None and (not isinstance(provinces, list)
                                  or not all(isinstance(p, str) and p.strip() for p in provinces)):
        raise Unauthenticated('the token\'s `provinces` claim must be a list of province codes, or "*" for every '
                              "province")
    if not provinces and role is not Role.ADMIN and RIGHTS[role] & CHANGING:
        said = "has no `provinces` claim" if provinces is None else "has an empty `provinces` list"
        raise Unauthenticated(f"the {role.value} token {said}: list the province codes it may change, or send "
                              '"provinces": "*" to allow every province')
    return frozenset(provinces or ())


# What a copy and paste wraps a credential in: brackets, quotes, a sentence's punctuation, invisible
# characters and spaces (none of them can occur in a key).
_WRAPPERS = "<>[](){}\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb,.;:"
_INVISIBLE = {"\u200b": "zero-width space", "\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner",
              "\u2060": "word joiner", "\ufeff": "byte-order mark", "\u00a0": "no-break space"}
_STRAY = _WRAPPERS + "".join(_INVISIBLE) + " \t\r\n"
KEY_FORM = ("an API key is `hub_`, 12 hexadecimal characters, `_` and a secret of 20 to 100 letters, digits, "
            "`-` or `_`, as `hub keys create` printed it")


def _named(chars: str) -> str:
    """The stray characters, for a message: brackets and quotes as themselves, the rest by name."""
    names = []
    for ch in dict.fromkeys(chars):
        if ch in _WRAPPERS:
            names.append(ch)
        elif ch in _INVISIBLE:
            names.append(f"{_INVISIBLE[ch]} (U+{ord(ch):04X})")
        else:
            names.append({" ": "spaces", "\t": "tabs", "\n": "line breaks", "\r": "line breaks"}.get(
                ch, f"U+{ord(ch):04X}"))
    return " ".join(dict.fromkeys(names))


def misformed(token: str) -> str | None:
    """Why a bearer token meant as an API key is not one (None when it is not meant as one, e.g. a
    JWT). The answer names the characters to remove, never any character of the key itself."""
    if api_keys.parse(token):
        return None
    try:  # HTTP headers arrive decoded as Latin-1: read a pasted « or zero-width space as sent (UTF-8)
        token = token.encode("latin-1").decode("utf-8")
    except UnicodeError:
        pass
    core = token.strip(_STRAY)
    if core.lower().startswith(SCHEME + " "):
        inner = core[len(SCHEME):].strip(_STRAY)
        if api_keys.parse(inner) or inner.lower().startswith(api_keys.PREFIX):
            return "the Authorization header says `Bearer` twice: send `Bearer <API key>` once"
    if not core.lower().startswith(api_keys.PREFIX):
        if core != token and core.count(".") == 2 and core.startswith("eyJ"):  # a JWT in brackets or quotes
            return f"the bearer token has characters around it: remove the {_named(token.replace(core, '', 1))}"
        return None
    if api_keys.parse(core):
        return f"the API key has characters around it: remove the {_named(token.replace(core, '', 1))}"
    inside = "".join(ch for ch in core if ch in _INVISIBLE or ch.isspace())
    if inside and api_keys.parse("".join(ch for ch in core if ch not in inside)):
        return f"the API key has characters inside it: remove the {_named(inside)}"
    return f"the API key is cut short or altered ({KEY_FORM}): copy it again in full"


class Authenticator:
    """One per app: turns an Authorization header into a Principal, caching API key lookups."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._keys: dict[str, tuple[float, api_keys.KeyRecord | None]] = {}
        # Tokens accepted, with their expiry: a client sends the same token with every request, and
        # checking its signature and claims again was ~6% of a small request's main-thread time (py-spy,
        # the one-institution question). A token once
        # valid stays so until `exp` (`nbf` and `iat` only refuse a token too early); refusals are
        # not kept.
        self._tokens: dict[str, tuple[int, Principal]] = {}

    async def principal(self, store: GraphStore, authorization: str | None) -> Principal:
        if not authorization:
            if self.settings.anonymous:
                return ANONYMOUS
            raise Unauthenticated(CREDENTIALS_REQUIRED)
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != SCHEME or not token:
            hint = ": put `Bearer ` before the API key" if api_keys.parse(authorization.strip()) else ""
            raise Unauthenticated(f"the Authorization header must be `Bearer <API key or token>`{hint}")
        parsed = api_keys.parse(token)
        if parsed is None:
            return self._jwt(token)
        key_id, secret = parsed
        record = await self._lookup(store, key_id)
        if record is None or record.revoked or not api_keys.matches(record, secret):
            raise Unauthenticated("the API key is unknown or revoked")
        return Principal(_role(record.role), frozenset(record.provinces), subject=f"key:{key_id}", key_id=key_id,
                         institution=record.institution)

    def _jwt(self, token: str) -> Principal:
        kept = self._tokens.get(token)
        if kept is not None and time.time() < kept[0]:
            return kept[1]
        why = misformed(token)
        if why is not None:
            raise Unauthenticated(why)
        expiry, principal = _from_jwt(token, self.settings)
        if len(self._tokens) > 10_000:  # many clients' tokens, or one minting a token per request
            self._tokens.clear()
        self._tokens[token] = (expiry, principal)
        return principal

    async def _lookup(self, store: GraphStore, key_id: str) -> api_keys.KeyRecord | None:
        now = time.monotonic()
        cached = self._keys.get(key_id)
        if cached is not None and now - cached[0] < self.settings.key_cache_seconds:
            return cached[1]
        record = await api_keys.lookup(store, key_id)
        if len(self._keys) > 10_000:  # forged ids must not grow memory without bound
            self._keys.clear()
        self._keys[key_id] = (now, record)
        return record
