"""Relationships between two entities of which a pair has at most one (donations: ``donations``).

Setting one (offer a service, add a council member, link partners, register a participant,
record a provided service, set a need) is an upsert: calling it again leaves one
relationship holding exactly the properties of the last call. Changing part of a council
membership, or removing any of them, needs it to exist (NotFound otherwise). Each result
is the relationship's properties plus the keys of both ends, named like the arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph_model.enums import ENDPOINTS, Label, MemberRole, Rel
from graph_model.errors import FieldError, NotFound
from graph_model.model import REL_FIELDS, field_errors
from graph_model.mutations.common import (
    Row,
    change_errors,
    check_refs,
    first_row,
    given,
    key_error,
    one_of,
    plain_values,
    refuse,
    retrying,
)
from graph_model.statements.writes_relations import LINK_PARTNERS, REMOVE_PAIR, SET_PAIR, UNLINK_PARTNERS, UPDATE_PAIR
from graph_model.stores.base import GraphStore

End = tuple[str, str]  # (input field, key)

MEMBER_RELS: dict[str, Rel] = {
    "donor": Rel.DONOR_MEMBER_OF, "institution": Rel.INSTITUTION_MEMBER_OF, "person": Rel.PERSON_MEMBER_OF,
}


def _refs(rel: Rel, start: End, end: End) -> list[tuple[str, Label, list[str]]]:
    start_label, end_label = ENDPOINTS[rel]
    return [(start[0], start_label, [start[1]]), (end[0], end_label, [end[1]])]


def _absent(rel: Rel, start: End, end: End, blame: str) -> NotFound:
    start_label, end_label = ENDPOINTS[rel]
    message = (f"{start_label.value} {start[1]!r} has no {rel.value} relationship to "
               f"{end_label.value} {end[1]!r}")
    return NotFound(message, [FieldError(blame, message)])


def _result(rel_props: Row, start: End, end: End) -> Row:
    return {**rel_props, start[0]: start[1], end[0]: end[1]}


async def _set(store: GraphStore, rel: Rel, start: End, end: End, values: Mapping[str, Any]) -> Row:
    props = given(values)
    refuse(f"invalid {rel.value}", key_error(*start) + key_error(*end) + field_errors(props, REL_FIELDS[rel]))

    async def attempt() -> Row | None:
        return await first_row(store, SET_PAIR[rel], start=start[1], end=end[1], props=props)

    async def explain() -> None:
        await check_refs(store, _refs(rel, start, end))

    return _result((await retrying(attempt, explain))["rel"], start, end)


async def _update(store: GraphStore, rel: Rel, start: End, end: End, changes: Mapping[str, Any],
                  blame: str) -> Row:
    props = plain_values(changes)
    refuse(f"invalid change to {rel.value}",
           key_error(*start) + key_error(*end) + change_errors(props, REL_FIELDS[rel]))
    row = await first_row(store, UPDATE_PAIR[rel], start=start[1], end=end[1], props=props)
    if row is None:
        await check_refs(store, _refs(rel, start, end))
        raise _absent(rel, start, end, blame)
    return _result(row["rel"], start, end)


async def _remove(store: GraphStore, rel: Rel, start: End, end: End, blame: str) -> Row:
    refuse(f"invalid {rel.value}", key_error(*start) + key_error(*end))
    row = await first_row(store, REMOVE_PAIR[rel], start=start[1], end=end[1])
    if row is None:
        await check_refs(store, _refs(rel, start, end))
        raise _absent(rel, start, end, blame)
    return _result(row["rel"], start, end)


async def offer_service(store: GraphStore, institution: str, service: str, *, capacity: int) -> Row:
    """The institution offers the service with this capacity (places or people a year)."""
    return await _set(store, Rel.OFFERS, ("institution", institution), ("service", service),
                      {"capacity": capacity})


async def withdraw_service(store: GraphStore, institution: str, service: str) -> Row:
    return await _remove(store, Rel.OFFERS, ("institution", institution), ("service", service), "service")


def _member(donor: str | None, institution: str | None, person: str | None) -> tuple[Rel, End]:
    field, key = one_of({"donor": donor, "institution": institution, "person": person})
    return MEMBER_RELS[field], (field, key)


async def add_member(store: GraphStore, council: str, *, donor: str | None = None,
                     institution: str | None = None, person: str | None = None,
                     role: MemberRole | str = MemberRole.MEMBER, since: str | None = None) -> Row:
    """Make a donor, institution or person (exactly one) a member of the council."""
    rel, member = _member(donor, institution, person)
    return await _set(store, rel, member, ("council", council), {"role": role, "since": since})


async def update_member(store: GraphStore, council: str, changes: Mapping[str, Any], *,
                        donor: str | None = None, institution: str | None = None,
                        person: str | None = None) -> Row:
    """Change a membership's ``role`` or ``since`` (None unsets)."""
    rel, member = _member(donor, institution, person)
    return await _update(store, rel, member, ("council", council), changes, member[0])


