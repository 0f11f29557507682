"""Cursors and orderings tell a caller nothing it may not see (issue 15, "Cursors and order").

Two worlds, A and B, hold the same graph but for the amounts individual donors gave, which are
withheld from roles without the PERSONAL right (anonymous, viewer, planner): every institution's
total includes 1 to k-1 individuals, so all are suppressed, and so are the two overlaps of
``inst-2``. The hidden amounts are chosen so that every order by them differs between A and B:

    co-1 (company)       inst-1 100   inst-2 100   inst-3 50
    co-2 (foundation)    inst-4 70
    co-3 ... co-7        inst-3 20 each
    solo-1 (individual)  inst-1 X1    inst-2 X2          A: X1 = X2 = 1,000,000   B: X1 = 5, X2 = 10
    solo-2 (individual)  inst-2 Y     inst-3 Z           A: Y = 5, Z = 2,000,000  B: Y = 2,000,000, Z = 7
    solo-3 (individual)  inst-4 W                        A: W = 3,000,000         B: W = 1

For every list the schema lets a caller sort (its sort enums and every field taking one, read from
the schema so a new one cannot be missed) and every role without PERSONAL, the attacker's probes:
the order of the rows and what the cursors hold are the same in A and B; a cursor decodes to
nothing readable (no key, no amount, one length); a modified, forged, old-format or foreign
cursor is a VALIDATION_FAILED on its argument. ``sharedDonors`` and the drawn ``network`` are
ordered the same in A and B too, and so are a community's main donors. Roles with PERSONAL still
sort by the full amounts and page through them without a gap or a repeat.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from falkordb.asyncio import FalkorDB
from graphql import GraphQLEnumType, GraphQLObjectType, get_named_type
from strawberry.relay import to_base64

from graph_model.enums import Label
from graph_model.mutations import add_member, create_node, issue_licence, offer_service, record_donation
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from graph_model.errors import ValidationFailed
from hub.auth import policy
from hub.auth.principal import RIGHTS, Role
from hub.execution.cursors import Cursors, open_cursor
from hub.schema import schema
from hub.settings import Limits, Settings
from hub.strawberry_compat import graphql_schema
from tests.asgi import asgi_client
from tests.builders import names

PUBLIC_ROLES = ("anonymous", "viewer", "planner")
PERSONAL_ROLES = ("council_member", "admin")
HIDDEN = {"A": {"X1": 1_000_000, "X2": 1_000_000, "Y": 5, "Z": 2_000_000, "W": 3_000_000},
          "B": {"X1": 5, "X2": 10, "Y": 2_000_000, "Z": 7, "W": 1}}
SECRETS = {str(v) for amounts in HIDDEN.values() for v in amounts.values() if v > 100}
INSTITUTIONS = ("inst-1", "inst-2", "inst-3", "inst-4")
SMALL = range(3, 8)  # co-3 ... co-7: small companies, so that a community has more donors than it shows
# The object each list field is read under: one that holds items of every list it has.
PARENTS = {"Query": "", "Province": 'province(key: "IR-00")', "County": 'county(key: "IR-00-0001")',
           "Institution": 'institution(key: "inst-2")', "Donor": 'donor(key: "co-1")',
           "Council": 'council(key: "council-1")', "Event": 'event(key: "evt-1")',
           "Service": 'service(key: "svc-care")', "TargetGroup": 'targetGroup(key: "tg-elderly")',
           "LicenceType": 'licenceType(key: "lt-care")', "Licence": 'licence(key: "lic-1")',
           "Person": 'person(key: "person-1")', "Assessment": 'assessment(key: "as-1")',
           "AssessmentFramework": 'assessmentFramework(key: "fw-1")'}
# Orderings of network answers (not connections), each probed by a test below.
NETWORK_ORDERS = {"OverlapOrdering": "test_shared_donors_order_hides_withheld_amounts"}


async def build(store: FalkorStore, hidden: dict[str, int]) -> None:
    await create_node(store, Label.PROVINCE, {"key": "IR-00", **names("Markazi")})
    for key in ("IR-00-0001", "IR-00-0002"):
        await create_node(store, Label.COUNTY, {"key": key, "province": "IR-00", **names(key)})
    await create_node(store, Label.TARGET_GROUP, {"key": "tg-elderly", **names("Elderly")})
    await create_node(store, Label.SERVICE, {"key": "svc-care", "domain": "SOCIAL", "targetGroups": ["tg-elderly"],
                                             **names("Care")})
    await create_node(store, Label.LICENCE_TYPE, {"key": "lt-care", "services": ["svc-care"], **names("Care")})
    for key in INSTITUTIONS:
        county = "IR-00-0002" if key == "inst-4" else "IR-00-0001"
        await create_node(store, Label.INSTITUTION, {"key": key, "kind": "CHARITY", "county": county,
                                                     **names(f"Institution {key[-1]}")})
        await offer_service(store, key, "svc-care", capacity=10)
    await issue_licence(store, holder="inst-1", licence_type="lt-care", services=["svc-care"], issued_on="2024-01-01",
                        key="lic-1")
    await create_node(store, Label.FRAMEWORK, {"key": "fw-1", "version": 1, **names("Framework")})
    for key in ("crit-1", "crit-2"):
        await create_node(store, Label.CRITERION, {"key": key, "framework": "fw-1", "area": "STAFFING", "weight": 1.0,
                                                   "scaleMax": 5, **names(key)})
    await create_node(store, Label.ASSESSMENT, {"key": "as-1", "level": "EXPERT", "score": 80, "date": "2024-03-01",
                                                "institution": "inst-2", "framework": "fw-1"})
    for key, due in (("act-1", "2024-04-01"), ("act-2", "2024-05-01")):
        await create_node(store, Label.CORRECTIVE_ACTION, {"key": key, "description": key, "dueOn": due,
                                                           "status": "OPEN", "assessment": "as-1"})
    for key, kind in (("co-1", "COMPANY"), ("co-2", "FOUNDATION"), ("solo-1", "INDIVIDUAL"),
                      ("solo-2", "INDIVIDUAL"), ("solo-3", "INDIVIDUAL"), *((f"co-{n}", "COMPANY") for n in SMALL)):
        await create_node(store, Label.DONOR, {"key": key, "kind": kind, "province": "IR-00", **names(key)})
    h = hidden
    gifts = (("co-1", "inst-1", 100), ("co-1", "inst-2", 100), ("co-1", "inst-3", 50), ("co-2", "inst-4", 70),
             ("solo-1", "inst-1", h["X1"]), ("solo-1", "inst-2", h["X2"]), ("solo-2", "inst-2", h["Y"]),
             ("solo-2", "inst-3", h["Z"]), ("solo-3", "inst-4", h["W"]), *((f"co-{n}", "inst-3", 20) for n in SMALL))
    for n, (donor, institution, amount) in enumerate(gifts):
        await record_donation(store, donor=donor, institution=institution, amount=amount, date="2024-05-01",
                              key=f"gift-{n}")
    await create_node(store, Label.PERSON, {"key": "person-1", **names("Person")})
    await create_node(store, Label.COUNCIL, {"key": "council-1", "kind": "PARTICIPATION_COUNCIL",
                                             "level": "PROVINCIAL", "provinces": ["IR-00"], **names("Council")})
    for member in ({"donor": "solo-1"}, {"donor": "co-1"}, {"institution": "inst-1"}, {"person": "person-1"}):
        await add_member(store, "council-1", **member)
    await create_node(store, Label.EVENT, {"key": "evt-1", "kind": "MAWKIB", "startsOn": "2024-08-20",
                                           "county": "IR-00-0001", "organiserInstitutions": ["inst-1"],
                                           **names("Mawkib")})


@pytest.fixture(scope="module")
async def worlds(server: EmbeddedServer) -> AsyncIterator[dict[str, FalkorStore]]:
    made: dict[str, FalkorStore] = {}
    try:
        for name, hidden in HIDDEN.items():
            store = FalkorStore(FalkorDB(unix_socket_path=str(server.socket_path)),
                                f"order_{name}_{os.getpid()}", location=str(server.socket_path))
            made[name] = store
            await store.ensure_schema()
            await build(store, hidden)
        yield made
    finally:
        for store in made.values():
            await store.clear()
            await store.close()


class Caller:
    """One role's client on each world."""

    def __init__(self, clients: dict[str, httpx.AsyncClient]) -> None:
        self.clients = clients

    async def post(self, world: str, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.clients[world].post("/graphql", json={"query": query, "variables": variables})
        return response.json()

    async def data(self, world: str, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.post(world, query, **variables)
        assert "errors" not in body, body
        return body["data"]


@pytest.fixture(scope="module")
async def callers(worlds: dict[str, FalkorStore]) -> AsyncIterator[dict[str, Caller]]:
    import contextlib

    async with contextlib.AsyncExitStack() as stack:
        found = {}
        for role in (*PUBLIC_ROLES, *PERSONAL_ROLES):
            clients = {}
            for name, store in worlds.items():
                # many probes from one key: the rate limit is not what this tests
                settings = Settings(anonymous=True, limits=Limits(rate_per_minute=0))
                clients[name] = await stack.enter_async_context(
                    asgi_client(store, settings, role=None if role == "anonymous" else role))
            found[role] = Caller(clients)
        yield found


def sortable_lists() -> dict[str, list[tuple[str, str, str]]]:
    """Sort enum -> every (type, field, argument) taking it, read off the schema."""
    built = graphql_schema(schema)
    found: dict[str, list[tuple[str, str, str]]] = {}
    for type_name, kind in built.type_map.items():
        if type_name.startswith("__") or not isinstance(kind, GraphQLObjectType):
            continue
        for field_name, field in kind.fields.items():
            for arg_name, arg in field.args.items():
                enum = get_named_type(arg.type)
                if isinstance(enum, GraphQLEnumType) and (
                        arg_name in ("orderBy", "order", "sort", "sortBy")
                        or enum.name.endswith(("Sort", "Ordering", "Order"))):
                    found.setdefault(enum.name, []).append((type_name, field_name, arg_name))
    return found


LISTS = sortable_lists()
# Root lists no public role may read at all (supervision records: hub.auth.visibility) withhold
# everything from them, orders included: they are left out here, and proved refused below.
POLICY = policy.table(schema)
REFUSED_TO_PUBLIC = {f for (op, f), access in POLICY.items() if op == "query" and access is not None
                     and not any(access.rights & RIGHTS[Role(r)] for r in PUBLIC_ROLES)}
CONNECTIONS = sorted((enum, t, f) for enum, uses in LISTS.items() if enum not in NETWORK_ORDERS
                     for t, f, arg in uses if not (t == "Query" and f in REFUSED_TO_PUBLIC))


def test_every_ordering_the_schema_offers_is_probed() -> None:
    """A new sort enum or a new sortable field is caught here, before it ships unprobed."""
    assert set(NETWORK_ORDERS) | {e for e in LISTS if e.endswith("Sort")} == set(LISTS), LISTS
    for enum, uses in LISTS.items():
        for type_name, field, arg in uses:
            assert enum in NETWORK_ORDERS or (arg == "orderBy" and type_name in PARENTS), (
                f"{type_name}.{field}({arg}: {enum}) is sortable but no test reads it: add its parent to PARENTS")


def sort_values(enum: str) -> list[str]:
    kind = graphql_schema(schema).type_map[enum]
    assert isinstance(kind, GraphQLEnumType)
    return list(kind.values)


def list_query(values: list[str], type_name: str, field: str) -> str:
    """Each of ``values``, both directions, as aliases of one query of ``type_name.field``."""
    parts = [f"{v.lower()}_{d.lower()}: {field}(first: 50, orderBy: {v}, direction: {d}) "
             f"{{ edges {{ cursor node {{ key }} }} pageInfo {{ endCursor hasNextPage }} }}"
             for v in values for d in ("ASC", "DESC")]
    body = " ".join(parts)
    parent = PARENTS[type_name]
    return f"{{ {parent} {{ {body} }} }}" if parent else f"{{ {body} }}"


async def offered(caller: Caller, enum: str, type_name: str, field: str) -> list[str]:
    """The values of a shared sort enum this list takes; the others are refused cleanly, naming
    ``orderBy`` (CAPACITY sorts an institution's services, not an event's)."""
    body = await caller.post("A", list_query(sort_values(enum), type_name, field))
    if "errors" not in body:
        return sort_values(enum)
    taken = []
    for value in sort_values(enum):
        one = await caller.post("A", list_query([value], type_name, field))
        if "errors" in one:
            error = one["errors"][0]
            assert error["extensions"]["code"] == "VALIDATION_FAILED", one
            assert error["extensions"]["fields"][0]["field"] == "orderBy", one
        else:
            taken.append(value)
    return taken


def lists_of(data: dict[str, Any], type_name: str) -> dict[str, Any]:
    return data if not PARENTS[type_name] else next(iter(data.values()))


def raw(cursor: str) -> bytes:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))


