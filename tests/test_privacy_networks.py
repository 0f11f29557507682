"""Donor privacy beyond the directory: the networks, the 3W matrix and its CSV export, and the
overview's donation years, through the ASGI app, as a viewer (no PERSONAL right) and as a council
member (PERSONAL), over a hand-made graph with known answers.

Markazi (IR-00): a1, a2 (county IR-00-0001) and b1 (IR-00-0002) offer svc-care; a3 (IR-00-0001)
offers nothing. Gifts, all on 2024-05-01 (Solar Hijri 1403) unless told:

    co-1 (company)      a1 100,000   a2 100,000   b1 50,000
    co-2 (foundation)   b1 70,000 on 2023-06-01 (1402)
    solo-1 (individual) a1 3,333     a2 2,222
    solo-2 (individual) a2 4,444     a3 1,111

solo-1 and a1 sit on council-1. So the 3W cell (IR-00-0001, svc-care) has 3 funders, two of them
individuals, and 209,999 rials (a viewer: 1 funder, 200,000); the cell (IR-00-0002, svc-care)
2 funders, no individual, 120,000. a1 and a2 share co-1 and solo-1 (one individual): 103,333 to
a1 and 102,222 to a2 (a viewer: co-1's 100,000 each). The country's 1403 has 261,110 rials from
co-1, solo-1 and solo-2; 1402 has 70,000 from co-2.

The last tests attack as a viewer would: everything the networks and the 3W matrix show, in
several windows and orders, must not change when only individual donors' amounts change.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from strawberry.relay import to_base64

from graph_model.enums import Label
from graph_model.mutations import add_member, create_node, offer_service, record_donation, update_donation
from graph_model.privacy import pseudonym
from hub.http.exports import three_w_export
from hub.settings import Limits, Settings
from tests.asgi import asgi_client, token
from tests.builders import names

SOLO = ("solo-1", "solo-2")
SOLO_NAMES = ("Secret Person",)
SOLO_IDS = tuple(to_base64("Donor", key) for key in SOLO)


async def build(store: Any) -> list[str]:
    """The graph above; returns the keys of the individual donors' gifts."""
    await create_node(store, Label.PROVINCE, {"key": "IR-00", **names("Markazi")})
    for key, lat, lon in (("IR-00-0001", 34.0, 49.7), ("IR-00-0002", 34.1, 50.0)):
        await create_node(store, Label.COUNTY, {"key": key, "province": "IR-00", "lat": lat, "lon": lon,
                                                **names(key)})
    await create_node(store, Label.TARGET_GROUP, {"key": "tg-elderly", **names("Elderly")})
    await create_node(store, Label.SERVICE, {"key": "svc-care", "domain": "SOCIAL", "targetGroups": ["tg-elderly"],
                                             **names("Care")})
    for key, county in (("a1", "IR-00-0001"), ("a2", "IR-00-0001"), ("a3", "IR-00-0001"), ("b1", "IR-00-0002")):
        await create_node(store, Label.INSTITUTION, {"key": key, "kind": "CHARITY", "county": county,
                                                     **names(f"Institution {key}")})
    for key in ("a1", "a2", "b1"):
        await offer_service(store, key, "svc-care", capacity=10)
    for key, kind, en in (("co-1", "COMPANY", "Company One"), ("co-2", "FOUNDATION", "Foundation Two"),
                          ("solo-1", "INDIVIDUAL", "Secret Person 1"), ("solo-2", "INDIVIDUAL", "Secret Person 2")):
        await create_node(store, Label.DONOR, {"key": key, "kind": kind, "province": "IR-00", **names(en)})
    gifts = (("co-1", "a1", 100_000), ("co-1", "a2", 100_000), ("co-1", "b1", 50_000), ("solo-1", "a1", 3_333),
             ("solo-1", "a2", 2_222), ("solo-2", "a2", 4_444), ("solo-2", "a3", 1_111))
    individual = []
    for donor, institution, amount in gifts:
        row = await record_donation(store, donor=donor, institution=institution, amount=amount, date="2024-05-01")
        if donor.startswith("solo-"):
            individual.append(row["key"])
    await record_donation(store, donor="co-2", institution="b1", amount=70_000, date="2023-06-01")
    await create_node(store, Label.COUNCIL, {"key": "council-1", "kind": "PARTICIPATION_COUNCIL",
                                             "level": "PROVINCIAL", "provinces": ["IR-00"], **names("Council")})
    await add_member(store, "council-1", donor="solo-1")
    await add_member(store, "council-1", institution="a1")
    return individual


