"""Relationships that are things in their own right: donations, council memberships,
partnerships and needs. Each is a Relay node; its ``key`` (which its global id encodes) is its own
key (donations) or its ends joined by ``|``. hub.schema.entities names these types lazily (it is
imported here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry
from strawberry import relay

from graph_model import filled
from graph_model.enums import Label
from hub.execution import projection
from hub.schema import enums as e
from hub.schema.entities import (GENERATED, SOURCE, Council, County, Donor, Event, Institution, Person,
                                 TargetGroup)
from hub.schema.fields import CONVERTERS, HubNode, jalali, link
from hub.schema.scalars import Date, Rials

_new = filled.new
_EVENT = Label.EVENT.value

Member = Annotated[Donor | Institution | Person, strawberry.union("Member", description=(
    "A council member: a donor, an institution or a person."))]


def _end(attr: str) -> Callable[[Any], dict[str, Any] | None]:
    """A relation's end as its row holds it: its key (the node the relation's statement matched)."""
    return lambda relation: None if getattr(relation, attr) is None else {"key": getattr(relation, attr)}


class RelationNode(HubNode):
    @classmethod
    async def resolve_nodes(cls, *, info: strawberry.Info, node_ids: Any, required: bool = False) -> list[Any]:
        rows = await info.context.loaders.relation(cls.__name__).load_many(list(node_ids))
        return [CONVERTERS[cls.__name__](r) if r else None for r in rows]


@strawberry.type(description="A donation: an amount in rials a donor gave an institution or an event on a date.")
class Donation(RelationNode, relay.Node):
    key: str = strawberry.field(description="Stable key of the donation.")
    amount: Rials = strawberry.field(description="Amount in rials (exact).")
    date: Date = strawberry.field(description="Date given.")
    date_jalali: str | None = jalali("date")
    purpose: str | None = strawberry.field(description="What it was given for.")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    donor_key: strawberry.Private[str]
    institution_key: strawberry.Private[str | None]
    event_key: strawberry.Private[str | None]
    donor_kind: strawberry.Private[str | None]  # as the row read it (None: not read)
    # The row holds its donor's key and kind, and its recipient's key: a donor asked for no more (a
    # donation's donor's key, with the kind the caller's view checks) is not read again.
    donor: Donor | None = link("", "Donor", "Who gave.", key_attr="donor_key", label=Label.DONOR,
                               carried=lambda d: None if d.donor_kind is None else {"key": d.donor_key,
                                                                                    "kind": d.donor_kind},
                               carries=("key", "kind"))
    institution: Institution | None = link("", "Institution", "The institution given to (null for events).",
                                           key_attr="institution_key", label=Label.INSTITUTION,
                                           carried=_end("institution_key"), carries=("key",))
    event: Event | None = link("", "Event", "The event given to (null for institutions).",
                               key_attr="event_key", label=Label.EVENT,
                               carried=_end("event_key"), carries=("key",))

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Donation:
        """Filled as the constructor fills it (``_DONATION_FIELDS`` holds the two alike), without its call:
        one institution's 20 latest gifts are made twice a request (its prefetch, its answer)."""
        p = row["props"]
        recipient = row["recipient"]
        to_event = row["recipientKind"] == _EVENT
        made = _new(cls)
        made.__dict__ = {"key": p["key"], "amount": Rials(int(p["amount"])), "date": p["date"],
                         "purpose": p.get("purpose"), "generated": bool(p.get("generated")), "source": p.get("source"),
                         "donor_key": row["donor"], "institution_key": None if to_event else recipient,
                         "event_key": recipient if to_event else None, "donor_kind": row.get("donorKind")}
        return made


# What each of a gift's fields reads of its relationship's properties (DONATION_ROW's ``props``), for a flat first
# page of gifts holding only those (hub.execution.projection.wanted): ``from_row`` reads its key, amount and date
# whatever is asked; its donor and recipient come from entries a flat row always holds. tests/test_projection.py
# checks that every field of the type is listed.
projection.RELATION_READS["Donation"] = (
    {"id": ("key",), "key": ("key",), "amount": ("amount",), "date": ("date",), "dateJalali": ("date",),
     "purpose": ("purpose",), "generated": ("generated",), "source": ("source",), "donor": (), "institution": (),
     "event": ()},
    ("amount", "date", "key"))

