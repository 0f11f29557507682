"""Mutations on relationships: donations, service offers, council seats, partnerships, event
participants and services, needs, and the licence lifecycle (each step recorded in the licence's history).

Each resolver calls one ``graph_model.mutations`` function (one guarded write statement, one
transaction) and returns the record written (or removed, as it was) or a typed error. Each declares
its access on itself (hub.auth.access): the right, and which argument names which record.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from graph_model import mutations as write
from graph_model.enums import Label
from graph_model.provinces_of import DONATION
from hub.analytics.overview import today_in_iran
from hub.auth.access import NEW, Access, mutates
from hub.auth.principal import Right
from hub.schema import enums as e
from hub.schema.entities import Event, Institution, Licence, Service
from hub.schema.fields import CONVERTERS, link
from hub.schema.inputs import given_fields
from hub.schema.relations import Donation, Membership, Need, Partnership
from hub.schema.results import Errors, InvalidTransitionError, outcome, union_of
from hub.schema.scalars import Date, Rials

UNSET: Any = strawberry.UNSET


def arg(description: str) -> Any:
    return strawberry.argument(description=description)


@strawberry.type(description="An institution offering a service, with its capacity.")
class ServiceOffer:
    capacity: int = strawberry.field(description="How many people it can serve.")
    institution_key: strawberry.Private[str]
    service_key: strawberry.Private[str]
    institution: Institution | None = link("", "Institution", "The institution.", key_attr="institution_key",
                            label=Label.INSTITUTION)
    service: Service | None = link("", "Service", "The service offered.", key_attr="service_key", label=Label.SERVICE)


@strawberry.type(description="An institution taking part in an event.")
class Participation:
    role: str | None = strawberry.field(description="Its role, e.g. host or volunteer team.")
    institution_key: strawberry.Private[str]
    event_key: strawberry.Private[str]
    institution: Institution | None = link("", "Institution", "The institution.", key_attr="institution_key",
                            label=Label.INSTITUTION)
    event: Event | None = link("", "Event", "The event.", key_attr="event_key", label=Label.EVENT)


@strawberry.type(description="A service an event provided, with the people served.")
class ProvidedService:
    people: int | None = strawberry.field(description="People served, when known.")
    event_key: strawberry.Private[str]
    service_key: strawberry.Private[str]
    event: Event | None = link("", "Event", "The event.", key_attr="event_key", label=Label.EVENT)
    service: Service | None = link("", "Service", "The service provided.", key_attr="service_key", label=Label.SERVICE)


@strawberry.input(description="A donation to record: to an institution or to an event (give one).")
class RecordDonationInput:
    donor: str = strawberry.field(description="Key of the donor.")
    amount: Rials = strawberry.field(description="Amount in rials, not negative.")
    date: Date = strawberry.field(description="Date given (ISO or Solar Hijri).")
    institution: str | None = strawberry.field(default=None, description="Key of the institution given to.")
    event: str | None = strawberry.field(default=None, description="Key of the event given to.")
    purpose: str | None = strawberry.field(default=None, description="What it was given for.")
    key: str | None = strawberry.field(default=None, description="Key; a fresh one is generated when not given.")
    source: str | None = strawberry.field(default=None, description="Where the record comes from.")


@strawberry.input(description="Changes to a donation: an absent field stays, `null` unsets an optional one. "
                              "The donor and recipient never change: delete and record again.")
class UpdateDonationInput:
    amount: Rials | None = strawberry.field(default=UNSET, description="Amount in rials.")
    date: Date | None = strawberry.field(default=UNSET, description="Date given.")
    purpose: str | None = strawberry.field(default=UNSET, description="What it was given for.")
    source: str | None = strawberry.field(default=UNSET, description="Where the record comes from.")


@strawberry.input(description="A licence to issue to an institution.")
class IssueLicenceInput:
    holder: str = strawberry.field(description="Key of the institution receiving it.")
    licence_type: str = strawberry.field(description="Key of the licence type.")
    services: list[str] = strawberry.field(description="Keys of the services it covers; the type must permit "
                                                       "each.")
    issued_on: Date = strawberry.field(description="Issue date.")
    status: e.LicenceStatus = strawberry.field(default=e.LicenceStatus.ACTIVE, description=(
        "ACTIVE (an activity permit) or AGREEMENT_IN_PRINCIPLE."))
    expires_on: Date | None = strawberry.field(default=None, description=(
        "Expiry; by default the issue date plus the type's validity."))
    number: str | None = strawberry.field(default=None, description="Licence number.")
    key: str | None = strawberry.field(default=None, description="Key; a fresh one is generated when not given.")
    source: str | None = strawberry.field(default=None, description="Where the record comes from.")


MEMBER_LABELS = {"donor": Label.DONOR, "institution": Label.INSTITUTION, "person": Label.PERSON}


def _donation(row: dict[str, Any]) -> Donation:
    to_event = "event" in row
    props = {k: v for k, v in row.items() if k not in ("donor", "institution", "event")}
    return Donation.from_row({"props": props, "donor": row["donor"], "recipient": row["event" if to_event else
                             "institution"], "recipientKind": (Label.EVENT if to_event else Label.INSTITUTION).value})


def _membership(row: dict[str, Any]) -> Membership:
    kind = next(k for k in MEMBER_LABELS if k in row)
    return Membership.from_row({"props": {"role": row.get("role"), "since": row.get("since")},
                                "council": row["council"], "member": row[kind],
                                "memberKind": MEMBER_LABELS[kind].value})


def _partnership(row: dict[str, Any]) -> Partnership:
    return Partnership.from_row({"props": row, "a": row["institution"], "b": row["partner"]})


def _need(row: dict[str, Any]) -> Need:
    return Need.from_row({"props": row, "county": row["county"], "targetGroup": row["targetGroup"]})


def _offer(row: dict[str, Any]) -> ServiceOffer:
    return ServiceOffer(capacity=int(row["capacity"]), institution_key=row["institution"], service_key=row["service"])


def _participation(row: dict[str, Any]) -> Participation:
    return Participation(role=row.get("role"), institution_key=row["institution"], event_key=row["event"])


def _provided(row: dict[str, Any]) -> ProvidedService:
    people = row.get("people")
    return ProvidedService(people=None if people is None else int(people), event_key=row["event"],
                           service_key=row["service"])


# What each mutation returns (results.result_union, spelled out as type aliases for type checkers).
DonationResult = Annotated[Donation | Errors, union_of("DonationResult", Donation)]
MembershipResult = Annotated[Membership | Errors, union_of("MembershipResult", Membership)]
PartnershipResult = Annotated[Partnership | Errors, union_of("PartnershipResult", Partnership)]
NeedResult = Annotated[Need | Errors, union_of("NeedResult", Need)]
ServiceOfferResult = Annotated[ServiceOffer | Errors, union_of("ServiceOfferResult", ServiceOffer)]
ParticipationResult = Annotated[Participation | Errors, union_of("ParticipationResult", Participation)]
ProvidedServiceResult = Annotated[ProvidedService | Errors, union_of("ProvidedServiceResult", ProvidedService)]
LicenceResult = Annotated[Licence | Errors | InvalidTransitionError, union_of("LicenceResult", Licence)]

Key = Annotated[str, arg("Key of the record.")]
InstitutionKey = Annotated[str, arg("Key of the institution.")]
ServiceKey = Annotated[str, arg("Key of the service.")]
CouncilKey = Annotated[str, arg("Key of the council.")]
EventKey = Annotated[str, arg("Key of the event.")]
CountyKey = Annotated[str, arg("Key of the county.")]
TargetGroupKey = Annotated[str, arg("Key of the target group.")]
MemberDonor = Annotated[str | None, arg("Key of the member when a donor (give one of donor, institution, person).")]
MemberInstitution = Annotated[str | None, arg("Key of the member when an institution.")]
MemberPerson = Annotated[str | None, arg("Key of the member when a person.")]
LicenceKey = Annotated[str, arg("Key of the licence.")]


def _store(info: strawberry.Info) -> Any:
    return info.context.store


def _by(info: strawberry.Info) -> str | None:
    """Who makes a licence change: the caller's subject, recorded in the licence's history."""
    principal = info.context.principal
    return None if principal is None else principal.subject


LicenceOn = Annotated[Date | None, arg("The day it happened (ISO or Solar Hijri): not in the future, not before the "
                                       "licence's last recorded change; today in Iran when left out.")]


def licence_step(move: Callable[..., Awaitable[dict[str, Any]]], description: str, *, reason_required: bool = False
                 ) -> Any:
    """A mutation moving a licence one step along its life cycle (``move`` checks the status and
    records the change, with the day, the caller and the reason, in the licence's history)."""
    why = ("Why, in words: required (without it: ValidationError on reason)." if reason_required
           else "Why, in words (optional).")

    async def step(self: Any, info: strawberry.Info, key: LicenceKey, on: LicenceOn = None,
                   reason: str | None = None) -> LicenceResult:
        return await outcome(info, move(_store(info), key, on=on, by=_by(info), reason=reason,
                                        today=today_in_iran()), _licence)

    # Built here: the description depends on the step (a string annotation could not see ``why``).
    step.__annotations__["reason"] = Annotated[str | None, arg(why)]

    return strawberry.mutation(resolver=step, description=description,
                               extensions=[_writes({"key": Label.LICENCE}, ("reason",))])


def _writes(keys: dict[str, Any], text: tuple[str, ...] = (), right: Right = Right.WRITE, **placing: Any) -> Access:
    return mutates(right, keys, text=text, **placing)


# The declarations shared by several mutations (hub.auth.access).
_MEMBER = {"council": Label.COUNCIL, "donor": Label.DONOR, "institution": Label.INSTITUTION, "person": Label.PERSON}
_OFFER = {"institution": Label.INSTITUTION, "service": Label.SERVICE}
_PARTNERS = {"institution": Label.INSTITUTION, "partner": Label.INSTITUTION}
_PARTICIPANT = {"event": Label.EVENT, "institution": Label.INSTITUTION}
_PROVIDED = {"event": Label.EVENT, "service": Label.SERVICE}
_NEED = {"county": Label.COUNTY, "targetGroup": Label.TARGET_GROUP}


@strawberry.type
class RelationMutation:
    @strawberry.mutation(description="Record a donation to an institution or an event. Typed errors: a negative "
                                     "amount, both or neither recipient, an unknown donor or recipient, a key "
                                     "already taken.",
                         extensions=[_writes({"input.donor": Label.DONOR, "input.institution": Label.INSTITUTION,
                                              "input.event": Label.EVENT, "input.key": NEW},
                                             ("input.purpose", "input.source"), creates=True,
                                             places=("input.institution", "input.event"))])
    async def record_donation(self, info: strawberry.Info,
                              input: Annotated[RecordDonationInput, arg("The donation.")]) -> DonationResult:
        return await outcome(info, write.record_donation(_store(info), **given_fields(input)), _donation)

    @strawberry.mutation(description="Change a donation's amount, date, purpose or source.",
                         extensions=[_writes({"key": DONATION}, ("input.purpose", "input.source"))])
    async def update_donation(self, info: strawberry.Info, key: Key,
                              input: Annotated[UpdateDonationInput, arg("The changes.")]) -> DonationResult:
        return await outcome(info, write.update_donation(_store(info), key, given_fields(input)), _donation)

    @strawberry.mutation(description="Delete a donation; returns it as it was.",
                         extensions=[_writes({"key": DONATION})])
    async def delete_donation(self, info: strawberry.Info, key: Key) -> DonationResult:
        return await outcome(info, write.delete_donation(_store(info), key), _donation)

    @strawberry.mutation(description="An institution offers a service with a capacity (sets the capacity when it "
                                     "already offers it).",
                         extensions=[_writes(_OFFER)])
    async def offer_service(self, info: strawberry.Info, institution: InstitutionKey, service: ServiceKey,
                            capacity: Annotated[int, arg("How many people it can serve; not negative.")]
                            ) -> ServiceOfferResult:
        return await outcome(info, write.offer_service(_store(info), institution, service, capacity=capacity), _offer)

    @strawberry.mutation(description="An institution stops offering a service; returns the offer as it was.",
                         extensions=[_writes(_OFFER)])
    async def withdraw_service(self, info: strawberry.Info, institution: InstitutionKey, service: ServiceKey
                               ) -> ServiceOfferResult:
        return await outcome(info, write.withdraw_service(_store(info), institution, service), _offer)

    @strawberry.mutation(description="Give a donor, an institution or a person (one of them) a seat on a council; "
                                     "sets the role and date when the seat exists.",
                         extensions=[_writes(_MEMBER)])
    async def add_council_member(
            self, info: strawberry.Info, council: CouncilKey, donor: MemberDonor = None,
            institution: MemberInstitution = None, person: MemberPerson = None,
            role: Annotated[e.MemberRole, arg("Role on the council.")] = e.MemberRole.MEMBER,
            since: Annotated[Date | None, arg("Member since.")] = None) -> MembershipResult:
        return await outcome(info, write.add_member(_store(info), council, donor=donor, institution=institution,
                                                    person=person, role=role, since=since), _membership)

    @strawberry.mutation(description="Change a seat's role or date (an absent argument stays, `null` unsets).",
                         extensions=[_writes(_MEMBER)])
    async def update_council_member(
            self, info: strawberry.Info, council: CouncilKey, donor: MemberDonor = None,
            institution: MemberInstitution = None, person: MemberPerson = None,
            role: Annotated[e.MemberRole | None, arg("Role on the council.")] = UNSET,
            since: Annotated[Date | None, arg("Member since.")] = UNSET) -> MembershipResult:
        changes = {n: v for n, v in (("role", role), ("since", since)) if v is not UNSET}
        return await outcome(info, write.update_member(_store(info), council, changes, donor=donor,
                                                       institution=institution, person=person), _membership)

    @strawberry.mutation(description="Take a member's seat away; returns the seat as it was.",
                         extensions=[_writes(_MEMBER)])
    async def remove_council_member(self, info: strawberry.Info, council: CouncilKey, donor: MemberDonor = None,
                                    institution: MemberInstitution = None, person: MemberPerson = None
                                    ) -> MembershipResult:
        return await outcome(info, write.remove_member(_store(info), council, donor=donor, institution=institution,
                                                       person=person), _membership)

    @strawberry.mutation(description="Make two institutions partners (one partnership per pair, either way round).",
                         extensions=[_writes(_PARTNERS, ("purpose",))])
    async def link_partners(self, info: strawberry.Info, institution: InstitutionKey,
                            partner: Annotated[str, arg("Key of the partner institution.")],
                            since: Annotated[Date | None, arg("Partners since.")] = None,
                            purpose: Annotated[str | None, arg("What they work on together.")] = None
                            ) -> PartnershipResult:
        return await outcome(info, write.link_partners(_store(info), institution, partner, since=since,
                                                       purpose=purpose), _partnership)

    @strawberry.mutation(description="End a partnership; returns it as it was.",
                         extensions=[_writes(_PARTNERS)])
    async def unlink_partners(self, info: strawberry.Info, institution: InstitutionKey,
                              partner: Annotated[str, arg("Key of the partner institution.")]) -> PartnershipResult:
        return await outcome(info, write.unlink_partners(_store(info), institution, partner), _partnership)

    @strawberry.mutation(description="Register an institution as a participant of an event.",
                         extensions=[_writes(_PARTICIPANT, ("role",))])
    async def register_participant(self, info: strawberry.Info, event: EventKey, institution: InstitutionKey,
                                   role: Annotated[str | None, arg("Its role, e.g. host.")] = None
                                   ) -> ParticipationResult:
        return await outcome(info, write.register_participant(_store(info), event, institution, role=role),
                             _participation)

    @strawberry.mutation(description="Remove an event participant; returns the participation as it was.",
                         extensions=[_writes(_PARTICIPANT)])
    async def remove_participant(self, info: strawberry.Info, event: EventKey, institution: InstitutionKey
                                 ) -> ParticipationResult:
        return await outcome(info, write.remove_participant(_store(info), event, institution), _participation)

    @strawberry.mutation(description="Record that an event provided a service (and to how many people).",
                         extensions=[_writes(_PROVIDED)])
    async def record_provided_service(self, info: strawberry.Info, event: EventKey, service: ServiceKey,
                                      people: Annotated[int | None, arg("People served; not negative.")] = None
                                      ) -> ProvidedServiceResult:
        return await outcome(info, write.record_provided_service(_store(info), event, service, people=people),
                             _provided)

    @strawberry.mutation(description="Remove a service from an event; returns it as it was.",
                         extensions=[_writes(_PROVIDED)])
    async def remove_provided_service(self, info: strawberry.Info, event: EventKey, service: ServiceKey
                                      ) -> ProvidedServiceResult:
        return await outcome(info, write.remove_provided_service(_store(info), event, service), _provided)

    @strawberry.mutation(description="Set how many people of a target group in a county need services, with the "
                                     "figure's source and year (replaces the figure held).",
                         extensions=[_writes(_NEED, ("source",), Right.PLAN)])
    async def set_need(self, info: strawberry.Info, county: CountyKey, target_group: TargetGroupKey,
                       people: Annotated[int, arg("People in need; not negative.")],
                       source: Annotated[str, arg("Where the figure comes from.")],
                       year: Annotated[int, arg("Year of the figure.")]) -> NeedResult:
        return await outcome(info, write.set_need(_store(info), county, target_group, people=people, source=source,
                                                  year=year), _need)

    @strawberry.mutation(description="Remove a need figure; returns it as it was.",
                         extensions=[_writes(_NEED, right=Right.PLAN)])
    async def remove_need(self, info: strawberry.Info, county: CountyKey, target_group: TargetGroupKey) -> NeedResult:
        return await outcome(info, write.remove_need(_store(info), county, target_group), _need)

    @strawberry.mutation(description="Issue a licence to an institution for services its type permits. Typed "
                                     "errors: an unknown holder, type or service, a service the type does not "
                                     "permit, an expiry before the issue date, a key already taken.",
                         extensions=[_writes({"input.holder": Label.INSTITUTION,
                                              "input.licenceType": Label.LICENCE_TYPE,
                                              "input.services": Label.SERVICE, "input.key": NEW},
                                             ("input.number", "input.source"), creates=True,
                                             places=("input.holder",))])
    async def issue_licence(self, info: strawberry.Info,
                            input: Annotated[IssueLicenceInput, arg("The licence.")]) -> LicenceResult:
        return await outcome(info, write.issue_licence(_store(info), **given_fields(input, model_names=False),
                                                       by=_by(info)), _licence)

    @strawberry.mutation(description="Renew an ACTIVE or EXPIRED licence to a later expiry and make it "
                                     "ACTIVE. A suspended or revoked one cannot be renewed: InvalidTransitionError.",
                         extensions=[_writes({"key": Label.LICENCE}, ("reason",))])
    async def renew_licence(self, info: strawberry.Info, key: LicenceKey,
                            expires_on: Annotated[Date | None, arg(
                                "New expiry, after the current one; by default one validity period of its "
                                "type past the current expiry.")] = None,
                            on: LicenceOn = None,
                            reason: Annotated[str | None, arg("Why, in words (optional).")] = None) -> LicenceResult:
        return await outcome(info, write.renew_licence(_store(info), key, expires_on=expires_on, on=on, by=_by(info),
                                                       reason=reason, today=today_in_iran()), _licence)

    request_licence_renewal = licence_step(
        write.request_licence_renewal,
        "The holder applies to renew an ACTIVE or EXPIRED licence: sets renewalRequestedOn and records "
        "RENEWAL_REQUESTED (another status: InvalidTransitionError; a request already pending: ConflictError). "
        "renewLicence answers it.")

    suspend_licence = licence_step(write.suspend_licence,
                                   "Suspend an ACTIVE licence, saying why (another status: InvalidTransitionError; "
                                   "no reason: ValidationError).", reason_required=True)
    reinstate_licence = licence_step(write.reinstate_licence, "Reinstate a SUSPENDED licence: it becomes ACTIVE "
                                                                    "(another status: InvalidTransitionError).")
    revoke_licence = licence_step(write.revoke_licence, "Revoke a licence for good, saying why (one already "
                                                        "revoked: InvalidTransitionError; no reason: "
                                                        "ValidationError).", reason_required=True)
    activate_licence = licence_step(write.activate_licence,
                                    "Turn an AGREEMENT_IN_PRINCIPLE into an ACTIVE activity permit "
                                    "(another status: InvalidTransitionError).")


def _licence(row: dict[str, Any]) -> Licence:
    return CONVERTERS["Licence"](row)