@pytest.fixture
async def privacy_world(store: Any) -> AsyncIterator[Any]:
    await build(store)
    yield store


async def gql(http: httpx.AsyncClient, query: str, role: str | None = None, **variables: Any) -> dict[str, Any]:
    """The data of a query, as the client's role (or as ``role``, on the same app and cache)."""
    headers = {"Authorization": f"Bearer {token(role)}"} if role else {}
    response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


async def gql_error(http: httpx.AsyncClient, query: str, **variables: Any) -> str:
    body = (await http.post("/graphql", json={"query": query, "variables": variables})).json()
    return body["errors"][0]["extensions"]["code"]


def assert_no_identity(data: Any) -> None:
    """No individual donor's key, name or global id anywhere in an answer."""
    text = json.dumps(data, ensure_ascii=False)
    for secret in (*SOLO, *SOLO_NAMES, *SOLO_IDS):
        assert secret not in text, secret


ACTOR = "key kind withheld nameEn nameFa entity { ... on Donor { key } }"

NETWORK_QUERIES = {
    "brokers": f"{{ brokers(projection: DONORS, metric: DEGREE, first: 10) "
               f"{{ items {{ value actor {{ {ACTOR} }} }} }} }}",
    "projection": f"""{{ networkProjection(of: "co-1", projection: DONORS) {{
        links {{ shared a {{ {ACTOR} }} b {{ {ACTOR} }} }} }} }}""",
    "communities": f"""{{ communities(projection: INSTITUTIONS) {{ communities {{ members {{ key }}
        donors {{ amount institutions donor {{ {ACTOR} }} }} }} }} }}""",
    "donorCommunities": f"{{ communities(projection: DONORS) {{ communities {{ members {{ {ACTOR} }} }} }} }}",
    "shared": f"""{{ sharedDonors(institution: "a1") {{ other {{ key }} shared amountToInstitution amountToOther
        suppressed donors {{ {ACTOR} }} }} }}""",
    "overlap": f"""{{ donorOverlap(institution: "a1", other: "a2") {{ shared amountToInstitution amountToOther
        suppressed donors {{ {ACTOR} }} }} }}""",
    "suggestions": f"""{{ donorSuggestions(institution: "a3") {{ score donor {{ {ACTOR} }}
        reasons {{ kind detail evidence }} }} }}""",
    "neighbourhood": f"""query($c: ID!) {{ network(center: $c) {{ center nodes {{ id hop actor {{ {ACTOR} }} }}
        edges {{ source target type weight amount count role }} }} }}""",
    "connection": f"""query($s: ID!, $t: ID!) {{ connection(source: $s, target: $t) {{ hops
        paths {{ nodes {{ id actor {{ {ACTOR} }} }}
                 steps {{ source target type amount count firstDate lastDate role }} }} }} }}""",
}
VARIABLES = {"neighbourhood": {"c": to_base64("Institution", "a1")},
             "connection": {"s": to_base64("Institution", "a2"), "t": to_base64("Council", "council-1")}}


