"""Institution keys: an institution writes its own self-assessments and moves its own corrective actions,
and nothing else; it sees its own findings, actions and complaints and no other institution's.

Through the generated client against the ASGI app (JWT with the `institution` claim), and the key
itself through `hub keys create --role institution --institution KEY` and graph_model.api_keys.
"""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest

from graph_model import api_keys
from graph_model.enums import Label
from graph_model.errors import Forbidden, ValidationFailed
from graph_model.mutations import create_node
from graph_model.mutations.assessments import record_assessment
from graph_model.stores.falkordb import FalkorStore
from hub.auth import policy
from hub.auth.principal import Principal, Role
from hub.schema import schema
from hub.settings import Settings
from hub_client.enums import ActionStatus, AssessmentLevel, AssessorKind, Role as ClientRole
from hub_client.exceptions import GraphQLClientGraphQLMultiError
from tests.asgi import TEST_JWT_KEY, asgi_client
from tests.test_auth_keys import hub_env, new_key
from tests.builders import snapshot
from tests.mutation_client import written
from tests.test_assessments import assessment, build_assessment_world, client

OWN = "inst-a"
SELF = {"level": AssessmentLevel.SELF, "assessorKind": AssessorKind.INSTITUTION, "assessor": "inst-a itself"}
OPEN_TO_IT = {"recordAssessment", "setCorrectiveActionStatus"}


@pytest.fixture
async def world(store: FalkorStore) -> FalkorStore:
    """The assessment world with an office assessment of each institution (findings, one action each) and a
    complaint about each."""
    await build_assessment_world(store)
    for institution in ("inst-a", "inst-b"):
        await record_assessment(store, institution=institution, framework="fw-1", level="COUNTY", date="2024-03-01",
                                assessor_kind="OFFICE", findings=f"findings of {institution}",
                                scores=[{"criterion": "crit-1", "value": 3.0}],
                                actions=[{"description": "Fix it", "dueOn": "2024-04-01"}], key=f"office-{institution}")
        await create_node(store, Label.COMPLAINT, {"key": f"cmp-{institution}", "institution": institution,
                                                   "summary": "Cold rooms", "receivedOn": "2024-03-01",
                                                   "status": "OPEN"})
    return store


def forbidden(caught: pytest.ExceptionInfo[GraphQLClientGraphQLMultiError]) -> bool:
    return (caught.value.errors[0].extensions or {}).get("code") == "FORBIDDEN"


async def test_it_writes_its_own_self_assessment_and_marks_its_own_action_done(world: FalkorStore) -> None:
    async with client(world, "institution", institution=OWN) as hub:
        me = (await hub.me()).me
        assert (me.role, me.institution, me.provinces) == (ClientRole.INSTITUTION, OWN, [])
        made = written(await hub.record_assessment(assessment(key="self-1", **SELF)), "Assessment")
        assert (made.level, made.score, made.findings) == (AssessmentLevel.SELF, 57.5, "Fire exits blocked.")
        done = written(await hub.set_corrective_action_status("office-inst-a-action-1", ActionStatus.DONE,
                                                              done_on="2024-03-15"), "CorrectiveAction")
        assert done.status == ActionStatus.DONE
        written(await hub.set_corrective_action_status("self-1-action-1", ActionStatus.DONE, done_on="2024-05-02"),
                "CorrectiveAction")


REFUSED: dict[str, Any] = {
    "another institution's self-assessment": lambda hub: hub.record_assessment(
        assessment(institution="inst-b", **SELF)),
    "a county-level assessment of its own": lambda hub: hub.record_assessment(
        assessment(**{**SELF, "level": AssessmentLevel.COUNTY})),
    "an office assessor on a self level": lambda hub: hub.record_assessment(
        assessment(**{**SELF, "assessorKind": AssessorKind.OFFICE})),
    "another institution's action": lambda hub: hub.set_corrective_action_status(
        "office-inst-b-action-1", ActionStatus.DONE, done_on="2024-03-15"),
    "createInstitution": lambda hub: hub.create_institution(input={
        "key": "inst-new", "nameFa": "نو", "nameEn": "New", "kind": "CHARITY", "county": "IR-00-0001"}),
    "updateInstitution of its own": lambda hub: hub.update_institution(key=OWN, input={"residents": 3}),
    "createComplaint": lambda hub: hub.create_complaint(input={
        "key": "cmp-new", "institution": OWN, "summary": "x", "receivedOn": "2024-03-01", "status": "OPEN"}),
}


@pytest.mark.parametrize("case", REFUSED)
async def test_it_is_refused_everything_else(world: FalkorStore, case: str) -> None:
    async with client(world, "institution", institution=OWN) as hub:
        before = await snapshot(world)
        with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
            await REFUSED[case](hub)
        assert forbidden(caught), caught.value.errors
        assert await snapshot(world) == before