async def test_lists_left_out_are_refused_to_every_public_role(callers: dict[str, Caller]) -> None:
    assert {"complaints", "correctiveActions"} <= REFUSED_TO_PUBLIC
    for field in sorted(REFUSED_TO_PUBLIC & {f for uses in LISTS.values() for t, f, _ in uses if t == "Query"}):
        for role in PUBLIC_ROLES:
            body = await callers[role].post("A", f"{{ {field}(first: 5) {{ totalCount }} }}")
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", (role, field, body)


@pytest.mark.parametrize(("enum", "type_name", "field"), CONNECTIONS)
async def test_public_orders_and_cursors_do_not_depend_on_withheld_amounts(
        callers: dict[str, Caller], enum: str, type_name: str, field: str) -> None:
    query = list_query(await offered(callers["viewer"], enum, type_name, field), type_name, field)
    for role in PUBLIC_ROLES:
        seen: dict[str, dict[str, Any]] = {}
        for world in HIDDEN:
            lists = lists_of(await callers[role].data(world, query), type_name)
            seen[world] = {}
            for alias, conn in lists.items():
                keys = [e["node"]["key"] for e in conn["edges"]]
                sealed = []
                for edge in conn["edges"]:
                    opened = raw(edge["cursor"])
                    # nothing in clear: neither the item's key nor any hidden amount
                    assert edge["node"]["key"].encode() not in opened, (role, alias)
                    assert not any(s.encode() in opened for s in SECRETS), (role, alias)
                    order, position = open_cursor(edge["cursor"], "after")
                    assert order.endswith(".public"), order
                    sealed.append(position)
                # one length for every cursor of a list sorted by a number: no magnitude shows
                if alias.startswith(("donations", "amount", "capacity")):
                    assert len({len(e["cursor"]) for e in conn["edges"]}) <= 1, (role, alias)
                seen[world][alias] = (keys, sealed)
        assert seen["A"] == seen["B"], (role, enum, type_name, field)