async def test_viewer_sees_no_individual_donor_in_any_network_query(privacy_world: Any) -> None:
    async with asgi_client(privacy_world, role="viewer") as http:
        found = {name: await gql(http, q, **VARIABLES.get(name, {})) for name, q in NETWORK_QUERIES.items()}
    for data in found.values():
        assert_no_identity(data)
    hidden = {pseudonym(k) for k in SOLO}
    items = found["brokers"]["brokers"]["items"]
    assert {i["actor"]["key"] for i in items} == {"co-1", "co-2", *hidden}  # still ranked, under pseudonyms
    for i in items:
        withheld = i["actor"]["key"] in hidden
        assert i["actor"]["withheld"] is withheld
        assert (i["actor"]["nameEn"] is None, i["actor"]["entity"] is None) == (withheld, withheld)
    links = found["projection"]["networkProjection"]["links"]
    ends = {end["key"] for link in links for end in (link["a"], link["b"])} - {"co-1"}
    assert ends == {"co-2", *hidden}  # co-1 co-funds b1 with co-2, a1 and a2 with solo-1, a2 with solo-2
    for community in found["communities"]["communities"]["communities"]:
        assert {d["donor"]["key"] for d in community["donors"]} <= {"co-1", "co-2"}
    members = {m["key"] for c in found["donorCommunities"]["communities"]["communities"] for m in c["members"]}
    assert members == {"co-1", "co-2", *hidden}
    shared = found["shared"]["sharedDonors"]
    a2 = next(o for o in shared if o["other"]["key"] == "a2")
    # co-1's gifts only: solo-1's are left out, whatever k
    assert (a2["shared"], a2["amountToInstitution"], a2["amountToOther"], a2["suppressed"]) == (
        2, "100000", "100000", True)
    assert [d["key"] for d in a2["donors"]] == ["co-1"]
    overlap = found["overlap"]["donorOverlap"]
    assert (overlap["shared"], overlap["suppressed"], overlap["amountToInstitution"]) == (2, True, "100000")
    suggestions = found["suggestions"]["donorSuggestions"]
    assert {s["donor"]["key"] for s in suggestions} == {"co-1", "co-2"}  # solo-1 (a candidate) left out
    co_funding = [r for s in suggestions if s["donor"]["key"] == "co-1" for r in s["reasons"]
                  if r["kind"] == "CO_FUNDING"]
    assert co_funding and co_funding[0]["evidence"] == [pseudonym("solo-2")]  # a3's current donor, unnamed
    net = found["neighbourhood"]["network"]
    ids = {n["id"] for n in net["nodes"]}
    solo_id = to_base64("Donor", pseudonym("solo-1"))
    assert solo_id in ids
    gifts = {(e["source"], e["target"]): e for e in net["edges"] if e["type"] == "DONATED_TO"}
    for target in ("a1", "a2"):
        edge = gifts[(solo_id, to_base64("Institution", target))]
        assert (edge["amount"], edge["count"], edge["weight"]) == (None, None, None)
    company = {e["target"]: e["weight"] for (s, _), e in gifts.items() if s == to_base64("Donor", "co-1")}
    assert sorted(company.values()) == [0.5, 1.0, 1.0]  # 50,000 and 100,000 over the largest shown
    seat = next(e for e in net["edges"] if e["type"] == "DONOR_MEMBER_OF")
    assert seat["source"] == solo_id and seat["role"] == "MEMBER"
    path = found["connection"]["connection"]["paths"][0]
    assert [n["actor"]["key"] for n in path["nodes"]] == ["a2", pseudonym("solo-1"), "council-1"]
    gift = path["steps"][0][0]
    assert (gift["type"], gift["amount"], gift["count"], gift["firstDate"]) == ("DONATED_TO", None, None, None)


async def test_council_member_sees_individual_donors(privacy_world: Any) -> None:
    async with asgi_client(privacy_world, role="council_member") as http:
        found = {name: await gql(http, q, **VARIABLES.get(name, {})) for name, q in NETWORK_QUERIES.items()}
    items = found["brokers"]["brokers"]["items"]
    assert {i["actor"]["key"] for i in items} == {"co-1", "co-2", *SOLO}
    assert not any(i["actor"]["withheld"] for i in items)
    named = {i["actor"]["key"]: i["actor"]["nameEn"] for i in items}
    assert named["solo-1"] == "Secret Person 1"
    overlap = found["overlap"]["donorOverlap"]
    assert (overlap["amountToInstitution"], overlap["amountToOther"], overlap["suppressed"]) == (
        "103333", "102222", False)
    assert [d["key"] for d in overlap["donors"]] == ["co-1", "solo-1"]
    assert {s["donor"]["key"] for s in found["suggestions"]["donorSuggestions"]} == {"co-1", "co-2", "solo-1"}
    net = found["neighbourhood"]["network"]
    gift = next(e for e in net["edges"] if e["source"] == SOLO_IDS[0] and e["target"] == to_base64("Institution", "a1"))
    assert (gift["amount"], gift["count"]) == ("3333", 1)
    path = found["connection"]["connection"]["paths"][0]
    assert path["steps"][0][0]["amount"] == "2222" and path["nodes"][1]["actor"]["nameEn"] == "Secret Person 1"


