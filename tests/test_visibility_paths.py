"""Every path to an individual donor, read as every role: only roles with the PERSONAL right see one.

An individual donor ("solo") gives to an institution and to an event and sits on a council. The
document below reaches it every way the API offers: root lists (with a filter asking for
individuals outright), by key, by global id (node, nodes), through the links of institutions,
counties, provinces, councils and events, through donation and membership lists, and through the
results of the mutations a role without PERSONAL may run (a planner's setNeed and removeNeed,
whose Need leads to its county and province and on to their donors). Each request's visibility
(hub.auth.visibility) is the one thing deciding, on every path, mutation results included.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from strawberry.relay import to_base64

from graph_model.stores.falkordb import FalkorStore
from hub.auth import policy
from hub.auth.principal import RIGHTS, Right, Role
from hub.schema import schema
from hub.settings import Settings
from tests.asgi import asgi_client
from tests.builders import GIFTS, SOLO, build_solo_world

SEAT = f"council-1|Donor|{SOLO}"
PERSONAL_ROLES = {role.value for role in Role if Right.PERSONAL in RIGHTS[role]}
DONATIONS = "donations(first: 50) { totalCount nodes { key amount donor { key nameEn } } }"
DONORS = "donors(first: 50) { totalCount nodes { key nameEn } }"
MEMBERS = "members(first: 50) { totalCount nodes { key member { __typename ... on Donor { key } } } }"
# What a county or province leads to, in a query or below a mutation's result.
PLACE = f"""institutions(first: 50) {{ nodes {{ {DONORS} {DONATIONS} }} }}"""
PROVINCE = f"""{DONORS} {DONATIONS} {PLACE} councils(first: 50) {{ nodes {{ {MEMBERS} }} }}"""

PATHS = f"""{{
  donors(first: 50) {{ totalCount nodes {{ key }} }}
  individuals: donors(first: 50, filter: {{kind: [INDIVIDUAL]}}) {{ totalCount nodes {{ key }} }}
  {DONATIONS}
  individualGifts: donations(first: 50, filter: {{donorKind: [INDIVIDUAL]}}) {{ totalCount nodes {{ key }} }}
  donor(key: "{SOLO}") {{ key nameEn }}
  gift: donation(key: "{GIFTS[0]}") {{ key amount }}
  eventGift: donation(key: "{GIFTS[1]}") {{ key amount }}
  byId: node(id: "{to_base64("Donor", SOLO)}") {{ id }}
  giftById: node(id: "{to_base64("Donation", GIFTS[0])}") {{ id }}
  seatById: node(id: "{to_base64("Membership", SEAT)}") {{ id }}
  byIds: nodes(ids: ["{to_base64("Donor", SOLO)}", "{to_base64("Donation", GIFTS[1])}",
                     "{to_base64("Membership", SEAT)}"]) {{ id }}
  institution(key: "inst-a") {{ {DONORS} {DONATIONS} }}
  county(key: "IR-00-0001") {{ {PLACE} }}
  province(key: "IR-00") {{ {PROVINCE} }}
  council(key: "council-1") {{ {MEMBERS} }}
  councils(first: 50) {{ nodes {{ {MEMBERS} }} }}
  event(key: "evt-1") {{ {DONATIONS} }}
}}"""
# The mutations a role without PERSONAL may run, each with a result selection reaching donors.
NEED = f"""... on Need {{ county {{ {PLACE} province {{ {PROVINCE} }} }} }}"""
MUTATION_PROBES = {
    "setNeed": f"""mutation {{ m: setNeed(county: "IR-00-0001", targetGroup: "tg-elderly", people: 9, source: "s",
                                         year: 1402) {{ __typename {NEED} }} }}""",
    "removeNeed": f"""mutation {{ m: removeNeed(county: "IR-00-0001", targetGroup: "tg-elderly")
                                 {{ __typename {NEED} }} }}""",
}
# The mutations of supervision (issue 19), open to supervisors (no PERSONAL): each result leads to the
# institution, whose donors and gifts they must not see. Run in this order (the action and the complaint
# the later ones change are made by the earlier ones).
OF_INSTITUTION = f"institution {{ {DONORS} {DONATIONS} }}"
SUPERVISION_PROBES = {
    "recordAssessment": f"""mutation {{ m: recordAssessment(input: {{institution: "inst-a", framework: "fw-1",
        level: COUNTY, date: "2024-05-01", assessorKind: OFFICE, key: "vis-asmt",
        scores: [{{criterion: "crit-1", value: 3}}], actions: [{{description: "Fix", dueOn: "2024-06-01"}}]}})
        {{ __typename ... on Assessment {{ {OF_INSTITUTION} }} }} }}""",
    "setCorrectiveActionStatus": f"""mutation {{ m: setCorrectiveActionStatus(key: "vis-asmt-action-1", status: DONE,
        doneOn: "2024-05-02") {{ __typename ... on CorrectiveAction {{ assessment {{ {OF_INSTITUTION} }} }} }} }}""",
    "createComplaint": f"""mutation {{ m: createComplaint(input: {{key: "vis-cmp", institution: "inst-a",
        summary: "Cold", receivedOn: "2024-03-01", status: OPEN}}) {{ __typename ... on Complaint {{ {OF_INSTITUTION} }}
        }} }}""",
    "updateComplaint": f"""mutation {{ m: updateComplaint(key: "vis-cmp", input: {{status: CLOSED}})
        {{ __typename ... on Complaint {{ {OF_INSTITUTION} }} }} }}""",
}
# Where the individual shows for a role with PERSONAL (the same document): each path is proved to
# reach it, so its absence for the other roles is the rule at work, not a path that reaches nothing.
IDS = (to_base64("Donor", SOLO), to_base64("Donation", GIFTS[0]), to_base64("Donation", GIFTS[1]),
       to_base64("Membership", SEAT))  # global ids: base64, so "solo" does not show in them
SHOWN = ("donors", "individuals", "donations", "individualGifts", "donor", "gift", "eventGift", "byId", "giftById",
         "seatById", "byIds", "institution", "county", "province", "council", "councils", "event")


@pytest.fixture
async def solo_world(store: FalkorStore) -> FalkorStore:
    return await build_solo_world(store)


def _client(store: FalkorStore, role: str) -> Any:
    return asgi_client(store, Settings(anonymous=True), role=None if role == "anonymous" else role,
                       institution="inst-a" if role == "institution" else None)


async def _post(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]


def _hidden(data: Any) -> None:
    text = str(data)
    assert "solo" not in text.lower() and "1234567" not in text and "7654321" not in text, text
    assert not any(i in text for i in IDS), text


async def test_every_path_to_an_individual_donor_as_every_role(solo_world: FalkorStore) -> None:
    for role in Role:
        async with _client(solo_world, role.value) as client:
            data = await _post(client, PATHS)
        if role.value in PERSONAL_ROLES:
            missing = [path for path in SHOWN if "solo" not in str(data[path]) and not any(i in str(data[path])
                                                                                           for i in IDS)]
            assert not missing, f"{role.value}: the individual is not reached through {missing}"
            assert data["donors"]["totalCount"] == 2 and data["individuals"]["totalCount"] == 1
        else:
            _hidden(data)
            assert data["donors"]["totalCount"] == 1 and data["individuals"]["totalCount"] == 0, role
            assert data["individualGifts"]["totalCount"] == 0 and data["donations"]["totalCount"] == 1, role
            assert data["byIds"] == [None, None, None] and data["seatById"] is None, role
            assert data["byId"] is None and data["giftById"] is None and data["donor"] is None, role


async def test_mutation_results_are_read_as_the_caller(solo_world: FalkorStore) -> None:
    """The loaders rebuilt after a write keep the caller's visibility: a planner's setNeed result
    hides the donor its plain query hides, an admin's shows it."""
    for role in ("planner", "admin"):
        async with _client(solo_world, role) as client:
            for name, mutation in MUTATION_PROBES.items():
                data = await _post(client, mutation)
                assert data["m"]["__typename"] == "Need", (role, name, data)
                if role in PERSONAL_ROLES:
                    assert SOLO in str(data), (role, name)
                else:
                    _hidden(data)
    async with _client(solo_world, "editor") as client:  # a writer's results (editors hold PERSONAL)
        data = await _post(client, f'mutation {{ m: updateInstitution(key: "inst-a", input: {{residents: 3}}) '
                                   f"{{ ... on Institution {{ {DONORS} {DONATIONS} }} }} }}")
        assert SOLO in str(data["m"]["donors"]) and GIFTS[0] in str(data["m"]["donations"])