async def test_withheld_totals_order_institutions_by_what_the_caller_sees(callers: dict[str, Caller]) -> None:
    query = "{ institutions(orderBy: DONATIONS, direction: DESC) { nodes { key giving { amount suppressed } } } }"
    for role in PUBLIC_ROLES:
        for world in HIDDEN:
            nodes = (await callers[role].data(world, query))["institutions"]["nodes"]
            assert all(n["giving"]["suppressed"] for n in nodes)  # every total withheld...
            # ...and the order is by the company gifts: 150, 100, 100, 70 (ties by key, descending)
            assert [n["key"] for n in nodes] == ["inst-3", "inst-2", "inst-1", "inst-4"], (role, world)
    # the worlds do tell the totals apart, for those who may see them
    full = {world: sum_totals(world) for world in HIDDEN}
    for role in PERSONAL_ROLES:
        for world in HIDDEN:
            nodes = (await callers[role].data(world, query))["institutions"]["nodes"]
            assert [int(n["giving"]["amount"]) for n in nodes] == sorted(full[world].values(), reverse=True)
            assert [n["key"] for n in nodes] == sorted(full[world], key=lambda k: (-full[world][k], k))
    assert sorted(full["A"], key=lambda k: full["A"][k]) != sorted(full["B"], key=lambda k: full["B"][k])