async def remove_member(store: GraphStore, council: str, *, donor: str | None = None,
                        institution: str | None = None, person: str | None = None) -> Row:
    rel, member = _member(donor, institution, person)
    return await _remove(store, rel, member, ("council", council), member[0])


async def link_partners(store: GraphStore, institution: str, partner: str, *, since: str | None = None,
                        purpose: str | None = None) -> Row:
    """Make two institutions partners; a pair is one partnership whichever way it was first given."""
    props = given({"since": since, "purpose": purpose})
    errors = key_error("institution", institution) + key_error("partner", partner)
    if not errors and institution == partner:
        errors.append(FieldError("partner", "an institution cannot partner with itself"))
    refuse("invalid partnership", errors + field_errors(props, REL_FIELDS[Rel.PARTNERS_WITH]))
    ends = (("institution", institution), ("partner", partner))

    async def attempt() -> Row | None:
        return await first_row(store, LINK_PARTNERS, institution=institution, partner=partner, props=props)

    async def explain() -> None:
        await check_refs(store, _refs(Rel.PARTNERS_WITH, *ends))

    await retrying(attempt, explain)
    # The statement set exactly ``props`` on the one relationship of the pair.
    return _result(props, *ends)


async def unlink_partners(store: GraphStore, institution: str, partner: str) -> Row:
    """End a partnership, whichever way it was recorded."""
    refuse("invalid partnership", key_error("institution", institution) + key_error("partner", partner))
    ends = (("institution", institution), ("partner", partner))
    row = await first_row(store, UNLINK_PARTNERS, institution=institution, partner=partner)
    if row is None:
        await check_refs(store, _refs(Rel.PARTNERS_WITH, *ends))
        raise _absent(Rel.PARTNERS_WITH, *ends, "partner")
    return _result(row["rel"], *ends)


async def register_participant(store: GraphStore, event: str, institution: str, *,
                               role: str | None = None) -> Row:
    """The institution took part in the event (``role``: e.g. host, volunteer team)."""
    return await _set(store, Rel.PARTICIPATED_IN, ("institution", institution), ("event", event), {"role": role})


async def remove_participant(store: GraphStore, event: str, institution: str) -> Row:
    return await _remove(store, Rel.PARTICIPATED_IN, ("institution", institution), ("event", event), "institution")


async def record_provided_service(store: GraphStore, event: str, service: str, *,
                                  people: int | None = None) -> Row:
    """The event provided the service (to ``people`` people when known)."""
    return await _set(store, Rel.PROVIDED, ("event", event), ("service", service), {"people": people})


async def remove_provided_service(store: GraphStore, event: str, service: str) -> Row:
    return await _remove(store, Rel.PROVIDED, ("event", event), ("service", service), "service")


async def set_need(store: GraphStore, county: str, target_group: str, *, people: int, source: str,
                   year: int) -> Row:
    """How many people of the target group in the county need services (one figure per pair)."""
    return await _set(store, Rel.NEEDS, ("county", county), ("targetGroup", target_group),
                      {"people": people, "source": source, "year": year})


async def remove_need(store: GraphStore, county: str, target_group: str) -> Row:
    return await _remove(store, Rel.NEEDS, ("county", county), ("targetGroup", target_group), "targetGroup")

