"""Donations and pair relationships (graph_model.mutations.donations, .relations) on the embedded FalkorDB."""

from __future__ import annotations

import pytest

from graph_model.enums import Label, MemberRole
from graph_model.errors import Conflict, NotFound, ValidationFailed
from graph_model.mutations import (
    add_member,
    delete_donation,
    delete_node,
    link_partners,
    offer_service,
    record_donation,
    record_provided_service,
    register_participant,
    remove_member,
    remove_need,
    remove_participant,
    remove_provided_service,
    set_need,
    unlink_partners,
    update_donation,
    update_member,
    withdraw_service,
)
from graph_model.queries import rel_counts
from graph_model.stores.falkordb import FalkorStore

try:
    from tests.test_mutations_store import DUMP_RELS, build_world, fails_cleanly
except ImportError:  # tests/ on sys.path rather than the repository root
    from test_mutations_store import DUMP_RELS, build_world, fails_cleanly


@pytest.fixture
async def world(store: FalkorStore) -> FalkorStore:
    await build_world(store)
    return store


async def rels(store: FalkorStore, rel: str) -> list[tuple[str, str, dict]]:
    return sorted((r["start"], r["end"], r["props"]) for r in await store.read(DUMP_RELS) if r["type"] == rel)


async def test_record_a_donation_to_an_institution_and_to_an_event(world: FalkorStore) -> None:
    gift = await record_donation(world, donor="donor-1", institution="inst-a", amount=5_000_000,
                                 date="2024-05-01", purpose="equipment")
    assert gift["key"].startswith("don-")
    assert gift == {"key": gift["key"], "amount": 5_000_000, "date": "2024-05-01", "purpose": "equipment",
                    "donor": "donor-1", "institution": "inst-a"}
    assert await rels(world, "DONATED_TO") == [("donor-1", "inst-a", {k: gift[k] for k in
                                                                       ("key", "amount", "date", "purpose")})]
    to_event = await record_donation(world, donor="donor-1", event="evt-1", amount=0, date="2024-08-20",
                                     key="don-mawkib")
    assert to_event == {"key": "don-mawkib", "amount": 0, "date": "2024-08-20", "donor": "donor-1",
                        "event": "evt-1"}


async def test_donation_refusals(world: FalkorStore) -> None:
    await record_donation(world, donor="donor-1", institution="inst-a", amount=10, date="2024-05-01", key="don-1")
    gift = {"donor": "donor-1", "amount": 10, "date": "2024-05-02"}
    await fails_cleanly(world, ValidationFailed, "amount",
                        record_donation(world, **{**gift, "amount": -5}, institution="inst-a"))
    await fails_cleanly(world, ValidationFailed, "date",
                        record_donation(world, **{**gift, "date": "1403-05-19x"}, institution="inst-a"))
    await fails_cleanly(world, NotFound, "donor",
                        record_donation(world, **{**gift, "donor": "donor-zz"}, institution="inst-a"))
    await fails_cleanly(world, NotFound, "institution", record_donation(world, **gift, institution="inst-zz"))
    await fails_cleanly(world, NotFound, "event", record_donation(world, **gift, event="evt-zz"))
    await fails_cleanly(world, ValidationFailed, "event",
                        record_donation(world, **gift, institution="inst-a", event="evt-1"))
    await fails_cleanly(world, ValidationFailed, "institution", record_donation(world, **gift))
    # A key is unique within a type (the store's constraint) and across both types.
    await fails_cleanly(world, Conflict, "key", record_donation(world, **gift, institution="inst-b", key="don-1"))
    await fails_cleanly(world, Conflict, "key", record_donation(world, **gift, event="evt-1", key="don-1"))


async def test_update_and_delete_a_donation(world: FalkorStore) -> None:
    await record_donation(world, donor="donor-1", event="evt-1", amount=10, date="2024-05-01", key="don-1",
                          purpose="food")
    updated = await update_donation(world, "don-1", {"amount": 25, "purpose": None})
    assert updated == {"key": "don-1", "amount": 25, "date": "2024-05-01", "donor": "donor-1", "event": "evt-1"}
    await fails_cleanly(world, ValidationFailed, "amount", update_donation(world, "don-1", {"amount": -1}))
    await fails_cleanly(world, ValidationFailed, "amount", update_donation(world, "don-1", {"amount": None}))
    await fails_cleanly(world, ValidationFailed, "event", update_donation(world, "don-1", {"event": "evt-2"}))
    await fails_cleanly(world, NotFound, "key", update_donation(world, "don-zz", {"amount": 1}))
    assert await delete_donation(world, "don-1") == updated
    assert (await rel_counts(world))["DONATED_TO_EVENT"] == 0
    await fails_cleanly(world, NotFound, "key", delete_donation(world, "don-1"))


async def test_council_membership(world: FalkorStore) -> None:
    member = await add_member(world, "council-1", donor="donor-1", since="2023-03-21")
    assert member == {"role": "MEMBER", "since": "2023-03-21", "donor": "donor-1", "council": "council-1"}
    # Adding again is an upsert: one membership holding exactly what the last call said.
    again = await add_member(world, "council-1", donor="donor-1", role=MemberRole.CHAIR)
    assert again == {"role": "CHAIR", "donor": "donor-1", "council": "council-1"}
    assert await rels(world, "DONOR_MEMBER_OF") == [("donor-1", "council-1", {"role": "CHAIR"})]
    changed = await update_member(world, "council-1", {"since": "2024-01-01"}, donor="donor-1")
    assert changed["role"] == "CHAIR" and changed["since"] == "2024-01-01"
    await add_member(world, "council-1", person="person-1", role="SECRETARY")
    await add_member(world, "council-1", institution="inst-a", role="OBSERVER")
    await fails_cleanly(world, ValidationFailed, "role", add_member(world, "council-1", person="person-1",
                                                                     role="BOSS"))
    await fails_cleanly(world, NotFound, "council", add_member(world, "council-9", person="person-1"))
    await fails_cleanly(world, ValidationFailed, "donor", add_member(world, "council-1"))
    await fails_cleanly(world, ValidationFailed, "person",
                        add_member(world, "council-1", donor="donor-1", person="person-1"))
    await fails_cleanly(world, NotFound, "institution",
                        update_member(world, "council-1", {"role": "CHAIR"}, institution="inst-b"))
    removed = await remove_member(world, "council-1", person="person-1")
    assert removed == {"role": "SECRETARY", "person": "person-1", "council": "council-1"}
    await fails_cleanly(world, NotFound, "person", remove_member(world, "council-1", person="person-1"))


