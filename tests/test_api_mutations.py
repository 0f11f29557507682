"""Entity mutations end to end: the generated client against the ASGI app on a small api_world.

For every entity type, one table row says how to create it, the main bad creation (and the
typed error and field it must give), a change and a bad change, and what keeps an existing
one from being deleted. Each refused mutation must also leave the graph exactly as it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import pytest

from graph_model.enums import Label
from graph_model.mutations import add_member, issue_licence, record_donation, register_participant
from hub_client import HubClient, input_types
from hub_client.exceptions import GraphQLClientGraphQLMultiError
from hub_client.enums import InstitutionKind
from hub_client.input_types import CreateInstitutionInput, UpdateInstitutionInput
from tests.mutation_client import refused, result, written
from tests.builders import snapshot

FA = {"nameFa": "نام", "nameEn": "Name"}


@dataclass(frozen=True)
class Case:
    label: Label
    create: dict[str, Any]  # a valid new object
    bad_create: dict[str, Any]  # the main bad input ...
    bad_create_error: tuple[str, str]  # ... and the (typename, field) it must give
    change: dict[str, Any]  # a valid change to ``existing``
    bad_change: dict[str, Any]
    bad_change_error: tuple[str, str]
    existing: str  # a key build_world (plus ``blocker``) made, which cannot be deleted
    blocked_by: str = "key"
    shows: dict[str, Any] = field(default_factory=dict)  # attribute -> value on the changed object


CASES = [
    Case(Label.PROVINCE, {"key": "IR-02", **FA, "population": 1000}, {"key": "IR-00", **FA},
         ("ConflictError", "key"), {"nameEn": "Markazi (renamed)", "population": 7},
         {"population": -5}, ("ValidationError", "population"), "IR-00",
         shows={"name_en": "Markazi (renamed)", "population": 7}),
    Case(Label.COUNTY, {"key": "IR-01-0002", "province": "IR-01", **FA}, {"key": "IR-01-0003", "province": "IR-99",
                                                                           **FA},
         ("NotFoundError", "province"), {"province": "IR-01"}, {"province": None}, ("ValidationError", "province"),
         "IR-00-0001", shows={"province_key": "IR-01"}),
    Case(Label.INSTITUTION, {"kind": "NGO", "county": "IR-00-0002", "founded": "1399/01/15", **FA},
         {"kind": "NGO", "county": "IR-99-9999", **FA}, ("NotFoundError", "county"),
         {"residents": 40, "lat": None}, {"residents": -1}, ("ValidationError", "residents"), "inst-a",
         shows={"residents": 40, "lat": None}),
    Case(Label.DONOR, {"kind": "INDIVIDUAL", "province": "IR-01", **FA}, {"kind": "INDIVIDUAL", "province": "IR-09",
                                                                          **FA},
         ("NotFoundError", "province"), {"kind": "FOUNDATION"}, {"nameFa": "  "}, ("ValidationError", "nameFa"),
         "donor-1", shows={"kind": "FOUNDATION"}),
    Case(Label.PERSON, {"title": "Dr", **FA}, {"key": "person-1", **FA}, ("ConflictError", "key"),
         {"title": None}, {"nameEn": None}, ("ValidationError", "nameEn"), "person-1", shows={"title": None}),
    Case(Label.COUNCIL, {"kind": "SUPERVISION_COMMITTEE", "level": "COUNTY", "counties": ["IR-00-0001"], **FA},
         {"kind": "SUPERVISION_COMMITTEE", "level": "COUNTY", "counties": ["IR-00-0001", "IR-00-0404"], **FA},
         ("NotFoundError", "counties"), {"level": "NATIONAL", "provinces": []},
         {"provinces": ["IR-77"]}, ("NotFoundError", "provinces"), "council-1", shows={"level": "NATIONAL"}),
    Case(Label.SERVICE, {"domain": "PREVENTION", "targetGroups": ["tg-elderly"], **FA},
         {"domain": "PREVENTION", "targetGroups": ["tg-missing"], **FA}, ("NotFoundError", "targetGroups"),
         {"domain": "REHABILITATION"}, {"targetGroups": ["tg-nope"]}, ("NotFoundError", "targetGroups"),
         "svc-care", shows={"domain": "REHABILITATION"}),
    Case(Label.TARGET_GROUP, FA, {"nameFa": "", "nameEn": "Empty"}, ("ValidationError", "nameFa"),
         {"nameEn": "Older people"}, {"nameFa": None}, ("ValidationError", "nameFa"), "tg-elderly",
         shows={"name_en": "Older people"}),
    Case(Label.LICENCE_TYPE, {"validityYears": 3, "services": ["svc-care"], **FA},
         {"validityYears": -3, **FA}, ("ValidationError", "validityYears"), {"validityYears": 10},
         {"services": ["svc-care", "svc-gone"]}, ("NotFoundError", "services"), "lt-care",
         shows={"validity_years": 10}),
    Case(Label.EVENT, {"kind": "TRAINING", "startsOn": "1403/05/24", "county": "IR-00-0001",
                       "organiserCouncils": ["council-1"], **FA},
         {"kind": "TRAINING", "startsOn": "2024-08-20", "endsOn": "2024-08-01", "county": "IR-00-0001", **FA},
         ("ValidationError", "endsOn"), {"endsOn": "1403/06/01", "organiserInstitutions": ["inst-a"]},
         {"organiserInstitutions": ["inst-zzz"]}, ("NotFoundError", "organiserInstitutions"), "evt-1",
         blocked_by="key", shows={"ends_on": "2024-08-22"}),
    Case(Label.ASSESSMENT, {"level": "EXPERT", "score": 81.5, "date": "2024-03-01", "institution": "inst-b"},
         {"level": "EXPERT", "score": 120, "date": "2024-03-01", "institution": "inst-b"},
         ("ValidationError", "score"), {"score": 64}, {"score": -0.5}, ("ValidationError", "score"),
         "", shows={"score": 64.0}),
]


def snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def create_call(hub: HubClient, label: Label, values: dict[str, Any]) -> Any:
    cls = getattr(input_types, f"Create{label.value}Input")
    return getattr(hub, f"create_{snake(label.value)}")(cls(**values))


def update_call(hub: HubClient, label: Label, key: str, values: dict[str, Any]) -> Any:
    cls = getattr(input_types, f"Update{label.value}Input")
    return getattr(hub, f"update_{snake(label.value)}")(key, cls(**values))


def delete_call(hub: HubClient, label: Label, key: str) -> Any:
    return getattr(hub, f"delete_{snake(label.value)}")(key)


async def block_deletes(store: Any) -> None:
    """Records that keep build_world's objects from being deleted: a donation to inst-a, a
    licence of type lt-care for svc-care, a person's council seat and an event participant."""
    await record_donation(store, donor="donor-1", institution="inst-a", amount=5, date="2024-01-01", key="don-1")
    await issue_licence(store, holder="inst-b", licence_type="lt-care", services=["svc-care"],
                        issued_on="2024-01-01", key="lic-1")
    await add_member(store, "council-1", person="person-1")
    await register_participant(store, "evt-1", "inst-a")