def test_every_other_mutation_of_the_schema_is_refused_to_it() -> None:
    """Enumerated from the schema's own policy table: any mutation but the two open to SELF_ASSESS is
    refused before it runs (the two are bound to its institution by hub.auth.bound, tested above)."""
    principal = Principal(Role.INSTITUTION, institution=OWN, subject="test:institution")
    table = policy.table(schema)
    mutations = {name: access for (operation, name), access in table.items() if operation == "mutation"}
    assert len(mutations) > 50
    allowed = set()
    for name, access in mutations.items():
        try:
            policy.check(principal, access, name)
            allowed.add(name)
        except Forbidden:
            pass
    assert allowed == OPEN_TO_IT


async def test_it_sees_its_own_findings_actions_and_complaints_only(world: FalkorStore) -> None:
    async with client(world, "institution", institution=OWN) as hub:
        own = (await hub.assessment_detail("office-inst-a")).assessment
        other = (await hub.assessment_detail("office-inst-b")).assessment
        assert own is not None and other is not None
        assert own.findings == "findings of inst-a" and own.scores.total_count == 1 and own.actions.total_count == 1
        assert other.findings is None and other.scores.total_count == 0 and other.actions.total_count == 0
        assert other.score == 60.0  # the score is public
        actions = (await hub.corrective_action_list(first=10)).corrective_actions
        assert [n.key for n in actions.nodes] == ["office-inst-a-action-1"] and actions.total_count == 1
        complaints = (await hub.complaint_list(first=10)).complaints
        assert [n.key for n in complaints.nodes] == ["cmp-inst-a"] and complaints.total_count == 1
        for key, seen in (("inst-a", 1), ("inst-b", 0)):
            institution = (await hub.institution_complaints(key)).institution
            assert institution is not None and institution.complaints.total_count == seen
    async with client(world, "supervisor") as hub:  # a supervisor sees both
        assert (await hub.complaint_list(first=10)).complaints.total_count == 2
        assert (await hub.corrective_action_list(first=10)).corrective_actions.total_count == 2
        other = (await hub.assessment_detail("office-inst-b")).assessment
        assert other is not None and other.findings == "findings of inst-b"


async def test_a_token_of_the_institution_role_must_name_it_and_no_other_role_may(world: FalkorStore) -> None:
    settings = Settings(jwt_key=TEST_JWT_KEY, jwt_algorithm="HS256")

    def signed(**claims: Any) -> str:
        import time
        return jwt.encode({"sub": "u", "exp": int(time.time()) + 60, **claims}, TEST_JWT_KEY, algorithm="HS256")

    async with asgi_client(world, settings, role=None) as http:
        async def me(token: str) -> httpx.Response:
            return await http.post("/graphql", json={"query": "{ me { role institution } }"},
                                   headers={"Authorization": f"Bearer {token}"})

        assert (await me(signed(role="institution"))).status_code == 401
        assert (await me(signed(role="viewer", institution=OWN))).status_code == 401
        ok = await me(signed(role="institution", institution=OWN))
        assert ok.json() == {"data": {"me": {"role": "INSTITUTION", "institution": OWN}}}


async def test_api_keys_carry_the_institution(world: FalkorStore) -> None:
    record, token = await api_keys.create(world, "institution", institution=OWN, note="inst-a's own key")
    assert record.institution == OWN and record.role == "institution"
    for role, institution, field in (("institution", None, "institution"), ("viewer", OWN, "institution"),
                                     ("institution", "inst-none", "institution")):
        with pytest.raises(ValidationFailed) as bad:
            await api_keys.create(world, role, institution=institution)
        assert [e.field for e in bad.value.errors] == [field]
    async with asgi_client(world, role=None) as http:
        answer = await http.post("/graphql", json={"query": "{ me { role institution } }"},
                                 headers={"Authorization": f"Bearer {token}"})
        assert answer.json() == {"data": {"me": {"role": "INSTITUTION", "institution": OWN}}}
        other = 'mutation { setCorrectiveActionStatus(key: "office-inst-b-action-1", status: OPEN) { __typename } }'
        refused = await http.post("/graphql", json={"query": other},
                                  headers={"Authorization": f"Bearer {token}"})
        assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_hub_keys_create_makes_an_institution_key(world: FalkorStore, hub_env: None,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    token = await new_key(capsys, "--role", "institution", "--institution", OWN, "--note", "inst-a's office")
    async with asgi_client(world, role=None) as http:
        answer = await http.post("/graphql", json={"query": "{ me { role institution } }"},
                                 headers={"Authorization": f"Bearer {token}"})
    assert answer.json() == {"data": {"me": {"role": "INSTITUTION", "institution": OWN}}}


__all__ = ["hub_env"]  # the fixture, imported for the test above
