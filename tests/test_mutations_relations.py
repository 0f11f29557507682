"""Donations and pair relationships (graph_model.mutations.donations, .relations) on the embedded FalkorDB."""

from __future__ import annotations

from typing import Any


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
    from tests.builders import DUMP_RELS, fails_cleanly
except ImportError:  # tests/ on sys.path rather than the repository root
    from builders import DUMP_RELS, fails_cleanly  # type: ignore[import-not-found, no-redef]


async def rels(store: FalkorStore, rel: str) -> list[tuple[str, str, dict]]:
    return sorted((r["start"], r["end"], r["props"]) for r in await store.read(DUMP_RELS) if r["type"] == rel)


async def test_record_a_donation_to_an_institution_and_to_an_event(small_world: FalkorStore) -> None:
    gift = await record_donation(small_world, donor="donor-1", institution="inst-a", amount=5_000_000,
                                 date="2024-05-01", purpose="equipment")
    assert gift["key"].startswith("don-")
    assert gift == {"key": gift["key"], "amount": 5_000_000, "date": "2024-05-01", "purpose": "equipment",
                    "donor": "donor-1", "institution": "inst-a"}
    assert await rels(small_world, "DONATED_TO") == [("donor-1", "inst-a", {k: gift[k] for k in
                                                                       ("key", "amount", "date", "purpose")})]
    to_event = await record_donation(small_world, donor="donor-1", event="evt-1", amount=0, date="2024-08-20",
                                     key="don-mawkib")
    assert to_event == {"key": "don-mawkib", "amount": 0, "date": "2024-08-20", "donor": "donor-1",
                        "event": "evt-1"}


async def test_donation_refusals(small_world: FalkorStore) -> None:
    await record_donation(small_world, donor="donor-1", institution="inst-a", amount=10, date="2024-05-01", key="don-1")
    gift: dict[str, Any] = {"donor": "donor-1", "amount": 10, "date": "2024-05-02"}
    await fails_cleanly(small_world, ValidationFailed, "amount",
                        record_donation(small_world, **{**gift, "amount": -5}, institution="inst-a"))
    await fails_cleanly(small_world, ValidationFailed, "date",
                        record_donation(small_world, **{**gift, "date": "1403-05-19x"}, institution="inst-a"))
    await fails_cleanly(small_world, NotFound, "donor",
                        record_donation(small_world, **{**gift, "donor": "donor-zz"}, institution="inst-a"))
    await fails_cleanly(small_world, NotFound, "institution",
                        record_donation(small_world, **gift, institution="inst-zz"))
    await fails_cleanly(small_world, NotFound, "event", record_donation(small_world, **gift, event="evt-zz"))
    await fails_cleanly(small_world, ValidationFailed, "event",
                        record_donation(small_world, **gift, institution="inst-a", event="evt-1"))
    await fails_cleanly(small_world, ValidationFailed, "institution", record_donation(small_world, **gift))
    # A key is unique within a type (the store's constraint) and across both types.
    await fails_cleanly(small_world, Conflict, "key",
                        record_donation(small_world, **gift, institution="inst-b", key="don-1"))
    await fails_cleanly(small_world, Conflict, "key", record_donation(small_world, **gift, event="evt-1", key="don-1"))


async def test_update_and_delete_a_donation(small_world: FalkorStore) -> None:
    await record_donation(small_world, donor="donor-1", event="evt-1", amount=10, date="2024-05-01", key="don-1",
                          purpose="food")
    updated = await update_donation(small_world, "don-1", {"amount": 25, "purpose": None})
    assert updated == {"key": "don-1", "amount": 25, "date": "2024-05-01", "donor": "donor-1", "event": "evt-1"}
    await fails_cleanly(small_world, ValidationFailed, "amount", update_donation(small_world, "don-1", {"amount": -1}))
    await fails_cleanly(small_world, ValidationFailed, "amount",
                        update_donation(small_world, "don-1", {"amount": None}))
    await fails_cleanly(small_world, ValidationFailed, "event",
                        update_donation(small_world, "don-1", {"event": "evt-2"}))
    await fails_cleanly(small_world, NotFound, "key", update_donation(small_world, "don-zz", {"amount": 1}))
    assert await delete_donation(small_world, "don-1") == updated
    assert (await rel_counts(small_world))["DONATED_TO_EVENT"] == 0
    await fails_cleanly(small_world, NotFound, "key", delete_donation(small_world, "don-1"))