@pytest.mark.parametrize("case", CASES, ids=[c.label.value for c in CASES])
async def test_create_change_and_delete(api_world: tuple[HubClient, Any], case: Case) -> None:
    hub, store = api_world
    made = written(await create_call(hub, case.label, case.create), case.label.value)
    assert made.key and made.id
    await refused(store, create_call(hub, case.label, case.bad_create), *case.bad_create_error)

    changed = written(await update_call(hub, case.label, made.key, case.change), case.label.value)
    for attribute, value in case.shows.items():
        assert getattr(changed, attribute) == value, attribute
    await refused(store, update_call(hub, case.label, made.key, case.bad_change), *case.bad_change_error)
    await refused(store, update_call(hub, case.label, "no-such-key", case.change), "NotFoundError", "key")

    gone = result(await delete_call(hub, case.label, made.key))
    assert (gone.typename__, gone.key) == ("Deleted", made.key)
    assert gone.type_name == case.label.value
    await refused(store, delete_call(hub, case.label, made.key), "NotFoundError", "key")


@pytest.mark.parametrize("case", [c for c in CASES if c.existing], ids=[c.label.value for c in CASES if c.existing])
async def test_delete_refused_while_something_depends_on_it(api_world: tuple[HubClient, Any], case: Case) -> None:
    hub, store = api_world
    await block_deletes(store)
    error = await refused(store, delete_call(hub, case.label, case.existing), "ConflictError", case.blocked_by)
    assert "remove those first" in error.message


