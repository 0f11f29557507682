"""Entity mutations (graph_model.mutations.entities) on the embedded FalkorDB.

Every failure case also proves the graph is exactly as it was: ``snapshot`` holds every
node and relationship with its properties, plus the counts per label and type.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph_model.enums import Label
from graph_model.errors import Conflict, NotFound, ValidationFailed
from graph_model.mutations import create_node, delete_node, record_donation, update_node
from graph_model.queries import by_keys, node_counts, rel_counts
from graph_model.stores.falkordb import FalkorStore
from graph_model.text import search_text
from tests.builders import fails_cleanly, links, names


async def test_create_county_links_its_province_and_mirrors_the_key(store: FalkorStore) -> None:
    province = await create_node(store, Label.PROVINCE, {"key": "IR-00", "population": 10, **names("Markazi")})
    assert province == {"key": "IR-00", "population": 10, "searchText": search_text("نام", "Markazi"),
                        **names("Markazi")}
    county = await create_node(store, Label.COUNTY, {"key": "IR-00-0001", "province": "IR-00", **names("Arak")})
    assert county["provinceKey"] == "IR-00"
    assert await links(store, "IR-00-0001") == {("IN_PROVINCE", "IR-00")}
    assert (await by_keys(store, Label.COUNTY, ["IR-00-0001"]))["IR-00-0001"] == county


async def test_province_and_county_keys_are_required_codes(store: FalkorStore) -> None:
    await fails_cleanly(store, ValidationFailed, "key", create_node(store, Label.PROVINCE, names("Markazi")))


async def test_generated_keys_have_the_label_prefix(small_world: FalkorStore) -> None:
    created = await create_node(small_world, Label.INSTITUTION, {"kind": "NGO", "county": "IR-00-0002", **names("New")})
    assert created["key"].startswith("inst-") and len(created["key"]) == len("inst-") + 12
    assert await links(small_world, created["key"]) == {("LOCATED_IN", "IR-00-0002")}


async def test_unknown_county_on_institution_create_is_not_found(small_world: FalkorStore) -> None:
    error = await fails_cleanly(small_world, NotFound, "county", create_node(
        small_world, Label.INSTITUTION, {"key": "inst-x", "kind": "NGO", "county": "IR-99-0001", **names("X")}))
    assert error.errors[0].message == "no County with key 'IR-99-0001'"


async def test_duplicate_key_is_a_conflict(small_world: FalkorStore) -> None:
    await fails_cleanly(small_world, Conflict, "key", create_node(
        small_world, Label.INSTITUTION, {"key": "inst-a", "kind": "NGO", "county": "IR-00-0002", **names("Again")}))


async def test_bad_values_name_every_wrong_field(small_world: FalkorStore) -> None:
    error = await fails_cleanly(small_world, ValidationFailed, "kind", create_node(
        small_world, Label.INSTITUTION, {"kind": "SHOP", "residents": -3, "colour": "red", "nameEn": "X"}))
    assert {e.field for e in error.errors} == {"kind", "residents", "colour", "nameFa", "county"}


async def test_county_provincekey_cannot_be_set_directly(small_world: FalkorStore) -> None:
    await fails_cleanly(small_world, ValidationFailed, "provinceKey", create_node(
        small_world, Label.COUNTY, {"key": "IR-00-0009", "province": "IR-00", "provinceKey": "IR-01", **names("C")}))
    await fails_cleanly(small_world, ValidationFailed, "provinceKey",
                        update_node(small_world, Label.COUNTY, "IR-00-0001", {"provinceKey": "IR-01"}))


async def test_rename_one_name_keeps_search_text_of_both(small_world: FalkorStore) -> None:
    updated = await update_node(small_world, Label.INSTITUTION, "inst-a", {"nameEn": "Hazrat Ali Akbar"})
    assert updated["nameEn"] == "Hazrat Ali Akbar"
    assert updated["searchText"] == search_text("نام", "Hazrat Ali Akbar")
    updated = await update_node(small_world, Label.INSTITUTION, "inst-a", {"nameFa": "كهريزك ۱۲"})
    assert updated["searchText"] == search_text("كهريزك ۱۲", "Hazrat Ali Akbar")
    assert "کهریزک 12" in updated["searchText"]


async def test_update_moves_an_institution_and_unsets_optional_values(small_world: FalkorStore) -> None:
    await update_node(small_world, Label.INSTITUTION, "inst-a", {"residents": 40})
    updated = await update_node(small_world, Label.INSTITUTION, "inst-a", {"county": "IR-00-0002", "residents": None})
    assert "residents" not in updated
    assert await links(small_world, "inst-a") == {("LOCATED_IN", "IR-00-0002")}


async def test_update_refusals_leave_the_graph_alone(small_world: FalkorStore) -> None:
    update = update_node
    await fails_cleanly(small_world, NotFound, "key",
                        update(small_world, Label.INSTITUTION, "inst-zz", {"residents": 1}))
    await fails_cleanly(small_world, NotFound, "key",
                        update(small_world, Label.INSTITUTION, "inst-zz", {"nameEn": "Z"}))
    await fails_cleanly(small_world, NotFound, "county",
                        update(small_world, Label.INSTITUTION, "inst-a", {"county": "IR-99-0001", "residents": 5}))
    await fails_cleanly(small_world, ValidationFailed, "nameFa",
                        update(small_world, Label.INSTITUTION, "inst-a", {"nameFa": None}))
    await fails_cleanly(small_world, ValidationFailed, "county",
                        update(small_world, Label.INSTITUTION, "inst-a", {"county": None}))
    await fails_cleanly(small_world, ValidationFailed, "key",
                        update(small_world, Label.INSTITUTION, "inst-a", {"key": "inst-q"}))
    await fails_cleanly(small_world, ValidationFailed, "residents",
                        update(small_world, Label.INSTITUTION, "inst-a", {"residents": -1}))


async def test_moving_a_county_keeps_provincekey_in_sync(small_world: FalkorStore) -> None:
    updated = await update_node(small_world, Label.COUNTY, "IR-00-0002", {"province": "IR-01"})
    assert updated["provinceKey"] == "IR-01"
    assert await links(small_world, "IR-00-0002") == {("IN_PROVINCE", "IR-01")}


async def test_list_links_are_replaced_as_a_whole(small_world: FalkorStore) -> None:
    await update_node(small_world, Label.COUNCIL, "council-1", {"provinces": ["IR-01"], "counties": ["IR-00-0001"]})
    assert await links(small_world, "council-1") == {("COVERS_PROVINCE", "IR-01"), ("COVERS_COUNTY", "IR-00-0001")}
    await fails_cleanly(small_world, NotFound, "counties",
                        update_node(small_world, Label.COUNCIL, "council-1",
                                    {"counties": ["IR-00-0001", "IR-77-0001"]}))
    await update_node(small_world, Label.COUNCIL, "council-1", {"provinces": None})
    assert await links(small_world, "council-1") == {("COVERS_COUNTY", "IR-00-0001")}


async def test_optional_single_link_can_be_unset(small_world: FalkorStore) -> None:
    assert await links(small_world, "donor-1") == {("BASED_IN", "IR-00")}
    await update_node(small_world, Label.DONOR, "donor-1", {"province": None})
    assert await links(small_world, "donor-1") == set()


async def test_event_links_and_dates(small_world: FalkorStore) -> None:
    event = await create_node(small_world, Label.EVENT, {
        "kind": "COUNCIL_SESSION", "startsOn": "2024-08-09", "endsOn": "2024-08-09", "county": "IR-00-0001",
        "organiserCouncils": ["council-1"], "organiserInstitutions": ["inst-a", "inst-a"], **names("Session")})
    assert await links(small_world, event["key"]) == {
        ("HELD_IN", "IR-00-0001"), ("ORGANISED_BY_COUNCIL", "council-1"), ("ORGANISED_BY_INSTITUTION", "inst-a")}
    await fails_cleanly(small_world, ValidationFailed, "endsOn", create_node(small_world, Label.EVENT, {
        "kind": "MEETING", "startsOn": "2024-08-09", "endsOn": "2024-08-01", "county": "IR-00-0001", **names("M")}))
    await fails_cleanly(small_world, NotFound, "organiserCouncils", create_node(small_world, Label.EVENT, {
        "kind": "MEETING", "startsOn": "2024-08-09", "county": "IR-00-0001", "organiserCouncils": ["council-9"],
        **names("M")}))


async def test_record_an_assessment(small_world: FalkorStore) -> None:
    assessment = await create_node(small_world, Label.ASSESSMENT, {"level": "PROVINCIAL", "score": 81.5,
                                                            "date": "2024-01-10", "institution": "inst-a"})
    assert assessment["key"].startswith("asmt-") and assessment["score"] == 81.5
    assert await links(small_world, assessment["key"]) == {("ASSESSES", "inst-a")}
    await fails_cleanly(small_world, ValidationFailed, "score", create_node(small_world, Label.ASSESSMENT, {
        "level": "SELF", "score": 130, "date": "2024-01-10", "institution": "inst-a"}))
    await fails_cleanly(small_world, NotFound, "institution", create_node(small_world, Label.ASSESSMENT, {
        "level": "SELF", "score": 30, "date": "2024-01-10", "institution": "inst-zz"}))


async def test_service_target_groups_and_licence_type_services(small_world: FalkorStore) -> None:
    assert await links(small_world, "svc-care") == {("SERVES", "tg-elderly")}
    assert await links(small_world, "lt-care") == {("PERMITS", "svc-care"), ("PERMITS", "svc-skills")}
    await update_node(small_world, Label.LICENCE_TYPE, "lt-care", {"services": ["svc-skills", "svc-other"]})
    assert await links(small_world, "lt-care") == {("PERMITS", "svc-skills"), ("PERMITS", "svc-other")}


async def test_delete_refuses_while_others_depend_on_the_node(small_world: FalkorStore) -> None:
    error = await fails_cleanly(small_world, Conflict, "key", delete_node(small_world, Label.PROVINCE, "IR-00"))
    assert "2 IN_PROVINCE (County)" in error.message and "BASED_IN (Donor)" in error.message
    await fails_cleanly(small_world, Conflict, "key", delete_node(small_world, Label.COUNTY, "IR-01-0001"))
    await fails_cleanly(small_world, Conflict, "key", delete_node(small_world, Label.SERVICE, "svc-care"))
    await fails_cleanly(small_world, NotFound, "key", delete_node(small_world, Label.PERSON, "person-zz"))


async def test_deleting_a_donor_with_donations_is_refused(small_world: FalkorStore) -> None:
    await record_donation(small_world, donor="donor-1", institution="inst-a", amount=1_000_000, date="2024-05-01")
    error = await fails_cleanly(small_world, Conflict, "key", delete_node(small_world, Label.DONOR, "donor-1"))
    assert "1 DONATED_TO (Institution)" in error.message
    error = await fails_cleanly(small_world, Conflict, "key", delete_node(small_world, Label.INSTITUTION, "inst-a"))
    assert "1 DONATED_TO (Donor)" in error.message


async def test_delete_takes_the_entity_and_its_own_links(small_world: FalkorStore) -> None:
    before = await rel_counts(small_world)
    deleted = await delete_node(small_world, Label.COUNCIL, "council-1")
    assert deleted["key"] == "council-1"
    assert await by_keys(small_world, Label.COUNCIL, ["council-1"]) == {}
    assert (await rel_counts(small_world))["COVERS_PROVINCE"] == before["COVERS_PROVINCE"] - 1
    await delete_node(small_world, Label.DONOR, "donor-1")
    assert (await rel_counts(small_world))["BASED_IN"] == before["BASED_IN"] - 1
    await delete_node(small_world, Label.EVENT, "evt-1")
    await delete_node(small_world, Label.INSTITUTION, "inst-b")  # its only other link was evt-1's organiser link
    counts = await node_counts(small_world)
    assert (counts["Institution"], counts["Event"], counts["Donor"], counts["Council"]) == (1, 0, 0, 0)


async def test_licences_are_issued_not_created(small_world: FalkorStore) -> None:
    with pytest.raises(TypeError):
        await create_node(small_world, Label.LICENCE, {"status": "ACTIVE"})


async def test_a_concurrent_rename_is_not_lost(small_world: FalkorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer renames nameFa between the read of the names and the write of nameEn."""
    import graph_model.mutations.entities as entities

    real_by_keys = entities.by_keys
    raced: list[bool] = []

    async def read_then_race(store: FalkorStore, label: Label, keys: list[str]) -> dict[str, Any]:
        found = await real_by_keys(store, label, keys)
        if not raced:
            raced.append(True)
            await update_node(store, Label.INSTITUTION, "inst-a", {"nameFa": "مثبت زندگی", "nameEn": "Old"})
        return found

    monkeypatch.setattr(entities, "by_keys", read_then_race)
    updated = await update_node(small_world, Label.INSTITUTION, "inst-a", {"nameEn": "Positive Life"})
    assert (updated["nameFa"], updated["nameEn"]) == ("مثبت زندگی", "Positive Life")
    assert updated["searchText"] == search_text("مثبت زندگی", "Positive Life")
