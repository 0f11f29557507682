"""The GraphQL API fuzzed with hypothesis-graphql: no operation generated from the schema, valid or
odd-valued, gets an internal error (masked "Unexpected error." with a request id), a store error or
an HTTP 5xx.

Operations come from the served schema itself (``hub.schema.schema``), so a new field is fuzzed the
day it lands. Each example asks for one root field (chosen from all of them) so every field gets its
turn within the budget; string and id arguments are drawn half from the keys and global ids of the
seeded world (``build_world``), so resolvers find records and really run, and half from arbitrary
text. Mutations run as admin against a store of their own and may change it as they go: later
examples then meet a graph earlier ones reshaped. Refused fields (a viewer) must say FORBIDDEN.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis_graphql import mutations, nodes, queries

from graph_model.stores.falkordb import FalkorStore
from hub.auth.policy import table
from hub.auth.principal import RIGHTS, Role
from hub.schema import schema
from hub.schema.extensions import MASKED_MESSAGE
from hub.settings import Limits, Settings
from hub.strawberry_compat import graphql_schema
from tests.asgi import asgi_client
from tests.builders import build_world

GRAPHQL = graphql_schema(schema)
POLICY = table(schema)  # (operation, root field) -> its declared access (None: refused)
# One client key sends every example: the rate limit would answer 429 long before the budget ends.
SETTINGS = dataclasses.replace(Settings(), limits=dataclasses.replace(Limits(), rate_per_minute=0))
FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.filter_too_much])

# What build_world holds, by type: drawn as keys (String) and as Relay global ids (ID).
WORLD = {
    "Province": ["IR-00", "IR-01"], "County": ["IR-00-0001", "IR-00-0002", "IR-01-0001"],
    "TargetGroup": ["tg-elderly"], "Service": ["svc-care", "svc-skills", "svc-other"],
    "LicenceType": ["lt-care", "lt-open"], "Institution": ["inst-a", "inst-b"], "Donor": ["donor-1"],
    "Person": ["person-1"], "Council": ["council-1"], "Event": ["evt-1"],
}
KEYS = [key for keys in WORLD.values() for key in keys]
GLOBAL_IDS = [base64.b64encode(f"{kind}:{key}".encode()).decode() for kind, keys in WORLD.items() for key in keys]
# Codes of errors that describe the request, not a failure of the hub.
CLIENT_CODES = {"NOT_FOUND", "VALIDATION_FAILED", "CONFLICT", "INVALID_TRANSITION", "FORBIDDEN", "LIMIT_EXCEEDED"}

# Any character but NUL: the FalkorDB adapter cannot send one (tests/test_injection.py holds that case).
text = st.text(st.characters(codec="utf-8", min_codepoint=1, max_codepoint=0xFFFF, exclude_categories=["Cs"]),
               max_size=40)
SCALARS = {
    "String": st.one_of(st.sampled_from(KEYS), text).map(nodes.String),
    "ID": st.one_of(st.sampled_from(GLOBAL_IDS), st.sampled_from(KEYS), text).map(nodes.String),
    # ISO, Solar Hijri (Persian digits too) and nonsense: a date the scalar cannot read is a
    # VALIDATION_FAILED request error, never an internal one.
    "Date": st.one_of(st.dates().map(str), st.dates().map(lambda d: f"{d.year - 621}/{d.month:02}/{d.day:02}"),
                      st.just("۱۴۰۳/۰۵/۲۴"), text).map(nodes.String),
    "Rials": st.one_of(st.integers(-(10**20), 10**20).map(str), text).map(nodes.String),
    # A document cannot carry a file (only a multipart request can: tests/test_import_upload.py);
    # whatever is written in its place is a typed error.
    "Upload": text.map(nodes.String),
}


def one_root_field(build: Any, root: graphql.GraphQLObjectType | None) -> st.SearchStrategy[str]:
    assert root is not None
    names = sorted(root.fields)
    return st.sampled_from(names).flatmap(lambda name: build(GRAPHQL, fields=[name], custom_scalars=SCALARS))


QUERIES = one_root_field(queries, GRAPHQL.query_type)
MUTATIONS = one_root_field(mutations, GRAPHQL.mutation_type)


@pytest.fixture
async def seeded(store: FalkorStore) -> FalkorStore:
    await build_world(store)
    return store


@pytest.fixture
async def admin(seeded: FalkorStore) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(seeded, SETTINGS, role="admin") as client:
        yield client


@pytest.fixture
async def viewer(seeded: FalkorStore) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(seeded, SETTINGS, role="viewer") as client:
        yield client


async def send(client: httpx.AsyncClient, document: str) -> dict[str, Any]:
    """Post one operation; fail on anything that is the hub's fault, else return the body."""
    response = await client.post("/graphql", json={"query": document})
    assert response.status_code < 500, f"HTTP {response.status_code} for\n{document}\n{response.text}"
    body = response.json()
    for error in body.get("errors") or []:
        extensions = error.get("extensions") or {}
        assert error.get("message") != MASKED_MESSAGE and "requestId" not in extensions, \
            f"internal error for\n{document}\n{error}"
        assert extensions.get("code") in CLIENT_CODES | {None}, f"{extensions.get('code')} for\n{document}\n{error}"
    if response.status_code != 200:  # a query limit refused it before it ran
        codes = {(e.get("extensions") or {}).get("code") for e in body["errors"]}
        assert codes == {"LIMIT_EXCEEDED"}, f"HTTP {response.status_code} for\n{document}\n{response.text}"
    return body


