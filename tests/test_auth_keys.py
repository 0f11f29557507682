"""Authentication end to end: API keys made by `hub keys`, JWT bearer tokens, the anonymous role.

Keys are made with the real command (``hub.cli.main``, in a thread: it runs its own event loop)
against the test's own graph, then sent to the ASGI app in the Authorization header.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime
import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from graph_model import api_keys, queries, version
from graph_model.cypher import statement
from graph_model.enums import Label, MetaLabel
from graph_model.errors import NotFound, Unauthenticated, ValidationFailed
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from hub.cli import main as cli
from hub.auth.authenticate import Authenticator
from hub.auth.principal import Principal, Role
from hub.settings import Settings
from tests.asgi import asgi_client
from tests.builders import build_world

PROVINCES = "{ provinces { totalCount } }"
NETWORKS = "{ isolatedInstitutions { totalCount } }"
RENAME = """mutation Rename($key: String!) { updateInstitution(key: $key, input: {nameEn: "Renamed"}) {
  __typename ... on Institution { key nameEn } ... on MutationError { code message } } }"""
TOKEN = re.compile(r"hub_[0-9a-f]{12}_[A-Za-z0-9_-]+")
KEY_NODE = statement("test_api_key_node", f"MATCH (k:{MetaLabel.API_KEY.value}) WHERE k.key = $key "
                     "RETURN properties(k) AS props", register=False)
NO_CACHE = Settings(key_cache_seconds=0)


@pytest.fixture
def hub_env(store: FalkorStore, server: EmbeddedServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the `hub` command at the test's graph in the session's server."""
    monkeypatch.setenv("HUB_DATA_DIR", str(server.data_dir))
    monkeypatch.setenv("HUB_GRAPH", store.graph_name)
    yield