def sum_totals(world: str) -> dict[str, int]:
    h = HIDDEN[world]
    return {"inst-1": 100 + h["X1"], "inst-2": 100 + h["X2"] + h["Y"], "inst-3": 150 + h["Z"], "inst-4": 70 + h["W"]}


@pytest.mark.parametrize("role", [*PUBLIC_ROLES, *PERSONAL_ROLES])
async def test_paging_one_by_one_has_no_gap_and_no_repeat(callers: dict[str, Caller], role: str) -> None:
    for direction in ("ASC", "DESC"):
        whole = (await callers[role].data("A", f"{{ institutions(first: 50, orderBy: DONATIONS, "
                                                f"direction: {direction}) {{ nodes {{ key }} }} }}"))
        expected = [n["key"] for n in whole["institutions"]["nodes"]]
        walked: list[str] = []
        after = None
        while True:
            cursor = f', after: "{after}"' if after else ""
            page = (await callers[role].data("A", f"{{ institutions(first: 1, orderBy: DONATIONS, direction: "
                                                  f"{direction}{cursor}) {{ nodes {{ key }} pageInfo "
                                                  f"{{ endCursor hasNextPage }} }} }}"))["institutions"]
            walked += [n["key"] for n in page["nodes"]]
            after = page["pageInfo"]["endCursor"]
            if not page["pageInfo"]["hasNextPage"]:
                break
        assert walked == expected and sorted(walked) == list(INSTITUTIONS), (role, direction)
        # and back: `last`/`before` the last item gives the items before it, in the same order
        back = (await callers[role].data("A", f'{{ institutions(last: 3, before: "{after}", orderBy: DONATIONS, '
                                              f"direction: {direction}) {{ nodes {{ key }} }} }}"))
        assert [n["key"] for n in back["institutions"]["nodes"]] == expected[:3]


