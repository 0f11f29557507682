"""The seed's supervision data (seed/supervision.py): frameworks, structured assessments, corrective
actions, complaints and the planted cases the ranking, plan and alerts look for (no database)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

from graph_model.enums import ActionStatus, AssessmentLevel, AssessorKind, ComplaintStatus, CriterionArea, Label, Rel
from seed.dataset import Dataset
from seed.demo import build_demo
from seed.generator import TODAY
from seed.supervision import (
    FRAMEWORKS,
    NEVER_VISITED,
    OFFICE_LEVELS,
    SELF_INFLATED,
    STUCK_LICENCE,
    STUCK_RENEWAL,
)
from tests.datasets import demo, national

BUILDS = {"demo": demo, "national": national}
BOTH = pytest.mark.parametrize("profile", sorted(BUILDS))
YEAR_AGO = (TODAY - dt.timedelta(days=365)).isoformat()


def props(ds: Dataset, label: Label) -> dict[str, dict]:
    return {row["key"]: row["props"] for row in ds.nodes.get(label, [])}


def single(ds: Dataset, rel: Rel) -> dict[str, str]:
    return {r["start"]: r["end"] for r in ds.rels.get(rel, [])}


def assessments_of(ds: Dataset, institution: str) -> list[dict]:
    found = props(ds, Label.ASSESSMENT)
    return sorted((found[a] for a, i in single(ds, Rel.ASSESSES).items() if i == institution), key=lambda p: p["date"])


@BOTH
def test_frameworks_are_versioned_data_with_criteria_in_every_area(profile: str) -> None:
    ds = BUILDS[profile]()
    frameworks = props(ds, Label.FRAMEWORK)
    assert {k: (p["version"], p["validFrom"]) for k, p in frameworks.items()} == {
        "fw-national-1": (1, "2019-03-21"), "fw-national-2": (2, "2024-03-20")}
    criteria = props(ds, Label.CRITERION)
    in_framework = single(ds, Rel.IN_FRAMEWORK)
    assert set(in_framework) == set(criteria)
    by_fw: defaultdict[str, dict[str, dict]] = defaultdict(dict)
    for key, fw in in_framework.items():
        by_fw[fw][key.split("-", 2)[2]] = criteria[key]
    one, two = by_fw["fw-national-1"], by_fw["fw-national-2"]
    assert 12 <= len(one) < len(two) <= 15
    for crits in (one, two):
        assert {c["area"] for c in crits.values()} == {a.value for a in CriterionArea}
        assert all(c["weight"] > 0 and c["scaleMax"] in (5, 10) for c in crits.values())
    # The revision adds one criterion and reweights one; the rest are as they were.
    assert len(set(two) - set(one)) == 1 and set(one) <= set(two)
    assert [s for s in one if one[s]["weight"] != two[s]["weight"]] == ["staff-ratio"]
    for row in list(frameworks.values()) + list(criteria.values()):
        assert row["generated"] is True and "generated" in row["source"]
        assert row["nameEn"].endswith("(generated)") and row["nameFa"].endswith("(نمونه)")


@BOTH
def test_scores_are_the_weighted_means_of_their_criteria(profile: str) -> None:
    ds = BUILDS[profile]()
    criteria = props(ds, Label.CRITERION)
    scored: defaultdict[str, list[tuple[str, float]]] = defaultdict(list)
    for r in ds.rels[Rel.SCORED]:
        scored[r["start"]].append((r["end"], r["props"]["value"]))
    assessments = props(ds, Label.ASSESSMENT)
    assert set(scored) == set(assessments), "every assessment is scored against criteria"
    for key, p in assessments.items():
        weights = sum(criteria[c]["weight"] for c, _ in scored[key])
        mean = 100 * sum(criteria[c]["weight"] * v / criteria[c]["scaleMax"] for c, v in scored[key]) / weights
        assert abs(mean - p["score"]) <= 0.01, (key, mean, p["score"])
        assert all(0 <= v <= criteria[c]["scaleMax"] for c, v in scored[key]), key


@BOTH
def test_criteria_scored_are_the_whole_framework_valid_on_the_date(profile: str) -> None:
    ds = BUILDS[profile]()
    valid_from = {k: p["validFrom"] for k, p in props(ds, Label.FRAMEWORK).items()}
    in_framework = single(ds, Rel.IN_FRAMEWORK)
    under = single(ds, Rel.UNDER_FRAMEWORK)
    scored: defaultdict[str, set[str]] = defaultdict(set)
    for r in ds.rels[Rel.SCORED]:
        scored[r["start"]].add(r["end"])
    members: defaultdict[str, set[str]] = defaultdict(set)
    for c, fw in in_framework.items():
        members[fw].add(c)
    assessments = props(ds, Label.ASSESSMENT)
    assert set(under) == set(assessments)
    for key, p in assessments.items():
        fw = under[key]
        assert scored[key] == members[fw], key
        # valid on the date: the latest framework whose validFrom is not after it
        on_date = max((v, k) for k, v in valid_from.items() if v <= p["date"])[1]
        assert fw == on_date, (key, p["date"], fw)
    assert {under[k] for k in assessments} == set(valid_from), "both versions are in use"


@BOTH
def test_assessors_and_findings_match_the_level(profile: str) -> None:
    ds = BUILDS[profile]()
    names = props(ds, Label.INSTITUTION)
    assesses = single(ds, Rel.ASSESSES)
    expected = {AssessmentLevel.SELF: AssessorKind.INSTITUTION, AssessmentLevel.COUNTY: AssessorKind.OFFICE,
                AssessmentLevel.PROVINCIAL: AssessorKind.OFFICE, AssessmentLevel.NATIONAL: AssessorKind.OFFICE,
                AssessmentLevel.EXPERT: AssessorKind.PERSON, AssessmentLevel.GUILD: AssessorKind.BODY,
                AssessmentLevel.STAKEHOLDER: AssessorKind.BODY}
    for key, p in props(ds, Label.ASSESSMENT).items():
        level = AssessmentLevel(p["level"])
        assert p["assessorKind"] == expected[level].value and p["assessor"], key
        if level is AssessmentLevel.SELF:
            assert p["assessor"] == names[assesses[key]]["nameFa"], key
        if level is AssessmentLevel.COUNTY:
            assert p["assessor"].startswith("اداره بهزیستی شهرستان"), key
        assert ("findings" in p) == (p["level"] in OFFICE_LEVELS or level is AssessmentLevel.EXPERT), key


@BOTH
def test_corrective_actions_follow_low_scores_and_come_after_them(profile: str) -> None:
    ds = BUILDS[profile]()
    assessments = props(ds, Label.ASSESSMENT)
    actions = props(ds, Label.CORRECTIVE_ACTION)
    corrects = single(ds, Rel.CORRECTS)
    assert set(corrects) == set(actions)
    kinds: Counter[str] = Counter()
    today = TODAY.isoformat()
    for key, a in actions.items():
        of = assessments[corrects[key]]
        assert of["score"] < 60 and "findings" in of, key
        assert a["dueOn"] > of["date"], key
        if a["status"] == ActionStatus.DONE.value:
            assert of["date"] < a["doneOn"] <= today, key
            kinds["done"] += 1
        else:
            assert "doneOn" not in a, key
            kinds["overdue" if a["dueOn"] < today else "open"] += 1
    assert set(kinds) == {"done", "overdue", "open"}, kinds
    low_office = [k for k, p in assessments.items() if p["level"] in OFFICE_LEVELS and p["score"] < 60]
    assert low_office and set(low_office) <= set(corrects.values())


@BOTH
def test_complaints_for_a_small_share_of_institutions(profile: str) -> None:
    ds = BUILDS[profile]()
    complaints = props(ds, Label.COMPLAINT)
    about = single(ds, Rel.COMPLAINT_ABOUT)
    assert set(about) == set(complaints)
    institutions = len(ds.nodes[Label.INSTITUTION])
    assert 0.01 * institutions <= len(set(about.values())) <= 0.06 * institutions
    assert {p["status"] for p in complaints.values()} == {s.value for s in ComplaintStatus}
    assert all(p["receivedOn"] <= TODAY.isoformat() for p in complaints.values())


@BOTH
def test_planted_cases(profile: str) -> None:
    ds = BUILDS[profile]()
    institutions = props(ds, Label.INSTITUTION)
    county = single(ds, Rel.LOCATED_IN)
    for key in (SELF_INFLATED, NEVER_VISITED, STUCK_RENEWAL):
        assert county[key].startswith("IR-06-"), key  # Khuzestan
        assert institutions[key]["generated"] is True and institutions[key]["nameEn"].endswith("(generated)")
        assert institutions[key]["nameFa"].endswith("(نمونه)")

    inflated = institutions[SELF_INFLATED]
    assert inflated["kind"] == "DAY_CARE"
    recent = [a for a in assessments_of(ds, SELF_INFLATED) if a["date"] >= YEAR_AGO]
    selves = [a["score"] for a in recent if a["level"] == "SELF"]
    offices = {lv: [a["score"] for a in recent if a["level"] == lv] for lv in ("COUNTY", "PROVINCIAL")}
    assert len(selves) >= 2 and all(88 <= s <= 100 for s in selves), selves
    assert all(v and all(32 <= s <= 48 for s in v) for v in offices.values()), offices

    never = institutions[NEVER_VISITED]
    assert never["kind"] == "RESIDENTIAL_CARE" and never["residents"] > 0
    own = assessments_of(ds, NEVER_VISITED)
    assert len(own) >= 3 and {a["level"] for a in own} == {"SELF"}
    licences = props(ds, Label.LICENCE)
    held = defaultdict(list)
    for r in ds.rels[Rel.HOLDS]:
        held[r["start"]].append(r["end"])
    today = TODAY.isoformat()
    assert any(licences[k]["status"] == "ACTIVE" and licences[k]["expiresOn"] > today for k in held[NEVER_VISITED])

    stuck = licences[STUCK_LICENCE]
    assert STUCK_LICENCE in held[STUCK_RENEWAL]
    assert stuck["status"] == "ACTIVE" and stuck["renewalRequestedOn"] == YEAR_AGO
    assert stuck["issuedOn"] < stuck["renewalRequestedOn"] and stuck["expiresOn"] > today
    assert single(ds, Rel.OF_TYPE)[STUCK_LICENCE] != "lt-agreement-in-principle"


def test_the_national_planted_copy_is_larger_than_the_demo_one() -> None:
    for key in (SELF_INFLATED, NEVER_VISITED):
        assert len(assessments_of(national(), key)) > len(assessments_of(demo(), key))


def test_the_frameworks_are_the_ones_in_code() -> None:
    assert [f.key for f in FRAMEWORKS] == sorted(props(demo(), Label.FRAMEWORK))


def test_supervision_rows_are_deterministic() -> None:
    again = build_demo()
    for label in (Label.FRAMEWORK, Label.CRITERION, Label.ASSESSMENT, Label.CORRECTIVE_ACTION, Label.COMPLAINT):
        assert again.nodes[label] == demo().nodes[label], label
    for rel in (Rel.IN_FRAMEWORK, Rel.UNDER_FRAMEWORK, Rel.SCORED, Rel.CORRECTS, Rel.COMPLAINT_ABOUT, Rel.ASSESSES):
        assert again.rels[rel] == demo().rels[rel], rel