def root_fields(document: str) -> set[str]:
    operation = graphql.parse(document).definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    return {s.name.value for s in operation.selection_set.selections if isinstance(s, graphql.FieldNode)}


def not_executed(body: dict[str, Any]) -> bool:
    """Refused whole before anything ran: a query limit, or a document that does not validate (a
    literal "" where a Date is required). Both are decided before the policy; no field was resolved,
    so none can have been answered to a role without its right."""
    codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or []}
    return "data" not in body and bool(codes) and codes <= {"LIMIT_EXCEEDED", "VALIDATION_FAILED"}


def refused(body: dict[str, Any], field: str) -> bool:
    return any(e.get("path") == [field] and (e.get("extensions") or {}).get("code") == "FORBIDDEN"
               for e in body.get("errors") or [])


@FUZZ
@given(document=QUERIES)
async def test_fuzzed_queries_as_admin_never_fail_internally(admin: httpx.AsyncClient, document: str) -> None:
    await send(admin, document)


@FUZZ
@given(document=MUTATIONS)
async def test_fuzzed_mutations_as_admin_never_fail_internally(admin: httpx.AsyncClient, document: str) -> None:
    await send(admin, document)


@settings(FUZZ, max_examples=60)
@given(document=QUERIES)
async def test_fuzzed_queries_as_viewer_are_answered_or_forbidden(viewer: httpx.AsyncClient, document: str) -> None:
    body = await send(viewer, document)
    if not_executed(body):
        return
    rights = RIGHTS[Role.VIEWER]
    for field in root_fields(document):
        access = POLICY.get(("query", field))
        if access is None or access.right not in rights:
            assert refused(body, field), f"{field} not refused with FORBIDDEN:\n{document}\n{body}"
        else:
            assert not refused(body, field), f"{field} refused to a viewer:\n{document}\n{body}"


@settings(FUZZ, max_examples=30)
@given(document=MUTATIONS)
async def test_fuzzed_mutations_as_viewer_are_forbidden(viewer: httpx.AsyncClient, document: str) -> None:
    body = await send(viewer, document)
    if not_executed(body):
        return
    for field in root_fields(document):
        assert refused(body, field), f"{field} not refused with FORBIDDEN:\n{document}\n{body}"