def tampered(cursor: str) -> list[str]:
    middle = len(cursor) // 2
    flipped = cursor[:middle] + ("A" if cursor[middle] != "A" else "B") + cursor[middle + 1:]
    old_format = base64.urlsafe_b64encode(json.dumps([100, "inst-1"]).encode()).decode()
    return [flipped, cursor[:-4], cursor + "AAAA", cursor[:20], old_format, "", "é", "not a cursor", "=" * 8,
            base64.urlsafe_b64encode(raw(cursor)[:12] + b"\0" * 80).decode()]


async def assert_refused(caller: Caller, query: str, field: str = "after") -> None:
    body = await caller.post("A", query)
    errors = body.get("errors") or []
    assert errors, body
    assert errors[0]["extensions"]["code"] == "VALIDATION_FAILED", body
    assert errors[0]["extensions"]["fields"][0]["field"] == field, body


async def test_modified_forged_and_foreign_cursors_are_refused_cleanly(callers: dict[str, Caller]) -> None:
    first = "{ institutions(first: 1, orderBy: DONATIONS) { pageInfo { endCursor } } }"
    viewer, admin = callers["viewer"], callers["admin"]
    mine = (await viewer.data("A", first))["institutions"]["pageInfo"]["endCursor"]
    for bad in tampered(mine):
        await assert_refused(viewer, f'{{ institutions(first: 1, orderBy: DONATIONS, after: {json.dumps(bad)}) '
                                     f"{{ nodes {{ key }} }} }}")
        await assert_refused(viewer, f'{{ institutions(last: 1, orderBy: DONATIONS, before: {json.dumps(bad)}) '
                                     f"{{ nodes {{ key }} }} }}", "before")
    # a cursor of another sort, another kind of item, or another caller's view places no page
    by_name = (await viewer.data("A", "{ institutions(first: 1) { pageInfo { endCursor } } }"))
    donors = (await viewer.data("A", "{ donors(first: 1, orderBy: DONATIONS) { pageInfo { endCursor } } }"))
    admins = (await admin.data("A", first))["institutions"]["pageInfo"]["endCursor"]
    for foreign in (by_name["institutions"]["pageInfo"]["endCursor"], donors["donors"]["pageInfo"]["endCursor"],
                    admins):
        await assert_refused(viewer, f'{{ institutions(first: 1, orderBy: DONATIONS, after: "{foreign}") '
                                     f"{{ nodes {{ key }} }} }}")
    # nested lists too (one cursor for every parent's page)
    await assert_refused(viewer, f'{{ province(key: "IR-00") {{ institutions(orderBy: DONATIONS, after: "{admins}") '
                                 f"{{ nodes {{ key }} }} }} }}")
    # the viewer's own cursor works, in the list it came from
    ok = await viewer.data("A", f'{{ institutions(first: 1, orderBy: DONATIONS, after: "{mine}") '
                                f"{{ nodes {{ key }} }} }}")
    assert ok["institutions"]["nodes"]