def test_every_mutation_open_to_a_role_without_personal_is_probed() -> None:
    """A mutation a role without PERSONAL may run must have its result read above; a role that
    writes donors' records (donations, seats: the result is the record itself) must hold PERSONAL."""
    table = policy.table(schema)
    blind = [role for role in Role if Right.PERSONAL not in RIGHTS[role]]
    open_to_blind = {name for (operation, name), access in table.items()
                     if operation == "mutation" and access is not None
                     and any(access.rights & RIGHTS[role] for role in blind)}
    assert open_to_blind == set(MUTATION_PROBES) | set(SUPERVISION_PROBES)
    assert all(Right.PERSONAL in rights for rights in RIGHTS.values() if Right.WRITE in rights)


async def test_supervision_results_are_read_as_the_caller(solo_world: FalkorStore) -> None:
    """A supervisor's (no PERSONAL) supervision mutations lead to the institution; its individual donor
    stays hidden there, as in a plain query."""
    async with _client(solo_world, "supervisor") as client:
        for name, mutation in SUPERVISION_PROBES.items():
            data = await _post(client, mutation)
            assert data["m"]["__typename"] in ("Assessment", "CorrectiveAction", "Complaint"), (name, data)
            assert "totalCount" in str(data), (name, data)  # the institution's lists were read
            _hidden(data)