async def hub(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `hub <argv>` in-process; (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = await asyncio.to_thread(cli.main, list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


async def new_key(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = await hub(capsys, "keys", "create", *argv)
    assert code == 0, err
    tokens = TOKEN.findall(out)
    assert len(tokens) == 1, out  # printed once
    assert "only its sha256 hash is stored" in out
    return tokens[0]


async def post(http: httpx.AsyncClient, query: str, credentials: str | None = None,
               **variables: Any) -> httpx.Response:
    headers = {"Authorization": credentials} if credentials is not None else {}
    return await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


def refused(response: httpx.Response) -> str:
    """The message of a 401 UNAUTHENTICATED answer (asserting that it is one)."""
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    return str(error["message"])


def forbidden(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN", error
    return str(error["message"])


def test_key_roles_are_the_principal_roles_but_anonymous() -> None:
    assert set(api_keys.ROLES) == {r.value for r in Role} - {Role.ANONYMOUS.value}


async def test_cli_keys_carry_role_and_provinces(store: FalkorStore, hub_env: None,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    await build_world(store)
    viewer = await new_key(capsys, "--role", "viewer", "--note", "dashboards")
    editor = await new_key(capsys, "--role", "editor", "--province", "IR-01")
    async with asgi_client(store, NO_CACHE, role=None) as http:
        answer = await post(http, PROVINCES, f"Bearer {viewer}")
        assert answer.json() == {"data": {"provinces": {"totalCount": 2}}}
        assert "viewer role may not use `updateInstitution`" in forbidden(
            await post(http, RENAME, f"Bearer {viewer}", key="inst-b"))
        # The editor of Khuzestan (IR-01) changes inst-b there, not inst-a in Markazi (IR-00).
        done = (await post(http, RENAME, f"Bearer {editor}", key="inst-b")).json()
        assert done == {"data": {"updateInstitution": {"__typename": "Institution", "key": "inst-b",
                                                       "nameEn": "Renamed"}}}
        forbidden(await post(http, RENAME, f"Bearer {editor}", key="inst-a"))
    editor_id = api_keys.parse(editor)
    assert editor_id is not None
    principal = await Authenticator(NO_CACHE).principal(store, f"Bearer {editor}")
    assert principal == Principal(Role.EDITOR, frozenset({"IR-01"}), subject=f"key:{editor_id[0]}",
                                  key_id=editor_id[0])

    code, out, _ = await hub(capsys, "keys", "list")
    assert code == 0
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
            for line in out.splitlines() if line.count("│") > 2}
    assert rows[viewer.split("_")[1]][:4] == ["viewer", "all", "-", "dashboards"]  # no institution
    assert rows[editor_id[0]][:2] == ["editor", "IR-01"]
    assert rows[editor_id[0]][-1] == "-"  # not revoked
    assert viewer not in out and editor not in out and editor_id[1] not in out


async def test_cli_revoke_shuts_the_key_out(store: FalkorStore, hub_env: None,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    await build_world(store)
    token = await new_key(capsys, "--role", "admin")
    key_id = token.split("_")[1]
    async with asgi_client(store, NO_CACHE, role=None) as http:
        assert (await post(http, PROVINCES, f"Bearer {token}")).status_code == 200
        code, out, _ = await hub(capsys, "keys", "revoke", key_id)
        assert code == 0 and f"revoked key {key_id}" in out
        assert "unknown or revoked" in refused(await post(http, PROVINCES, f"Bearer {token}"))
    code, out, _ = await hub(capsys, "keys", "list")
    assert re.search(rf"│ {key_id} .*│ \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\s+│\s*$", out, re.M), out


@pytest.mark.parametrize(("argv", "message"), [
    (("keys", "create", "--role", "root"), "role: 'root' is not one of viewer, planner"),
    (("keys", "create", "--role", "anonymous"), "role: 'anonymous' is not one of"),
    (("keys", "create", "--role", "editor", "--province", "IR-99"), "no province has the code 'IR-99'"),
    # a key that changes records names its provinces, or says "every province" in so many words
    (("keys", "create", "--role", "editor"), "name its provinces with --province CODE"),
    (("keys", "create", "--role", "planner"), "or give --all-provinces for every province"),
    (("keys", "create", "--role", "editor", "--province", "IR-00", "--all-provinces"), "not both"),
    (("keys", "revoke", "0123456789ab"), "no API key has the id '0123456789ab'"),
    # an institution key names its institution; no other key does
    (("keys", "create", "--role", "institution"), "name it with --institution KEY"),
    (("keys", "create", "--role", "viewer", "--institution", "inst-a"), "for institution keys only"),
    (("keys", "create", "--role", "institution", "--institution", "inst-none"), "no institution has the key"),
    (("keys", "create", "--role", "supervisor"), "name its provinces with --province CODE"),
])
async def test_cli_errors_are_one_clear_message(store: FalkorStore, hub_env: None, capsys: pytest.CaptureFixture[str],
                                                argv: tuple[str, ...], message: str) -> None:
    await build_world(store)
    code, out, err = await hub(capsys, *argv)
    assert code == 1
    assert message in " ".join(err.split()) and err.startswith("error:")
    assert not TOKEN.search(out + err)
    assert await api_keys.list_keys(store) == []


async def test_only_the_hash_is_stored_and_keys_stay_out_of_counts_and_version(store: FalkorStore) -> None:
    await build_world(store)
    counts, before = await queries.node_counts(store), await version.current(store)
    record, token = await api_keys.create(store, "planner", ["IR-00", "IR-00"], note="needs team")
    key_id, secret = api_keys.parse(token) or ("", "")
    assert record.key_id == key_id and record.provinces == ("IR-00",) and not record.revoked
    [row] = await store.read(KEY_NODE, key=key_id)
    props = row["props"]
    assert set(props) == {"key", "hash", "role", "provinces", "note", "createdAt"}  # revokedAt: null
    assert props["hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in str(value) or token in str(value) for value in props.values())
    assert props["createdAt"].endswith("+00:00")
    await api_keys.revoke(store, key_id)
    assert await queries.node_counts(store) == counts
    assert await version.current(store) == before
    revoked = await api_keys.lookup(store, key_id)
    assert revoked is not None and revoked.revoked and revoked.revoked_at is not None
    await api_keys.revoke(store, key_id)  # again: harmless, keeps the first time
    assert await api_keys.lookup(store, key_id) == revoked
    with pytest.raises(NotFound):
        await api_keys.revoke(store, "ffffffffffff")
    with pytest.raises(ValidationFailed) as bad:
        await api_keys.create(store, "editor", ["IR-00", "XX"], note="x" * 300)
    assert [e.field for e in bad.value.errors] == ["provinces", "note"]


async def test_wrong_secret_unknown_id_and_malformed_headers_are_refused(store: FalkorStore) -> None:
    await build_world(store)
    _, token = await api_keys.create(store, "admin")
    key_id, secret = api_keys.parse(token) or ("", "")
    forged = f"hub_{key_id}_{'A' * len(secret)}"
    async with asgi_client(store, NO_CACHE, role=None) as http:
        assert "unknown or revoked" in refused(await post(http, PROVINCES, f"Bearer {forged}"))
        assert "unknown or revoked" in refused(await post(http, PROVINCES, f"Bearer hub_000000000000_{secret}"))
        for header in (f"Basic {token}", "Bearer", "Bearer  ", token, "Token abc"):
            assert "must be `Bearer <API key or token>`" in refused(await post(http, PROVINCES, header)), header
        assert "bearer token was refused" in refused(await post(http, PROVINCES, "Bearer not.a.jwt"))
        assert "cut short or altered" in refused(await post(http, PROVINCES, f"Bearer hub_{key_id}"))
        assert (await post(http, PROVINCES, f"bearer {token}")).status_code == 200  # the scheme is caseless


@pytest.mark.parametrize(("pasted", "says"), [
    ("<{}>", "the API key has characters around it: remove the < >"),
    ("[{}]", "the API key has characters around it: remove the [ ]"),
    ('"{}"', 'the API key has characters around it: remove the "'),
    ("'{}',", "the API key has characters around it: remove the ' ,"),
    ("\u200b{}", "the API key has characters around it: remove the zero-width space (U+200B)"),
    ("«{}»", "the API key has characters around it: remove the « »"),
    ("Bearer {}", "the Authorization header says `Bearer` twice"),
    ("{cut}", "the API key is cut short or altered"),
    ("<{cut}>", "the API key is cut short or altered"),
])
async def test_a_key_pasted_with_stray_characters_is_told_what_is_wrong(
        store: FalkorStore, pasted: str, says: str) -> None:
    """A key wrapped in brackets or quotes used to be read as a JWT ("JWT bearer tokens are not
    accepted here"); the refusal now says what to remove, and never repeats any of the key."""
    _, token = await api_keys.create(store, "viewer")
    key_id, secret = api_keys.parse(token) or ("", "")
    header = "Bearer " + pasted.format(token, cut=token[:-len(secret) + 5])
    async with asgi_client(store, NO_CACHE, role=None) as http:
        # sent as UTF-8, as a client does with a zero-width space or a guillemet in it
        response = await http.post("/graphql", json={"query": PROVINCES}, headers=[(b"authorization", header.encode())])
        message = refused(response)
        assert message.startswith(says), message
        assert "JWT" not in message and "bearer token was refused" not in message
        assert secret[:8] not in response.text and key_id not in response.text
        # without the stray characters the same key works
        assert (await post(http, PROVINCES, f"Bearer {token}")).status_code == 200
        # the key without `Bearer `: the header says how to send it, still without the key
        bare = await post(http, PROVINCES, token)
        assert refused(bare).endswith("put `Bearer ` before the API key") and secret[:8] not in bare.text


async def test_a_jwt_in_brackets_is_told_so_and_plain_jwts_are_still_checked(store: FalkorStore) -> None:
    settings = dataclasses.replace(NO_CACHE, jwt_key="sso-shared-secret-0123456789abcdef0123", jwt_algorithm="HS256")
    good = jwt.encode({"sub": "u1", "role": "viewer", "exp": int(time.time()) + 60}, settings.jwt_key,
                      algorithm="HS256")
    async with asgi_client(store, settings, role=None) as http:
        message = refused(await post(http, PROVINCES, f"Bearer <{good}>"))
        assert message == "the bearer token has characters around it: remove the < >"
        assert (await post(http, PROVINCES, f"Bearer {good}")).status_code == 200


async def test_hs256_tokens_need_the_issuer_audience_and_a_role(store: FalkorStore) -> None:
    await build_world(store)
    settings = Settings(jwt_key="sso-shared-secret-0123456789abcdef0123", jwt_algorithm="HS256",
                        jwt_issuer="https://sso.example.org", jwt_audience="participation-hub")
    good = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": "u-17", "role": "planner",
            "provinces": ["IR-00"], "exp": int(time.time()) + 600}

    def signed(**changes: Any) -> str:
        claims = {k: v for k, v in {**good, **changes}.items() if v is not None}
        return "Bearer " + jwt.encode(claims, settings.jwt_key, algorithm="HS256")

    async with asgi_client(store, settings, role=None) as http:
        assert (await post(http, PROVINCES, signed())).json() == {"data": {"provinces": {"totalCount": 2}}}
        assert "Invalid issuer" in refused(await post(http, PROVINCES, signed(iss="https://evil.example")))
        assert 'missing the "iss" claim' in refused(await post(http, PROVINCES, signed(iss=None)))
        assert "Audience doesn't match" in refused(await post(http, PROVINCES, signed(aud="other-app")))
        assert "expired" in refused(await post(http, PROVINCES, signed(exp=int(time.time()) - 60)))
        assert "role" in refused(await post(http, PROVINCES, signed(role=None)))
        assert "unknown role 'root'" in refused(await post(http, PROVINCES, signed(role="root")))
        assert "anonymous role" in refused(await post(http, PROVINCES, signed(role="anonymous")))
        assert "provinces" in refused(await post(http, PROVINCES, signed(provinces="IR-00")))
        other_key = "Bearer " + jwt.encode(good, "another-secret-0123456789abcdef0123456", algorithm="HS256")
        assert "Signature verification failed" in refused(await post(http, PROVINCES, other_key))
    principal = await Authenticator(settings).principal(store, signed())
    assert principal == Principal(Role.PLANNER, frozenset({"IR-00"}), subject="jwt:u-17")


async def test_an_accepted_token_is_kept_until_its_expiry_and_refused_after(store: FalkorStore,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    settings = dataclasses.replace(NO_CACHE, jwt_key="sso-shared-secret-0123456789abcdef0123", jwt_algorithm="HS256")
    authenticator = Authenticator(settings)
    now = time.time()
    token = jwt.encode({"sub": "u-5", "role": "viewer", "exp": int(now) + 30}, settings.jwt_key, algorithm="HS256")
    checked: list[str] = []
    decode = jwt.decode

    def counted(t: str, *args: Any, **kwargs: Any) -> Any:
        checked.append(t)
        return decode(t, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted)
    first = await authenticator.principal(store, f"Bearer {token}")
    assert await authenticator.principal(store, f"Bearer {token}") == first == Principal(
        Role.VIEWER, frozenset(), subject="jwt:u-5")
    assert checked == [token], "the second request checked the signature again"
    # Past its expiry (both clocks moved on) the kept token is checked again, and PyJWT refuses it.
    monkeypatch.setattr(time, "time", lambda: now + 31)

    class Later(datetime.datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return datetime.datetime.fromtimestamp(now + 31, tz)

    monkeypatch.setattr(jwt.api_jwt, "datetime", Later)
    with pytest.raises(Unauthenticated, match="expired"):
        await authenticator.principal(store, f"Bearer {token}")
    # A refused token is not kept: a forged one is checked (and refused) every time.
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            await authenticator.principal(store, f"Bearer {forged}")
    assert checked.count(forged) == 2


def _b64(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def _pem_pair() -> tuple[bytes, bytes]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return (private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()),
            private.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo))


async def test_rs256_tokens_are_checked_with_the_public_key(store: FalkorStore) -> None:
    await build_world(store)
    private, public = _pem_pair()
    stranger, _ = _pem_pair()
    settings = Settings(jwt_key=public.decode(), jwt_algorithm="RS256", jwt_issuer="https://sso.example.org",
                        jwt_audience="participation-hub")
    claims = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": "u-3", "role": "viewer",
              "exp": int(time.time()) + 600}
    async with asgi_client(store, settings, role=None) as http:
        token = jwt.encode(claims, private, algorithm="RS256")
        assert (await post(http, PROVINCES, f"Bearer {token}")).json() == {"data": {"provinces": {"totalCount": 2}}}
        assert "viewer role may not use `updateInstitution`" in forbidden(
            await post(http, RENAME, f"Bearer {token}", key="inst-a"))
        forged = jwt.encode(claims, stranger, algorithm="RS256")
        assert "Signature verification failed" in refused(await post(http, PROVINCES, f"Bearer {forged}"))
        # Algorithm confusion: an HS256 token "signed" with the public key is not accepted.
        signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64(claims)}"
        mac = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
        confused = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
        assert "not allowed" in refused(await post(http, PROVINCES, f"Bearer {confused}"))


async def test_anonymous_is_off_unless_switched_on(store: FalkorStore) -> None:
    await build_world(store)
    async with asgi_client(store, role=None) as http:
        assert "credentials required" in refused(await post(http, PROVINCES))
    anonymous = Settings.from_env({"HUB_ANONYMOUS": "on"})
    assert anonymous.anonymous
    async with asgi_client(store, dataclasses.replace(anonymous, key_cache_seconds=0), role=None) as http:
        assert (await post(http, PROVINCES)).json() == {"data": {"provinces": {"totalCount": 2}}}
        assert "anonymous role may not use `isolatedInstitutions`" in forbidden(await post(http, NETWORKS))
        assert "anonymous role may not use `updateInstitution`" in forbidden(await post(http, RENAME, key="inst-a"))
        # Credentials, when sent, are still checked: a bad one is refused, not downgraded to anonymous.
        refused(await post(http, PROVINCES, "Bearer hub_000000000000_" + "A" * 43))
    assert (await queries.by_keys(store, Label.INSTITUTION, ["inst-a"]))["inst-a"]["nameEn"] == "inst-a"