async def test_offer_and_withdraw_a_service(world: FalkorStore) -> None:
    assert await offer_service(world, "inst-a", "svc-care", capacity=40) == {
        "capacity": 40, "institution": "inst-a", "service": "svc-care"}
    await offer_service(world, "inst-a", "svc-care", capacity=55)
    assert await rels(world, "OFFERS") == [("inst-a", "svc-care", {"capacity": 55})]
    await fails_cleanly(world, ValidationFailed, "capacity", offer_service(world, "inst-a", "svc-care", capacity=-1))
    await fails_cleanly(world, NotFound, "service", offer_service(world, "inst-a", "svc-zz", capacity=1))
    error = await fails_cleanly(world, Conflict, "key", delete_node(world, Label.SERVICE, "svc-care"))
    assert "1 OFFERS (Institution)" in error.message
    assert (await withdraw_service(world, "inst-a", "svc-care"))["capacity"] == 55
    await fails_cleanly(world, NotFound, "service", withdraw_service(world, "inst-a", "svc-care"))


async def test_partners_are_one_pair_whichever_way_round(world: FalkorStore) -> None:
    linked = await link_partners(world, "inst-a", "inst-b", since="2022-01-01")
    assert linked == {"since": "2022-01-01", "institution": "inst-a", "partner": "inst-b"}
    await link_partners(world, "inst-b", "inst-a", purpose="shared training")
    assert await rels(world, "PARTNERS_WITH") == [("inst-a", "inst-b", {"purpose": "shared training"})]
    await fails_cleanly(world, ValidationFailed, "partner", link_partners(world, "inst-a", "inst-a"))
    await fails_cleanly(world, NotFound, "partner", link_partners(world, "inst-a", "inst-zz"))
    assert await unlink_partners(world, "inst-b", "inst-a") == {
        "purpose": "shared training", "institution": "inst-b", "partner": "inst-a"}
    await fails_cleanly(world, NotFound, "partner", unlink_partners(world, "inst-a", "inst-b"))


async def test_event_participants_and_provided_services(world: FalkorStore) -> None:
    assert await register_participant(world, "evt-1", "inst-a", role="volunteer team") == {
        "role": "volunteer team", "institution": "inst-a", "event": "evt-1"}
    await register_participant(world, "evt-1", "inst-a")
    assert await rels(world, "PARTICIPATED_IN") == [("inst-a", "evt-1", {})]
    await fails_cleanly(world, NotFound, "event", register_participant(world, "evt-zz", "inst-a"))
    await remove_participant(world, "evt-1", "inst-a")
    await fails_cleanly(world, NotFound, "institution", remove_participant(world, "evt-1", "inst-a"))

    assert await record_provided_service(world, "evt-1", "svc-care", people=1200) == {
        "people": 1200, "event": "evt-1", "service": "svc-care"}
    await fails_cleanly(world, ValidationFailed, "people",
                        record_provided_service(world, "evt-1", "svc-care", people=-4))
    error = await fails_cleanly(world, Conflict, "key", delete_node(world, Label.EVENT, "evt-1"))
    assert "PROVIDED (Service)" in error.message
    await remove_provided_service(world, "evt-1", "svc-care")
    await fails_cleanly(world, NotFound, "service", remove_provided_service(world, "evt-1", "svc-care"))


async def test_county_needs_are_upserted(world: FalkorStore) -> None:
    need = await set_need(world, "IR-00-0001", "tg-elderly", people=900, source="census 2016", year=2016)
    assert need == {"people": 900, "source": "census 2016", "year": 2016, "county": "IR-00-0001",
                    "targetGroup": "tg-elderly"}
    await set_need(world, "IR-00-0001", "tg-elderly", people=1100, source="survey", year=2023)
    assert await rels(world, "NEEDS") == [("IR-00-0001", "tg-elderly",
                                           {"people": 1100, "source": "survey", "year": 2023})]
    await fails_cleanly(world, ValidationFailed, "people",
                        set_need(world, "IR-00-0001", "tg-elderly", people=-1, source="x", year=2023))
    await fails_cleanly(world, ValidationFailed, "year",
                        set_need(world, "IR-00-0001", "tg-elderly", people=1, source="x", year="1402"))
    await fails_cleanly(world, NotFound, "targetGroup",
                        set_need(world, "IR-00-0001", "tg-zz", people=1, source="x", year=2023))
    # A figure without a source is refused: planners must see where every figure comes from.
    await fails_cleanly(world, ValidationFailed, "source",
                        set_need(world, "IR-00-0001", "tg-elderly", people=1, source=None, year=2023))
    await fails_cleanly(world, Conflict, "key", delete_node(world, Label.TARGET_GROUP, "tg-elderly"))
    await remove_need(world, "IR-00-0001", "tg-elderly")
    await fails_cleanly(world, NotFound, "targetGroup", remove_need(world, "IR-00-0001", "tg-elderly"))
