"""Structured assessments and corrective actions end to end: the generated client against the ASGI app.

The world is tests.builders.build_world (inst-a in Markazi IR-00, inst-b in Khuzestan IR-01; framework
fw-1, valid from 2020-01-01, with crit-1: GOVERNANCE, weight 1, scale 0..5) plus crit-2 in fw-1
(STAFFING, weight 3, scale 0..10) and a second framework fw-2 with crit-x.

The score of an assessment giving crit-1 4 and crit-2 5, worked by hand:
    crit-1: weight 1 x 4/5  = 0.8
    crit-2: weight 3 x 5/10 = 1.5
    score = 100 x (0.8 + 1.5) / (1 + 3) = 100 x 2.3 / 4 = 57.5
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph_model.enums import Label
from graph_model.mutations import create_node
from graph_model.stores.falkordb import FalkorStore
from hub_client import HubClient
from hub_client.enums import ActionStatus, AssessmentLevel, AssessorKind
from hub_client.exceptions import GraphQLClientGraphQLMultiError
from hub_client.input_types import (CorrectiveActionInput, CreateComplaintInput, CriterionScoreInput,
                                    RecordAssessmentInput)
from tests.asgi import asgi_client
from tests.builders import build_world, names, snapshot
from tests.mutation_client import refused, written

TODAY_OR_BEFORE = "2024-05-01"


async def build_assessment_world(store: FalkorStore) -> None:
    await build_world(store)
    await create_node(store, Label.CRITERION, {"key": "crit-2", "framework": "fw-1", "area": "STAFFING",
                                               "weight": 3.0, "scaleMax": 10, **names("Staffing")})
    await create_node(store, Label.FRAMEWORK, {"key": "fw-2", "version": 2, "validFrom": "2023-01-01",
                                               **names("Framework two")})
    await create_node(store, Label.CRITERION, {"key": "crit-x", "framework": "fw-2", "area": "FINANCES",
                                               "weight": 1.0, "scaleMax": 5, **names("Finances")})
    # an admin's slip: a criterion with no scale (scored, it would divide by zero)
    await create_node(store, Label.CRITERION, {"key": "crit-flat", "framework": "fw-1", "area": "FINANCES",
                                               "weight": 1.0, "scaleMax": 0, **names("Flat")})


@pytest.fixture
async def world(store: FalkorStore) -> FalkorStore:
    await build_assessment_world(store)
    return store


@contextlib.asynccontextmanager
async def client(store: FalkorStore, role: str = "admin", provinces: tuple[str, ...] = (),
                 institution: str | None = None) -> AsyncIterator[HubClient]:
    async with asgi_client(store, role=role, provinces=provinces, institution=institution) as http:
        yield HubClient(url="http://hub/graphql", http_client=http)  # type: ignore[arg-type]


def assessment(**values: Any) -> RecordAssessmentInput:
    fields: dict[str, Any] = {
        "institution": "inst-a", "framework": "fw-1", "level": AssessmentLevel.COUNTY, "date": TODAY_OR_BEFORE,
        "assessorKind": AssessorKind.OFFICE, "assessor": "Markazi county office", "findings": "Fire exits blocked.",
        "scores": [CriterionScoreInput(criterion="crit-1", value=4), CriterionScoreInput(criterion="crit-2", value=5)],
        "actions": [CorrectiveActionInput(description="Clear the fire exits", due_on="2024-06-01")],
        **values}
    return RecordAssessmentInput(**fields)


async def test_a_structured_assessment_is_recorded_and_read_back(world: FalkorStore) -> None:
    async with client(world) as hub:
        made = written(await hub.record_assessment(assessment(key="asmt-x")), "Assessment")
        assert made.score == 57.5  # the module docstring's hand-worked weighted mean
        read = (await hub.assessment_detail("asmt-x")).assessment
    assert read is not None
    assert (read.key, read.score, read.level, read.assessor_kind, read.findings) == (
        "asmt-x", 57.5, AssessmentLevel.COUNTY, AssessorKind.OFFICE, "Fire exits blocked.")
    assert read.institution is not None and read.framework is not None
    assert read.institution.key == "inst-a" and read.framework.key == "fw-1"
    assert sorted((e.node.key, e.value) for e in read.scores.edges) == [("crit-1", 4.0), ("crit-2", 5.0)]
    (action,) = read.actions.nodes
    assert (action.key, action.status, action.due_on, action.done_on) == (
        "asmt-x-action-1", ActionStatus.OPEN, "2024-06-01", None)


async def test_recording_the_same_assessment_again_answers_the_same(world: FalkorStore) -> None:
    """A client that never got its answer sends again: the same assessment, nothing doubled."""
    async with client(world) as hub:
        first = written(await hub.record_assessment(assessment(key="asmt-r")), "Assessment")
        before = await snapshot(world)
        again = written(await hub.record_assessment(assessment(key="asmt-r")), "Assessment")
        after = await snapshot(world)
        assert again.score == first.score
        # the graph's version node counts the write (it returned a row); nothing else changed
        assert after[1] == before[1] and after[3] == before[3]
        assert [n for n in after[2] if "HubMeta" not in n] == [n for n in before[2] if "HubMeta" not in n]
        await refused(world, hub.record_assessment(assessment(key="asmt-r", findings="Other")),
                      "ConflictError", "key")


def _scores(*pairs: tuple[str, float]) -> list[CriterionScoreInput]:
    return [CriterionScoreInput(criterion=c, value=v) for c, v in pairs]


BAD_INPUTS: dict[str, tuple[dict[str, Any], str, str]] = {
    "unknown institution": ({"institution": "inst-none"}, "NotFoundError", "institution"),
    "unknown framework": ({"framework": "fw-none"}, "NotFoundError", "framework"),
    "unknown criterion": ({"scores": _scores(("crit-1", 1), ("crit-none", 1))}, "NotFoundError",
                          "scores.1.criterion"),
    "criterion of another framework": ({"scores": _scores(("crit-x", 1))}, "ValidationError", "scores.0.criterion"),
    "value above the scale": ({"scores": _scores(("crit-1", 6))}, "ValidationError", "scores.0.value"),
    "negative value": ({"scores": _scores(("crit-2", -1))}, "ValidationError", "scores.0.value"),
    "criterion scored twice": ({"scores": _scores(("crit-1", 1), ("crit-1", 2))}, "ValidationError",
                               "scores.1.criterion"),
    "no score": ({"scores": []}, "ValidationError", "scores"),
    "criterion with no scale": ({"scores": _scores(("crit-flat", 0))}, "ValidationError", "scores.0.criterion"),
    "date in the future": ({"date": "2999-01-01"}, "ValidationError", "date"),
    "date before the framework": ({"date": "2019-12-31"}, "ValidationError", "date"),
    "action due before the assessment": (
        {"actions": [CorrectiveActionInput(description="Late", due_on="2024-04-30")]}, "ValidationError",
        "actions.0.dueOn"),
}
# Text over the model's limits (graph_model.text) is refused before execution, as for every mutation
# (hub.execution.input_checks): the request's error names the argument path.
OVER_LONG: dict[str, tuple[dict[str, Any], str]] = {
    "findings": ({"findings": "x" * 1001}, "input.findings"),
    "assessor": ({"assessor": "x" * 1001}, "input.assessor"),
    "action": ({"actions": [CorrectiveActionInput(description="x" * 1001, due_on="2024-06-01")]},
               "input.actions.description"),
    "key": ({"key": "k" * 101}, "input.key"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
async def test_each_bad_input_is_typed_and_writes_nothing(world: FalkorStore, case: str) -> None:
    values, typename, field = BAD_INPUTS[case]
    async with client(world) as hub:
        await refused(world, hub.record_assessment(assessment(**values)), typename, field)


@pytest.mark.parametrize("case", OVER_LONG)
async def test_over_long_text_is_refused_and_writes_nothing(world: FalkorStore, case: str) -> None:
    values, path = OVER_LONG[case]
    async with client(world) as hub:
        before = await snapshot(world)
        with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
            await hub.record_assessment(assessment(**values))
        error = caught.value.errors[0]
        assert (error.extensions or {}).get("code") == "VALIDATION_FAILED" and path in error.message
        assert await snapshot(world) == before


async def test_a_taken_key_is_a_conflict_and_writes_nothing(world: FalkorStore) -> None:
    async with client(world) as hub:
        written(await hub.record_assessment(assessment(key="asmt-t")), "Assessment")
        await refused(world, hub.record_assessment(assessment(key="asmt-t", institution="inst-b")),
                      "ConflictError", "key")


async def test_corrective_action_progress(world: FalkorStore) -> None:
    async with client(world) as hub:
        written(await hub.record_assessment(assessment(key="asmt-p")), "Assessment")
        action = "asmt-p-action-1"
        await refused(world, hub.set_corrective_action_status(action, ActionStatus.DONE), "ValidationError", "doneOn")
        await refused(world, hub.set_corrective_action_status(action, ActionStatus.DONE, done_on="2999-01-01"),
                      "ValidationError", "doneOn")
        await refused(world, hub.set_corrective_action_status(action, ActionStatus.DONE, done_on="2024-04-30"),
                      "ValidationError", "doneOn")
        await refused(world, hub.set_corrective_action_status(action, ActionStatus.OPEN, done_on="2024-05-02"),
                      "ValidationError", "doneOn")
        await refused(world, hub.set_corrective_action_status("no-such-action", ActionStatus.OPEN),
                      "NotFoundError", "key")
        done = written(await hub.set_corrective_action_status(action, ActionStatus.DONE, done_on="2024-05-20"),
                       "CorrectiveAction")
        assert (done.status, done.done_on, done.assessment.key) == (ActionStatus.DONE, "2024-05-20", "asmt-p")
        reopened = written(await hub.set_corrective_action_status(action, ActionStatus.OPEN), "CorrectiveAction")
        assert (reopened.status, reopened.done_on) == (ActionStatus.OPEN, None)


async def test_a_khuzestan_supervisor_cannot_assess_markazi(world: FalkorStore) -> None:
    async with client(world) as hub:  # an action of a Markazi institution, recorded by an admin
        written(await hub.record_assessment(assessment(key="asmt-mk")), "Assessment")
    async with client(world, "supervisor", provinces=("IR-01",)) as hub:
        before = await snapshot(world)
        with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
            await hub.set_corrective_action_status("asmt-mk-action-1", ActionStatus.DONE, done_on="2024-05-02")
        assert (caught.value.errors[0].extensions or {}).get("code") == "FORBIDDEN"
        assert await snapshot(world) == before
        before = await snapshot(world)
        with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
            await hub.record_assessment(assessment(institution="inst-a"))
        assert (caught.value.errors[0].extensions or {}).get("code") == "FORBIDDEN"
        assert await snapshot(world) == before
        made = written(await hub.record_assessment(assessment(institution="inst-b", key="asmt-kh")), "Assessment")
        assert made.findings == "Fire exits blocked."  # a supervisor sees the findings it wrote
        written(await hub.set_corrective_action_status("asmt-kh-action-1", ActionStatus.DONE, done_on="2024-05-02"),
                "CorrectiveAction")


async def test_a_viewer_sees_no_findings_scores_actions_or_complaints(world: FalkorStore) -> None:
    async with client(world) as hub:
        written(await hub.record_assessment(assessment(key="asmt-v")), "Assessment")
    await create_node(world, Label.COMPLAINT, {"key": "cmp-a", "institution": "inst-a", "summary": "Cold rooms",
                                               "receivedOn": "2024-03-01", "status": "OPEN"})
    for role in ("viewer", "planner", "council_member"):
        async with client(world, role) as hub:
            read = (await hub.assessment_detail("asmt-v")).assessment
            assert read is not None and read.score == 57.5  # the score itself is public
            assert read.findings is None
            assert read.scores.total_count == 0 and read.scores.edges == []
            assert read.actions.total_count == 0 and read.actions.nodes == []
            complaints = (await hub.institution_complaints("inst-a")).institution
            assert complaints is not None and complaints.complaints.total_count == 0
            for listing in (hub.corrective_action_list(first=5), hub.complaint_list(first=5)):
                with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
                    await listing
                assert (caught.value.errors[0].extensions or {}).get("code") == "FORBIDDEN"
    for role in ("supervisor", "editor", "admin"):
        async with client(world, role) as hub:
            read = (await hub.assessment_detail("asmt-v")).assessment
            assert read is not None and read.findings == "Fire exits blocked." and read.scores.total_count == 2
            assert (await hub.complaint_list(first=5)).complaints.total_count == 1
            assert [n.key for n in (await hub.corrective_action_list(first=5)).corrective_actions.nodes] == [
                "asmt-v-action-1"]


async def test_a_supervisor_records_complaints_in_its_provinces_only(world: FalkorStore) -> None:
    """Complaints use the generic createComplaint, open to WRITE and ASSESS (hub.schema.mutations.ALSO)."""
    complaint = {"key": "cmp-kh", "institution": "inst-b", "summary": "Cold rooms", "receivedOn": "2024-03-01",
                 "status": "OPEN"}
    async with client(world, "supervisor", provinces=("IR-01",)) as hub:
        made = written(await hub.create_complaint(CreateComplaintInput(**complaint)), "Complaint")
        assert made.institution is not None and made.institution.key == "inst-b"
        before = await snapshot(world)
        with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
            await hub.create_complaint(CreateComplaintInput(**{**complaint, "key": "cmp-mk", "institution": "inst-a"}))
        assert (caught.value.errors[0].extensions or {}).get("code") == "FORBIDDEN"
        assert await snapshot(world) == before