async def test_an_individual_donor_asked_for_by_key_is_unknown_to_a_viewer(privacy_world: Any) -> None:
    query = NETWORK_QUERIES["neighbourhood"]
    async with asgi_client(privacy_world, role="viewer") as http:
        assert await gql_error(http, query, c=SOLO_IDS[0]) == "NOT_FOUND"
        assert await gql_error(http, query, c=to_base64("Donor", "nobody")) == "NOT_FOUND"
        assert await gql_error(http, query, c=to_base64("Donor", pseudonym("solo-1"))) == "NOT_FOUND"
        assert await gql_error(http, NETWORK_QUERIES["connection"], s=SOLO_IDS[0],
                               t=to_base64("Institution", "a1")) == "NOT_FOUND"
        of = await gql(http, '{ networkProjection(of: "solo-1", projection: DONORS) { nodes links { shared } } }')
        assert of["networkProjection"] == {"nodes": 4, "links": []}
        # the same app and cache, asked by a council member in between: the full answer for them ...
        full = await gql(http, query, role="council_member", c=SOLO_IDS[0])
        assert {n["actor"]["key"] for n in full["network"]["nodes"]} >= {"solo-1", "a1", "a2", "council-1"}
        # ... and still the redacted one for the viewer, whatever the cache holds.
        again = await gql(http, NETWORK_QUERIES["neighbourhood"], c=to_base64("Institution", "a1"))
        assert_no_identity(again)


WHO = """query($scope: NetworkScopeInput) { whoWhatWhere(scope: $scope) {
    areaKey serviceKey implementers funders funding fundingSuppressed } }"""