# What ``Donation.from_row`` fills, which must be what the constructor takes (none has a default).
_DONATION_FIELDS = {"key", "amount", "date", "purpose", "generated", "source", "donor_key", "institution_key",
                    "event_key", "donor_kind"}
filled.check(Donation, _DONATION_FIELDS, "Donation.from_row", defaults=False)


@strawberry.type(description="A seat on a council: who holds it, in what role, since when.")
class Membership(RelationNode, relay.Node):
    key: str = strawberry.field(description="`council|MemberKind|member` keys.")
    role: e.MemberRole | None = strawberry.field(description="Role on the council.")
    since: Date | None = strawberry.field(description="Member since.")
    since_jalali: str | None = jalali("since")
    council_key: strawberry.Private[str]
    member_key: strawberry.Private[str]
    member_kind: strawberry.Private[str]
    council: Council | None = link("", "Council", "The council.", key_attr="council_key", label=Label.COUNCIL)

    @strawberry.field(description="Who holds the seat.")
    async def member(self, info: strawberry.Info) -> Member | None:
        label = Label(self.member_kind)
        row = await info.context.loaders.node(label).load(self.member_key)
        return CONVERTERS[label.value](row) if row else None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Membership:
        p = row["props"]
        return cls(key=f"{row['council']}|{row['memberKind']}|{row['member']}",
                   role=e.MemberRole(p["role"]) if p.get("role") else None, since=p.get("since"),
                   council_key=row["council"], member_key=row["member"], member_kind=row["memberKind"])


@strawberry.type(description="Two institutions working together.")
class Partnership(RelationNode, relay.Node):
    key: str = strawberry.field(description="`institution|institution` keys, in sorted order.")
    since: Date | None = strawberry.field(description="Partners since.")
    since_jalali: str | None = jalali("since")
    purpose: str | None = strawberry.field(description="What they work on together.")
    first_key: strawberry.Private[str]
    second_key: strawberry.Private[str]
    first: Institution | None = link("", "Institution", "One partner.", key_attr="first_key",
                                     label=Label.INSTITUTION)
    second: Institution | None = link("", "Institution", "The other partner.", key_attr="second_key",
                                      label=Label.INSTITUTION)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Partnership:
        p = row["props"]
        # One partnership whichever way round it was named: its key (and global id) is the sorted pair.
        first, second = sorted((row["a"], row["b"]))
        return cls(key=f"{first}|{second}", since=p.get("since"), purpose=p.get("purpose"),
                   first_key=first, second_key=second)


@strawberry.type(description="People in need of a target group's services in a county, with its source.")
class Need(RelationNode, relay.Node):
    key: str = strawberry.field(description="`county|targetGroup` keys.")
    people: int = strawberry.field(description="People in need.")
    year: int = strawberry.field(description="Year of the figure.")
    source: str = strawberry.field(description="Where the figure comes from (a planner's override names itself).")
    generated: bool = strawberry.field(description=GENERATED)
    county_key: strawberry.Private[str]
    target_group_key: strawberry.Private[str]
    county: County | None = link("", "County", "The county.", key_attr="county_key", label=Label.COUNTY)
    target_group: TargetGroup | None = link("", "TargetGroup", "The target group.", key_attr="target_group_key",
                                            label=Label.TARGET_GROUP)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Need:
        p = row["props"]
        return cls(key=f"{row['county']}|{row['targetGroup']}", people=int(p["people"]), year=int(p["year"]),
                   source=p["source"], generated=bool(p.get("generated")), county_key=row["county"],
                   target_group_key=row["targetGroup"])


for _cls in (Donation, Membership, Partnership, Need):
    CONVERTERS[_cls.__name__] = _cls.from_row
