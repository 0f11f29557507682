"""Relationship mutations end to end: the generated client against the ASGI app on a small api_world.

Each mutation's success is read back through the client's browse queries (or the store where no
query shows it); each main refusal must come back as its typed error naming the input field,
with the graph exactly as it was (``refused``). Licences: test_api_mutations_licences.py.
"""

from __future__ import annotations

from typing import Any

from graph_model.stores.falkordb import FalkorStore
from hub_client import HubClient
from hub_client.enums import MemberRole
from hub_client.input_types import RecordDonationInput, UpdateDonationInput
from tests.mutation_client import refused, written
from tests.builders import DUMP_RELS


async def rels(store: FalkorStore, rel: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(start key, end key, properties) of every ``rel`` relationship, sorted."""
    return sorted((r["start"], r["end"], r["props"]) for r in await store.read(DUMP_RELS) if r["type"] == rel)


def gift(**values: Any) -> RecordDonationInput:
    return RecordDonationInput(**{"donor": "donor-1", "amount": 10, "date": "2024-05-02", **values})


async def event_row(hub: HubClient) -> Any:
    """evt-1 as the events list shows it (participants, services, giving)."""
    (event,) = (await hub.events()).events.nodes
    assert event.key == "evt-1"
    return event


# --- donations ---------------------------------------------------------------------------------

async def test_record_donation_to_an_institution_resolves_its_links(api_world) -> None:
    hub, store = api_world
    made = written(await hub.record_donation(gift(
        institution="inst-a", amount=500_000_000_000_000, date="1403/02/12", purpose="equipment")), "Donation")
    # Above 2^53: the Rials scalar keeps it exact both ways.
    assert (made.amount, made.date, made.date_jalali, made.purpose) == (
        500_000_000_000_000, "2024-05-01", "1403/02/12", "equipment")
    assert made.key.startswith("don-") and made.donor.key == "donor-1"
    assert made.institution.key == "inst-a" and made.event is None
    donor = (await hub.donor("donor-1")).donor
    assert [(d.key, d.amount, d.institution.key) for d in donor.donations.nodes] == [
        (made.key, 500_000_000_000_000, "inst-a")]
    giving = (await hub.institution_detail("inst-a")).institution.giving
    assert (giving.amount, giving.count, giving.counterparts) == (500_000_000_000_000, 1, 1)
    assert (await hub.node(made.id)).node.key == made.key


async def test_record_donation_to_an_event(api_world) -> None:
    hub, _ = api_world
    made = written(await hub.record_donation(gift(event="evt-1", amount=0, key="don-mawkib")), "Donation")
    assert (made.key, made.amount, made.event.key, made.institution) == ("don-mawkib", 0, "evt-1", None)
    giving = (await event_row(hub)).giving
    assert (giving.amount, giving.count) == (0, 1)


async def test_record_donation_refusals(api_world) -> None:
    hub, store = api_world
    written(await hub.record_donation(gift(institution="inst-a", key="don-1")), "Donation")
    call = hub.record_donation
    await refused(store, call(gift(institution="inst-a", amount=-5)), "ValidationError", "amount")
    await refused(store, call(gift(institution="inst-a", event="evt-1")), "ValidationError", "event")
    await refused(store, call(gift()), "ValidationError", "institution")
    await refused(store, call(gift(institution="inst-a", donor="donor-zz")), "NotFoundError", "donor")
    await refused(store, call(gift(institution="inst-zz")), "NotFoundError", "institution")
    await refused(store, call(gift(event="evt-zz")), "NotFoundError", "event")
    error = await refused(store, call(gift(institution="inst-b", key="don-1")), "ConflictError", "key")
    assert error.code == "CONFLICT"
    # The key is unique across both kinds of donation.
    await refused(store, call(gift(event="evt-1", key="don-1")), "ConflictError", "key")


async def test_update_donation(api_world) -> None:
    hub, store = api_world
    written(await hub.record_donation(gift(event="evt-1", key="don-1", purpose="food")), "Donation")
    updated = written(await hub.update_donation("don-1", UpdateDonationInput(amount=25, purpose=None)), "Donation")
    assert (updated.key, updated.amount, updated.date, updated.purpose) == ("don-1", 25, "2024-05-02", None)
    assert (updated.donor.key, updated.event.key) == ("donor-1", "evt-1")
    # An absent field stays as it was.
    dated = written(await hub.update_donation("don-1", UpdateDonationInput(date="1403/05/24")), "Donation")
    assert (dated.amount, dated.date) == (25, "2024-08-14")
    # Donor.donations lists gifts to institutions only: this one shows in the node and the event's giving.
    assert (await hub.node(updated.id)).node.amount == 25
    assert (await event_row(hub)).giving.amount == 25
    assert await rels(store, "DONATED_TO_EVENT") == [("donor-1", "evt-1", {"key": "don-1", "amount": 25,
                                                                         "date": "2024-08-14"})]
    await refused(store, hub.update_donation("don-1", UpdateDonationInput(amount=-1)), "ValidationError", "amount")
    await refused(store, hub.update_donation("don-1", UpdateDonationInput(amount=None)), "ValidationError", "amount")
    await refused(store, hub.update_donation("don-zz", UpdateDonationInput(amount=1)), "NotFoundError", "key")


async def test_delete_donation(api_world) -> None:
    hub, store = api_world
    written(await hub.record_donation(gift(institution="inst-a", key="don-1", purpose="books")), "Donation")
    gone = written(await hub.delete_donation("don-1"), "Donation")
    assert (gone.key, gone.amount, gone.purpose, gone.donor.key, gone.institution.key) == (
        "don-1", 10, "books", "donor-1", "inst-a")
    assert (await hub.donor("donor-1")).donor.donations.total_count == 0
    assert await rels(store, "DONATED_TO") == []
    await refused(store, hub.delete_donation("don-1"), "NotFoundError", "key")


# --- service offers ----------------------------------------------------------------------------

async def test_offer_service_sets_the_capacity(api_world) -> None:
    hub, store = api_world
    offer = written(await hub.offer_service("inst-a", "svc-care", 40), "ServiceOffer")
    assert (offer.capacity, offer.institution.key, offer.service.key) == (40, "inst-a", "svc-care")
    written(await hub.offer_service("inst-a", "svc-care", 55), "ServiceOffer")
    services = (await hub.institution_detail("inst-a")).institution.services
    assert [(e.capacity, e.node.key) for e in services.edges] == [(55, "svc-care")]
    await refused(store, hub.offer_service("inst-a", "svc-zz", 1), "NotFoundError", "service")
    await refused(store, hub.offer_service("inst-zz", "svc-care", 1), "NotFoundError", "institution")
    await refused(store, hub.offer_service("inst-a", "svc-skills", -1), "ValidationError", "capacity")


async def test_withdraw_service(api_world) -> None:
    hub, store = api_world
    written(await hub.offer_service("inst-a", "svc-care", 40), "ServiceOffer")
    gone = written(await hub.withdraw_service("inst-a", "svc-care"), "ServiceOffer")
    assert (gone.capacity, gone.institution.key, gone.service.key) == (40, "inst-a", "svc-care")
    assert (await hub.institution_detail("inst-a")).institution.services.total_count == 0
    await refused(store, hub.withdraw_service("inst-a", "svc-care"), "NotFoundError", "service")


# --- council members ---------------------------------------------------------------------------

async def test_add_council_member(api_world) -> None:
    hub, store = api_world
    seat = written(await hub.add_council_member("council-1", MemberRole.MEMBER, donor="donor-1",
                                                since="1402/01/01"), "Membership")
    assert (seat.key, seat.role, seat.since, seat.since_jalali) == (
        "council-1|Donor|donor-1", MemberRole.MEMBER, "2023-03-21", "1402/01/01")
    assert (seat.council.key, seat.member.typename__, seat.member.key) == ("council-1", "Donor", "donor-1")
    # Adding again replaces the seat: one membership holding what the last call said.
    written(await hub.add_council_member("council-1", MemberRole.CHAIR, donor="donor-1"), "Membership")
    written(await hub.add_council_member("council-1", MemberRole.SECRETARY, person="person-1"), "Membership")
    members = (await hub.council("council-1")).council.members
    assert sorted((m.member.key, m.role, m.since) for m in members.nodes) == [
        ("donor-1", MemberRole.CHAIR, None), ("person-1", MemberRole.SECRETARY, None)]
    assert seat.key in {m.key for m in members.nodes}
    assert (await hub.node(seat.id)).node.role == MemberRole.CHAIR


async def test_add_council_member_refusals(api_world) -> None:
    hub, store = api_world
    add = hub.add_council_member
    await refused(store, add("council-9", MemberRole.MEMBER, person="person-1"), "NotFoundError", "council")
    await refused(store, add("council-1", MemberRole.MEMBER), "ValidationError", "donor")
    await refused(store, add("council-1", MemberRole.MEMBER, donor="donor-1", person="person-1"),
                  "ValidationError", "person")
    await refused(store, add("council-1", MemberRole.MEMBER, institution="inst-zz"), "NotFoundError", "institution")


async def test_update_council_member_role_and_since(api_world) -> None:
    hub, store = api_world
    written(await hub.add_council_member("council-1", MemberRole.MEMBER, donor="donor-1", since="2023-03-21"),
            "Membership")
    chair = written(await hub.update_council_member_role("council-1", donor="donor-1", role=MemberRole.CHAIR),
                    "Membership")
    assert (chair.role, chair.since) == (MemberRole.CHAIR, "2023-03-21")  # since stays
    moved = written(await hub.update_council_member_since("council-1", donor="donor-1", since="1403/01/01"),
                    "Membership")
    assert (moved.role, moved.since) == (MemberRole.CHAIR, "2024-03-20")
    (edge,) = (await hub.donor("donor-1")).donor.councils.edges
    assert (edge.node.key, edge.role, edge.since) == ("council-1", "CHAIR", "2024-03-20")
    unset = written(await hub.update_council_member_since("council-1", donor="donor-1", since=None), "Membership")
    assert (unset.role, unset.since) == (MemberRole.CHAIR, None)
    assert await rels(store, "DONOR_MEMBER_OF") == [("donor-1", "council-1", {"role": "CHAIR"})]
    await refused(store, hub.update_council_member_role("council-1", institution="inst-b", role=MemberRole.CHAIR),
                  "NotFoundError", "institution")
    await refused(store, hub.update_council_member_role("council-9", donor="donor-1", role=MemberRole.CHAIR),
                  "NotFoundError", "council")
    await refused(store, hub.update_council_member_since("council-1", since="2024-01-01"), "ValidationError", "donor")


async def test_remove_council_member(api_world) -> None:
    hub, store = api_world
    written(await hub.add_council_member("council-1", MemberRole.OBSERVER, institution="inst-a"), "Membership")
    gone = written(await hub.remove_council_member("council-1", institution="inst-a"), "Membership")
    assert (gone.role, gone.member.typename__, gone.member.key) == (MemberRole.OBSERVER, "Institution", "inst-a")
    assert (await hub.council("council-1")).council.members.total_count == 0
    await refused(store, hub.remove_council_member("council-1", institution="inst-a"), "NotFoundError", "institution")
    await refused(store, hub.remove_council_member("council-1", donor="donor-1", person="person-1"),
                  "ValidationError", "person")


# --- partners ----------------------------------------------------------------------------------

async def test_link_partners_one_pair_whichever_way_round(api_world) -> None:
    hub, store = api_world
    pair = written(await hub.link_partners("inst-a", "inst-b", since="1400/10/11", purpose="training"),
                   "Partnership")
    assert (pair.key, pair.since, pair.purpose) == ("inst-a|inst-b", "2022-01-01", "training")
    assert (pair.first.key, pair.second.key) == ("inst-a", "inst-b")
    again = written(await hub.link_partners("inst-b", "inst-a", purpose="shared kitchen"), "Partnership")
    # The same partnership, named the other way round: the same key and global id.
    assert (again.since, again.purpose, again.first.key, again.second.key) == (
        None, "shared kitchen", "inst-a", "inst-b")
    assert (again.key, again.id) == (pair.key, pair.id)
    assert await rels(store, "PARTNERS_WITH") == [("inst-a", "inst-b", {"purpose": "shared kitchen"})]
    assert (await hub.node(again.id)).node.typename__ == "Partnership"
    for key, other in (("inst-a", "inst-b"), ("inst-b", "inst-a")):
        partners = (await hub.institution_detail(key)).institution.partners
        assert [(e.node.key, e.purpose) for e in partners.edges] == [(other, "shared kitchen")]
    await refused(store, hub.link_partners("inst-a", "inst-a"), "ValidationError", "partner")
    await refused(store, hub.link_partners("inst-a", "inst-zz"), "NotFoundError", "partner")


async def test_unlink_partners(api_world) -> None:
    hub, store = api_world
    written(await hub.link_partners("inst-a", "inst-b", purpose="training"), "Partnership")
    gone = written(await hub.unlink_partners("inst-b", "inst-a"), "Partnership")
    assert (gone.key, gone.purpose, gone.first.key, gone.second.key) == (
        "inst-a|inst-b", "training", "inst-a", "inst-b")
    assert (await hub.institution_detail("inst-a")).institution.partners.total_count == 0
    await refused(store, hub.unlink_partners("inst-a", "inst-b"), "NotFoundError", "partner")


# --- event participants and provided services --------------------------------------------------

async def test_register_and_remove_participant(api_world) -> None:
    hub, store = api_world
    joined = written(await hub.register_participant("evt-1", "inst-a", role="volunteer team"), "Participation")
    assert (joined.role, joined.institution.key, joined.event.key) == ("volunteer team", "inst-a", "evt-1")
    participants = (await event_row(hub)).participants
    assert [(e.node.key, e.role) for e in participants.edges] == [("inst-a", "volunteer team")]
    assert [(e.node.key, e.role) for e in (await hub.institution_detail("inst-a")).institution.events.edges] == [
        ("evt-1", "volunteer team")]
    await refused(store, hub.register_participant("evt-zz", "inst-a"), "NotFoundError", "event")
    await refused(store, hub.register_participant("evt-1", "inst-zz"), "NotFoundError", "institution")
    gone = written(await hub.remove_participant("evt-1", "inst-a"), "Participation")
    assert (gone.role, gone.institution.key) == ("volunteer team", "inst-a")
    assert (await event_row(hub)).participants.total_count == 0
    await refused(store, hub.remove_participant("evt-1", "inst-a"), "NotFoundError", "institution")


async def test_record_and_remove_provided_service(api_world) -> None:
    hub, store = api_world
    provided = written(await hub.record_provided_service("evt-1", "svc-care", people=1200), "ProvidedService")
    assert (provided.people, provided.event.key, provided.service.key) == (1200, "evt-1", "svc-care")
    assert [(e.node.key, e.people) for e in (await event_row(hub)).services.edges] == [("svc-care", 1200)]
    await refused(store, hub.record_provided_service("evt-1", "svc-care", people=-4), "ValidationError", "people")
    await refused(store, hub.record_provided_service("evt-1", "svc-zz"), "NotFoundError", "service")
    await refused(store, hub.record_provided_service("evt-zz", "svc-care"), "NotFoundError", "event")
    gone = written(await hub.remove_provided_service("evt-1", "svc-care"), "ProvidedService")
    assert (gone.people, gone.service.key) == (1200, "svc-care")
    assert (await event_row(hub)).services.edges == []
    await refused(store, hub.remove_provided_service("evt-1", "svc-care"), "NotFoundError", "service")


# --- needs -------------------------------------------------------------------------------------

async def test_set_need_is_one_figure_per_pair(api_world) -> None:
    hub, store = api_world
    need = written(await hub.set_need("IR-00-0001", "tg-elderly", 900, "census 2016", 2016), "Need")
    assert (need.key, need.people, need.source, need.year, need.generated) == (
        "IR-00-0001|tg-elderly", 900, "census 2016", 2016, False)
    assert (need.county.key, need.target_group.key) == ("IR-00-0001", "tg-elderly")
    written(await hub.set_need("IR-00-0001", "tg-elderly", 1100, "survey", 2023), "Need")
    assert await rels(store, "NEEDS") == [("IR-00-0001", "tg-elderly",
                                           {"people": 1100, "source": "survey", "year": 2023})]
    assert (await hub.node(need.id)).node.typename__ == "Need"
    await refused(store, hub.set_need("IR-00-0001", "tg-elderly", -1, "x", 2023), "ValidationError", "people")
    await refused(store, hub.set_need("IR-00-0001", "tg-zz", 1, "x", 2023), "NotFoundError", "targetGroup")
    await refused(store, hub.set_need("IR-99-0001", "tg-elderly", 1, "x", 2023), "NotFoundError", "county")


async def test_remove_need(api_world) -> None:
    hub, store = api_world
    need = written(await hub.set_need("IR-00-0001", "tg-elderly", 900, "census 2016", 2016), "Need")
    gone = written(await hub.remove_need("IR-00-0001", "tg-elderly"), "Need")
    assert (gone.key, gone.people, gone.source, gone.year) == ("IR-00-0001|tg-elderly", 900, "census 2016", 2016)
    assert await rels(store, "NEEDS") == []
    assert (await hub.node(need.id)).node is None
    await refused(store, hub.remove_need("IR-00-0001", "tg-elderly"), "NotFoundError", "targetGroup")