async def test_council_membership(small_world: FalkorStore) -> None:
    member = await add_member(small_world, "council-1", donor="donor-1", since="2023-03-21")
    assert member == {"role": "MEMBER", "since": "2023-03-21", "donor": "donor-1", "council": "council-1"}
    # Adding again is an upsert: one membership holding exactly what the last call said.
    again = await add_member(small_world, "council-1", donor="donor-1", role=MemberRole.CHAIR)
    assert again == {"role": "CHAIR", "donor": "donor-1", "council": "council-1"}
    assert await rels(small_world, "DONOR_MEMBER_OF") == [("donor-1", "council-1", {"role": "CHAIR"})]
    changed = await update_member(small_world, "council-1", {"since": "2024-01-01"}, donor="donor-1")
    assert changed["role"] == "CHAIR" and changed["since"] == "2024-01-01"
    await add_member(small_world, "council-1", person="person-1", role="SECRETARY")
    await add_member(small_world, "council-1", institution="inst-a", role="OBSERVER")
    await fails_cleanly(small_world, ValidationFailed, "role", add_member(small_world, "council-1", person="person-1",
                                                                     role="BOSS"))
    await fails_cleanly(small_world, NotFound, "council", add_member(small_world, "council-9", person="person-1"))
    await fails_cleanly(small_world, ValidationFailed, "donor", add_member(small_world, "council-1"))
    await fails_cleanly(small_world, ValidationFailed, "person",
                        add_member(small_world, "council-1", donor="donor-1", person="person-1"))
    await fails_cleanly(small_world, NotFound, "institution",
                        update_member(small_world, "council-1", {"role": "CHAIR"}, institution="inst-b"))
    removed = await remove_member(small_world, "council-1", person="person-1")
    assert removed == {"role": "SECRETARY", "person": "person-1", "council": "council-1"}
    await fails_cleanly(small_world, NotFound, "person", remove_member(small_world, "council-1", person="person-1"))


async def test_offer_and_withdraw_a_service(small_world: FalkorStore) -> None:
    assert await offer_service(small_world, "inst-a", "svc-care", capacity=40) == {
        "capacity": 40, "institution": "inst-a", "service": "svc-care"}
    await offer_service(small_world, "inst-a", "svc-care", capacity=55)
    assert await rels(small_world, "OFFERS") == [("inst-a", "svc-care", {"capacity": 55})]
    await fails_cleanly(small_world, ValidationFailed, "capacity",
                        offer_service(small_world, "inst-a", "svc-care", capacity=-1))
    await fails_cleanly(small_world, NotFound, "service", offer_service(small_world, "inst-a", "svc-zz", capacity=1))
    error = await fails_cleanly(small_world, Conflict, "key", delete_node(small_world, Label.SERVICE, "svc-care"))
    assert "1 OFFERS (Institution)" in error.message
    assert (await withdraw_service(small_world, "inst-a", "svc-care"))["capacity"] == 55
    await fails_cleanly(small_world, NotFound, "service", withdraw_service(small_world, "inst-a", "svc-care"))