SHARED = "{{ sharedDonors(institution: \"inst-2\", order: {order}) {{ other {{ key }} suppressed amountToOther }} }}"


async def test_shared_donors_order_hides_withheld_amounts(callers: dict[str, Caller]) -> None:
    for order in ("SHARED", "JACCARD", "AMOUNT"):
        for role in ("viewer", "planner"):
            seen = {world: (await callers[role].data(world, SHARED.format(order=order)))["sharedDonors"]
                    for world in HIDDEN}
            # the same rows, amounts (withheld, or over the visible gifts only) and order in A and B
            assert seen["A"] == seen["B"], (role, order)
            assert all(o["suppressed"] for o in seen["A"])  # both overlaps involve an individual
            assert [o["other"]["key"] for o in seen["A"]] == ["inst-1", "inst-3"]
        by_amount = {world: [o["other"]["key"] for o in (await callers["admin"].data(
            world, SHARED.format(order="AMOUNT")))["sharedDonors"]] for world in HIDDEN}
    assert by_amount == {"A": ["inst-1", "inst-3"], "B": ["inst-3", "inst-1"]}


NETWORK = ("query($c: ID!, $limit: Int!) { network(center: $c, depth: 1, relations: [DONATIONS], limit: $limit) "
           "{ truncated nodes { id hop } } }")


async def test_the_drawn_network_is_ranked_without_withheld_amounts(callers: dict[str, Caller]) -> None:
    center = to_base64("Institution", "inst-2")
    for role in ("viewer", "planner"):
        for limit in (2, 3, 10):
            seen = {world: await callers[role].data(world, NETWORK, c=center, limit=limit) for world in HIDDEN}
            assert seen["A"] == seen["B"], (role, limit)
        nodes = seen["A"]["network"]["nodes"]
        # the company's gift ranks first; the individuals' (weighing nothing) follow by key
        assert nodes[1]["id"] == to_base64("Donor", "co-1")
    kept = {world: (await callers["admin"].data(world, NETWORK, c=center, limit=2))["network"]["nodes"][1]["id"]
            for world in HIDDEN}
    assert kept == {"A": to_base64("Donor", "solo-1"), "B": to_base64("Donor", "solo-2")}


def test_a_configured_key_outlives_the_process_and_no_other_key_opens_its_cursors() -> None:
    """HUB_CURSOR_KEY: a restarted server (or another worker) with the same key opens the cursor; a
    server with another key, or none, refuses it; and one position seals differently every time."""
    position = ("2024-05-01", "inst-1")
    sealed = Cursors("one secret").seal("Institution.DONATIONS.public", position)
    assert Cursors("one secret").open(sealed, "after") == ("Institution.DONATIONS.public", position)
    assert Cursors("one secret").seal("Institution.DONATIONS.public", position) != sealed
    for other in (Cursors("another secret"), Cursors()):
        with pytest.raises(ValidationFailed) as refused:
            other.open(sealed, "after")
        assert [e.field for e in refused.value.errors] == ["after"]
    assert Settings.from_env({"HUB_CURSOR_KEY": "one secret"}).cursor_key == "one secret"


COMMUNITIES = "{ communities(projection: INSTITUTIONS) { communities { members { key } donors { donor { key } } } } }"


async def test_a_communitys_main_donors_are_cut_after_the_hidden_ones_are_left_out(callers: dict[str, Caller]) -> None:
    """Cut at five before the individuals were left out, a viewer saw three donors in A (two
    individuals outgave the fourth company) and four in B: the gap told the hidden amounts' rank."""
    for role in ("viewer", "planner"):
        seen = {world: (await callers[role].data(world, COMMUNITIES))["communities"] for world in HIDDEN}
        assert seen["A"] == seen["B"], role
        tied = next(c for c in seen["A"]["communities"] if {"key": "inst-1"} in c["members"])
        assert [d["donor"]["key"] for d in tied["donors"]] == ["co-1", "co-3", "co-4", "co-5", "co-6"]
    admin = (await callers["admin"].data("A", COMMUNITIES))["communities"]["communities"]
    tied = next(c for c in admin if {"key": "inst-1"} in c["members"])
    assert [d["donor"]["key"] for d in tied["donors"]] == ["solo-2", "solo-1", "co-1", "co-3", "co-4"]