def cells(data: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {r["areaKey"]: (r["funders"], r["funding"], r["fundingSuppressed"]) for r in data["whoWhatWhere"]}


async def test_who_what_where_shows_a_viewer_only_gifts_it_may_see(privacy_world: Any) -> None:
    async with asgi_client(privacy_world, role="viewer") as http:
        viewer = cells(await gql(http, WHO))
        council = cells(await gql(http, WHO, role="council_member"))
    assert viewer == {"IR-00-0001": (1, "200000", True), "IR-00-0002": (2, "120000", False)}
    assert council == {"IR-00-0001": (3, "209999", False), "IR-00-0002": (2, "120000", False)}
    # Whatever k: an aggregate over k individuals, less the same one in a shorter window (or a
    # cell less institutions' giving totals), would give one back.
    for k in (1, 2, 3):
        async with asgi_client(privacy_world, settings=Settings(privacy_k=k), role="viewer") as http:
            assert cells(await gql(http, WHO)) == viewer
    # A window without the individuals' gifts (1402) has nothing to suppress.
    async with asgi_client(privacy_world, role="viewer") as http:
        year = cells(await gql(http, WHO, scope={"jalaliYear": 1402}))
    assert year == {"IR-00-0001": (0, "0", False), "IR-00-0002": (1, "70000", False)}


def csv_cells(response: httpx.Response) -> dict[str, tuple[str, str, str]]:
    """Funders, funding and whether individual donors' gifts were left out, per county."""
    header, tags, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    at = {tag: n for n, tag in enumerate(tags)}
    return {r[at["#adm2+code"]]: (r[at["#org+funding+num"]], r[at["#value+funding+irr"]],
                                  r[at["#status+funding_withheld"]]) for r in rows}


async def test_3w_export_runs_as_the_caller_and_applies_privacy(privacy_world: Any) -> None:
    async with asgi_client(privacy_world, role="viewer") as http:
        viewer = await http.get("/export/3w.csv")
        council = await http.get("/export/3w.csv", headers={"Authorization": f"Bearer {token('council_member')}"})
        coverage = await http.get("/export/coverage.csv", params={"service": "svc-care"})
    assert viewer.status_code == council.status_code == coverage.status_code == 200
    assert csv_cells(viewer) == {"IR-00-0001": ("1", "200000", "yes"), "IR-00-0002": ("2", "120000", "no")}
    assert csv_cells(council) == {"IR-00-0001": ("3", "209999", "no"), "IR-00-0002": ("2", "120000", "no")}
    async with asgi_client(privacy_world, settings=Settings(privacy_k=2), role="viewer") as http:
        assert csv_cells(await http.get("/export/3w.csv"))["IR-00-0001"] == ("1", "200000", "yes")
    async with asgi_client(privacy_world, settings=Settings(anonymous=True), role=None) as http:  # no credentials
        assert csv_cells(await http.get("/export/3w.csv"))["IR-00-0001"] == ("1", "200000", "yes")
    async with asgi_client(privacy_world, role=None) as http:
        refused = await http.get("/export/3w.csv")
    assert refused.status_code == 401 and refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # Errors carry the GraphQL shape as well as the exports' first one.
    async with asgi_client(privacy_world, role="viewer") as http:
        wrong = (await http.get("/export/3w.csv", params={"nope": "1"})).json()
    assert wrong["errors"][0]["extensions"]["code"] == wrong["error"]["code"] == "VALIDATION_FAILED"


async def test_an_export_without_a_checked_caller_is_refused(privacy_world: Any) -> None:
    # The auth middleware always sets the principal; should it not run, the export serves nothing.
    scope = {"type": "http", "method": "GET", "path": "/export/3w.csv", "query_string": b"", "headers": [],
             "state": {"store": privacy_world, "settings": Settings()}}
    response = await three_w_export(Request(scope))
    assert response.status_code == 401 and json.loads(bytes(response.body))["errors"][0]["extensions"]["code"] == (
        "UNAUTHENTICATED")


DONATIONS = """{ overview { donations { amount donations suppressed
    years { year amount donations donors suppressed } } } }"""


async def test_overview_donation_years_are_suppressed_below_k(privacy_world: Any) -> None:
    async with asgi_client(privacy_world, role="viewer") as http:
        viewer = (await gql(http, DONATIONS))["overview"]["donations"]
        council = (await gql(http, DONATIONS, role="council_member"))["overview"]["donations"]
    assert council == {"amount": "331110", "donations": 8, "suppressed": False, "years": [
        {"year": 1402, "amount": "70000", "donations": 1, "donors": 1, "suppressed": False},
        {"year": 1403, "amount": "261110", "donations": 7, "donors": 3, "suppressed": False}]}
    # 1403 has two individual donors: withheld, and so is the total (it would give 1403 away).
    assert viewer == {"amount": None, "donations": None, "suppressed": True, "years": [
        {"year": 1402, "amount": "70000", "donations": 1, "donors": 1, "suppressed": False},
        {"year": 1403, "amount": None, "donations": None, "donors": None, "suppressed": True}]}
    async with asgi_client(privacy_world, settings=Settings(privacy_k=2), role="viewer") as http:
        assert (await gql(http, DONATIONS))["overview"]["donations"] == council
    gregorian = '{ overview(county: "IR-00-0002") { donations(calendar: GREGORIAN) { amount suppressed } } }'
    async with asgi_client(privacy_world, role="viewer") as http:  # b1's county: companies only
        assert (await gql(http, gregorian))["overview"]["donations"] == {"amount": "120000", "suppressed": False}


async def test_individual_donors_by_lookup_and_by_reading_them_all_agree(privacy_world: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Many keys are answered by reading every individual donor at once: the same answer."""
    from graph_model import privacy

    keys = ["co-1", "co-2", "solo-1", "solo-2", "nobody"]
    looked_up = await privacy.individual_donors(privacy_world, keys)
    monkeypatch.setattr(privacy, "LOOKUP_MOST", 0)
    assert await privacy.individual_donors(privacy_world, keys) == looked_up == frozenset(SOLO)
    assert await privacy.individual_donors(privacy_world, ["co-1"]) == frozenset()


# --- attacks: what an individual's amount changes in a viewer's answers (nothing) ----------------

# More gifts of individuals, so overlaps and cells cover two of them (k = 2 below would show them
# under a threshold rule), in two years, so windows cut them.
ATTACK_GIFTS = (("solo-2", "a1", 5_555, "2024-05-01"), ("solo-1", "b1", 6_666, "2023-06-01"),
                ("solo-2", "b1", 7_777, "2024-05-01"), ("solo-1", "a3", 8_888, "2023-06-01"))
WINDOWS: tuple[dict[str, Any] | None, ...] = (
    None, {"jalaliYear": 1402}, {"jalaliYear": 1403}, {"since": "2024-01-01"}, {"until": "2024-01-01"},
    {"province": "IR-00", "since": "2023-01-01", "until": "2024-12-31"})
OVERLAP = "shared amountToInstitution amountToOther suppressed jaccard other { key } donors { key }"
WINDOWED = {
    **{f"shared {i} {o}": f"""query($scope: NetworkScopeInput) {{ sharedDonors(institution: "{i}", scope: $scope,
           order: {o}, first: {n}) {{ {OVERLAP} }} }}""" for i in ("a1", "a2", "b1") for o in ("AMOUNT", "SHARED")
       for n in (1, 10)},
    **{f"overlap {i} {o}": f"""query($scope: NetworkScopeInput) {{ donorOverlap(institution: "{i}", other: "{o}",
           scope: $scope) {{ {OVERLAP} }} }}""" for i, o in (("a1", "a2"), ("a1", "b1"), ("a2", "b1"), ("a2", "a3"))},
    "communities": """query($scope: NetworkScopeInput) { communities(scope: $scope, resolution: 2.0) {
        modularity communities { members { key } donors { amount institutions donor { key } } } } }""",
    "projection": """query($scope: NetworkScopeInput) { networkProjection(of: "a2", scope: $scope) {
        totalWeight links { weight givingWeight shared a { key } b { key } } } }""",
    "donor projection": """query($scope: NetworkScopeInput) { networkProjection(of: "co-1", scope: $scope,
        projection: DONORS, weighting: JACCARD) { totalWeight links { weight shared a { key } b { key } } } }""",
    "brokers": """query($scope: NetworkScopeInput) { brokers(scope: $scope, metric: BETWEENNESS, first: 10) {
        items { value actor { key } } } }""",
    "strength": """query($scope: NetworkScopeInput) { brokers(scope: $scope, metric: STRENGTH,
        projection: DONORS, first: 10) { items { value actor { key } } } }""",
    "3w": """query($scope: NetworkScopeInput) { whoWhatWhere(scope: $scope) {
        areaKey serviceKey funders funding fundingSuppressed } }""",
    "3w provinces": """query($scope: NetworkScopeInput) { whoWhatWhere(scope: $scope, level: PROVINCE) {
        areaKey serviceKey funders funding fundingSuppressed } }""",
}
UNWINDOWED = {
    "suggestions": """{ donorSuggestions(institution: "b1") { score donor { key }
        reasons { kind score detail evidence } } }""",
    "gap": """{ donorSuggestions(service: "svc-care", county: "IR-00-0001") { score donor { key }
        reasons { kind score detail evidence } } }""",
    "neighbourhood": """query($c: ID!) { network(center: $c, depth: 2, limit: 4) { truncated nodes { id hop }
        edges { source target weight amount count } } }""",
}


async def _everything(http: httpx.AsyncClient) -> dict[str, Any]:
    """Every network and 3W answer a viewer gets, in every window, and the 3W CSV."""
    found: dict[str, Any] = {}
    for window in WINDOWS:
        for name, query in WINDOWED.items():
            found[f"{name} {window}"] = await gql(http, query, scope=window)
        params = {k: str(v) for k, v in (window or {}).items()}
        found[f"csv {window}"] = csv_cells(await http.get("/export/3w.csv", params=params))
    for name, query in UNWINDOWED.items():
        found[name] = await gql(http, query, c=to_base64("Institution", "b1"))
    return found


async def test_nothing_a_viewer_sees_moves_with_an_individual_donors_amount(store: Any) -> None:
    """The differencing attack in general form: whatever a viewer subtracts, divides or sorts, the
    answers it has are the same whatever the individual donors gave (k = 2: a threshold alone
    would show the overlaps and cells of two individuals, and one window less another, or one
    overlap less another, would give a gift back)."""
    keys = await build(store)
    for donor, institution, amount, date in ATTACK_GIFTS:
        keys.append((await record_donation(store, donor=donor, institution=institution, amount=amount,
                                           date=date))["key"])
    settings = Settings(privacy_k=2, limits=Limits(rate_per_minute=0))
    async with asgi_client(store, settings=settings, role="viewer") as http:
        before = await _everything(http)
        for n, key in enumerate(keys):  # the individuals' gifts only: ten to a thousand times larger
            await update_donation(store, key, {"amount": 1_000 * (n + 3) ** 3 + 7})
        after = await _everything(http)
        personal = await gql(http, WINDOWED["overlap a1 a2"], role="council_member", scope=None)
    moved = [name for name in before if before[name] != after[name]]
    assert not moved, [(name, before[name], after[name]) for name in moved[:3]]
    assert_no_identity(before)
    # not vacuous: the overlap does hold two individuals' gifts, which a council member sees
    overlap = before["overlap a1 a2 None"]["donorOverlap"]
    assert (overlap["shared"], overlap["suppressed"], overlap["amountToInstitution"]) == (3, True, "100000")
    assert int(personal["donorOverlap"]["amountToInstitution"]) > 100_000