async def test_partners_are_one_pair_whichever_way_round(small_world: FalkorStore) -> None:
    linked = await link_partners(small_world, "inst-a", "inst-b", since="2022-01-01")
    assert linked == {"since": "2022-01-01", "institution": "inst-a", "partner": "inst-b"}
    await link_partners(small_world, "inst-b", "inst-a", purpose="shared training")
    assert await rels(small_world, "PARTNERS_WITH") == [("inst-a", "inst-b", {"purpose": "shared training"})]
    await fails_cleanly(small_world, ValidationFailed, "partner", link_partners(small_world, "inst-a", "inst-a"))
    await fails_cleanly(small_world, NotFound, "partner", link_partners(small_world, "inst-a", "inst-zz"))
    assert await unlink_partners(small_world, "inst-b", "inst-a") == {
        "purpose": "shared training", "institution": "inst-b", "partner": "inst-a"}
    await fails_cleanly(small_world, NotFound, "partner", unlink_partners(small_world, "inst-a", "inst-b"))


async def test_event_participants_and_provided_services(small_world: FalkorStore) -> None:
    assert await register_participant(small_world, "evt-1", "inst-a", role="volunteer team") == {
        "role": "volunteer team", "institution": "inst-a", "event": "evt-1"}
    await register_participant(small_world, "evt-1", "inst-a")
    assert await rels(small_world, "PARTICIPATED_IN") == [("inst-a", "evt-1", {})]
    await fails_cleanly(small_world, NotFound, "event", register_participant(small_world, "evt-zz", "inst-a"))
    await remove_participant(small_world, "evt-1", "inst-a")
    await fails_cleanly(small_world, NotFound, "institution", remove_participant(small_world, "evt-1", "inst-a"))

    assert await record_provided_service(small_world, "evt-1", "svc-care", people=1200) == {
        "people": 1200, "event": "evt-1", "service": "svc-care"}
    await fails_cleanly(small_world, ValidationFailed, "people",
                        record_provided_service(small_world, "evt-1", "svc-care", people=-4))
    error = await fails_cleanly(small_world, Conflict, "key", delete_node(small_world, Label.EVENT, "evt-1"))
    assert "PROVIDED (Service)" in error.message
    await remove_provided_service(small_world, "evt-1", "svc-care")
    await fails_cleanly(small_world, NotFound, "service", remove_provided_service(small_world, "evt-1", "svc-care"))


async def test_county_needs_are_upserted(small_world: FalkorStore) -> None:
    need = await set_need(small_world, "IR-00-0001", "tg-elderly", people=900, source="census 2016", year=2016)
    assert need == {"people": 900, "source": "census 2016", "year": 2016, "county": "IR-00-0001",
                    "targetGroup": "tg-elderly"}
    await set_need(small_world, "IR-00-0001", "tg-elderly", people=1100, source="survey", year=2023)
    assert await rels(small_world, "NEEDS") == [("IR-00-0001", "tg-elderly",
                                           {"people": 1100, "source": "survey", "year": 2023})]
    await fails_cleanly(small_world, ValidationFailed, "people",
                        set_need(small_world, "IR-00-0001", "tg-elderly", people=-1, source="x", year=2023))
    await fails_cleanly(small_world, ValidationFailed, "year",
                        set_need(small_world, "IR-00-0001", "tg-elderly", people=1, source="x",
                                 year="1402"))  # type: ignore[arg-type]  # a wrong type, on purpose
    await fails_cleanly(small_world, NotFound, "targetGroup",
                        set_need(small_world, "IR-00-0001", "tg-zz", people=1, source="x", year=2023))
    # A figure without a source is refused: planners must see where every figure comes from.
    await fails_cleanly(small_world, ValidationFailed, "source",
                        set_need(small_world, "IR-00-0001", "tg-elderly", people=1, year=2023,
                                 source=None))  # type: ignore[arg-type]  # on purpose
    await fails_cleanly(small_world, Conflict, "key", delete_node(small_world, Label.TARGET_GROUP, "tg-elderly"))
    await remove_need(small_world, "IR-00-0001", "tg-elderly")
    await fails_cleanly(small_world, NotFound, "targetGroup", remove_need(small_world, "IR-00-0001", "tg-elderly"))