async def test_created_objects_are_read_back_through_the_api(api_world: tuple[HubClient, Any]) -> None:
    hub, _ = api_world
    made = written(await hub.create_institution(CreateInstitutionInput(
        name_fa="مرکز روزانه ي", name_en="Day centre", kind=InstitutionKind.DAY_CARE, county="IR-00-0002",
        founded="۱۳۹۹/۰۱/۱۵")), "Institution")
    assert (made.county.key, made.founded, made.founded_jalali) == ("IR-00-0002", "2020-04-03", "1399/01/15")
    assert made.key.startswith("inst-")
    detail = (await hub.institution_detail(made.key)).institution
    assert detail is not None and detail.county is not None
    assert (detail.name_en, detail.county.key) == ("Day centre", "IR-00-0002")
    # The search text follows the new name, normalised (ي is found as ی).
    found = await hub.search("روزانه ی", first=5)
    assert made.key in {n.key for n in found.institutions.nodes}

    renamed = written(await hub.update_institution(made.key, UpdateInstitutionInput(name_en="Sunrise centre")),
                      "Institution")
    assert renamed.name_fa == "مرکز روزانه ي" and renamed.name_en == "Sunrise centre"
    found = await hub.search("sunrise", first=5)
    assert [n.key for n in found.institutions.nodes] == [made.key]


async def test_unset_leaves_absent_fields_alone(api_world: tuple[HubClient, Any]) -> None:
    """An absent field stays; only an explicit null unsets."""
    hub, _ = api_world
    made = written(await hub.create_institution(CreateInstitutionInput(
        name_fa="ف", name_en="E", kind=InstitutionKind.NGO, county="IR-00-0001", residents=12, lat=31.5)),
        "Institution")
    kept = written(await hub.update_institution(made.key, UpdateInstitutionInput(lat=None)), "Institution")
    assert (kept.residents, kept.lat) == (12, None)


async def test_licence_number_changes_but_not_its_status(api_world: tuple[HubClient, Any]) -> None:
    hub, store = api_world
    await block_deletes(store)
    changed = written(await hub.update_licence("lic-1", input_types.UpdateLicenceInput(number="۱۲۳/الف")),
                      "Licence")
    assert (changed.number, changed.status.value, changed.institution.key) == ("۱۲۳/الف", "ACTIVE", "inst-b")
    await refused(store, hub.update_licence("lic-404", input_types.UpdateLicenceInput(number="x")),
                  "NotFoundError", "key")
    gone = result(await hub.delete_licence("lic-1"))
    assert gone.typename__ == "Deleted"
    holder = (await hub.institution_detail("inst-b")).institution
    assert holder is not None and holder.licences.total_count == 0


async def test_several_wrong_fields_are_all_named(api_world: tuple[HubClient, Any]) -> None:
    hub, store = api_world
    error = await refused(store, hub.create_event(input_types.CreateEventInput(
        name_fa=" ", name_en="Camp", kind="MAWKIB", starts_on="2024-08-20", county="IR-00-0001", lat=1.0,
        organiser_institutions=[""])), "ValidationError", "nameFa")
    assert {f.field for f in error.fields} >= {"nameFa", "organiserInstitutions"}
    assert error.code == "VALIDATION_FAILED"


async def test_a_date_no_calendar_reads_is_refused_before_anything_runs(api_world: tuple[HubClient, Any]) -> None:
    """Scalars check dates and amounts while reading the variables: the whole request is refused,
    with the hub's code, and nothing is written."""
    hub, store = api_world
    before = await snapshot(store)
    with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
        await hub.create_assessment(input_types.CreateAssessmentInput(
            level="SELF", score=50, date="1403/13/40", institution="inst-a"))
    (error,) = caught.value.errors
    assert error.extensions is not None and error.extensions["code"] == "VALIDATION_FAILED"
    fields = error.extensions["fields"]
    assert isinstance(fields, list) and "Solar Hijri" in fields[0]["message"]
    assert await snapshot(store) == before


async def test_an_unexpected_failure_is_masked_logged_and_writes_nothing(
        api_world: tuple[HubClient, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A fault the caller did not cause (here the store's write breaks) is no typed result: the
    response says only "Unexpected error." with the request id; the log has the rest."""
    hub, store = api_world
    before = await snapshot(store)

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("driver secret")

    monkeypatch.setattr(store, "write", broken)
    caplog.set_level(logging.ERROR, logger="hub")
    with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
        await hub.create_person(input_types.CreatePersonInput(name_fa="ف", name_en="P"))
    (error,) = caught.value.errors
    assert error.message == "Unexpected error." and "secret" not in str(caught.value)
    assert error.extensions is not None and str(error.extensions["requestId"]) in caplog.text
    assert "driver secret" in caplog.text
    monkeypatch.undo()
    assert await snapshot(store) == before
