"""Create, update and delete an entity of any label, with the links that make it meaningful.

Input is a dict of property values plus link fields (``graph_model.statements.writes.LINKS``):
``county`` for an institution, ``province`` for a county or donor, ``provinces`` and
``counties`` for a council, ``county``, ``organiserInstitutions`` and ``organiserCouncils``
for an event, ``institution`` for an assessment, ``targetGroups`` for a service and
``services`` (the services it permits) for a licence type. A single link takes a key, a
list link a list of keys.

Rules:
- create: None means "not given". Province and county keys are their official codes and
  must be given; any other label gets ``{prefix}-{12 hex digits}`` when no key is given.
- update: a partial dict; an absent field is left alone, None unsets an optional property
  or link, a list replaces the whole list link. Required properties and links cannot be
  unset, keys cannot change. A county's ``provinceKey`` follows its ``province`` link and is
  never set directly. Licences are issued by ``graph_model.mutations.licences`` and change
  status only there; here only their ``number`` and provenance change.
- delete: allowed only when the entity's own links are all that touch it; anything else
  (another entity's link to it, or a record such as a donation, membership, offered
  service, licence, partnership, participation, need or assessment) is named in a Conflict
  and must be removed first. Nothing is ever deleted by cascade.
- searchText is recomputed from both names whenever either changes.
- A property mirroring a single link (``graph_model.model.MIRRORS``: a county's ``provinceKey``,
  an institution's or event's ``countyKey``) is set from the link in the same statement and
  never directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph_model.donation_totals import totals_params
from graph_model.enums import ENDPOINTS, Label, Rel
from graph_model.errors import Conflict, FieldError, NotFound
from graph_model.model import MIRRORS, NODE_FIELDS, field_errors, with_search_text
from graph_model.mutations.common import (
    Row,
    change_errors,
    check_refs,
    first_row,
    given,
    key_error,
    key_taken,
    keys_errors,
    new_key,
    plain_values,
    refuse,
    retrying,
    unique,
)
from graph_model.queries import by_keys
from graph_model.statements.writes import CREATE, DELETE, DEPENDENTS, LINKS, UPDATE, has_names
from graph_model.stores.base import GraphStore
from graph_model.text import search_text

PREFIXES: dict[Label, str] = {
    Label.INSTITUTION: "inst", Label.DONOR: "donor", Label.PERSON: "person", Label.COUNCIL: "council",
    Label.SERVICE: "svc", Label.TARGET_GROUP: "tg", Label.LICENCE_TYPE: "lt", Label.LICENCE: "lic",
    Label.EVENT: "evt", Label.ASSESSMENT: "asmt", Label.FRAMEWORK: "fw", Label.CRITERION: "crit",
    Label.CORRECTIVE_ACTION: "act", Label.LICENCE_CHANGE: "licchg", Label.COMPLAINT: "cmpl",
}
# Keys that are official codes (ISO 3166-2 province, census county), never generated.
CODED_KEYS = frozenset({Label.PROVINCE, Label.COUNTY})
# Properties that mirror a link (property -> link field) and are set from it.
DERIVED: dict[Label, dict[str, str]] = {
    label: {MIRRORS[link.rel]: link.field for link in links if link.rel in MIRRORS and not link.many}
    for label, links in LINKS.items() if any(link.rel in MIRRORS and not link.many for link in links)}
LICENCE_EDITABLE = frozenset({"number", "generated", "source"})


def _not_found(label: Label, key: str) -> NotFound:
    message = f"no {label.value} with key {key!r}"
    return NotFound(message, [FieldError("key", message)])


def _split_links(label: Label, values: dict[str, Any], *, partial: bool
                 ) -> tuple[dict[str, list[str]], dict[str, bool], list[FieldError]]:
    """Take the link fields out of ``values``: the keys each names, whether it changes, errors."""
    keys: dict[str, list[str]] = {}
    replace: dict[str, bool] = {}
    errors: list[FieldError] = []
    for link in LINKS[label]:
        present = link.field in values
        raw = values.pop(link.field, None)
        replace[link.field] = present or not partial
        keys[link.field] = []
        if raw is None:
            if link.required and replace[link.field]:
                errors.append(FieldError(link.field, "is required and cannot be unset" if partial else "is required"))
        elif link.many:
            found = keys_errors(link.field, raw)
            errors += found
            keys[link.field] = [] if found else unique(raw)
        else:
            found = key_error(link.field, raw)
            errors += found
            keys[link.field] = [] if found else [raw]
    return keys, replace, errors


def _derived(label: Label, props: dict[str, Any], links: dict[str, list[str]], replace: dict[str, bool]
             ) -> list[FieldError]:
    """Refuse derived properties in the input, then set them from their links."""
    errors = []
    for prop, field in DERIVED.get(label, {}).items():
        if prop in props:
            errors.append(FieldError(prop, f"is set from {field}"))
        elif replace[field] and links[field]:
            props[prop] = links[field][0]
    return errors


def _rules(label: Label, props: Mapping[str, Any]) -> list[FieldError]:
    """Checks across fields or of ranges that the property types alone do not express."""
    errors = []
    if label is Label.EVENT and isinstance(props.get("startsOn"), str) and isinstance(props.get("endsOn"), str) \
            and props["endsOn"] < props["startsOn"]:
        errors.append(FieldError("endsOn", "must not be before startsOn"))
    score = props.get("score")
    if label is Label.ASSESSMENT and isinstance(score, (int, float)) and not 0 <= score <= 100:
        errors.append(FieldError("score", "must be from 0 to 100"))
    return errors


def _fields(label: Label) -> dict[str, Any]:
    return {n: f for n, f in NODE_FIELDS[label].items() if n not in DERIVED.get(label, {})}


def _link_params(label: Label, keys: dict[str, list[str]]) -> dict[str, list[str]]:
    return {f"link_{link.field}": keys[link.field] for link in LINKS[label]}


def _refs(label: Label, keys: dict[str, list[str]]) -> list[tuple[str, Label, list[str]]]:
    return [(link.field, link.target, keys[link.field]) for link in LINKS[label]]


async def create_node(store: GraphStore, label: Label, values: Mapping[str, Any]) -> Row:
    """Create one entity and its links; return its properties (with ``key``)."""
    if label is Label.LICENCE:
        raise TypeError("licences are issued with graph_model.mutations.licences.issue_licence")
    props = given(values)
    key = props.pop("key", None)
    errors: list[FieldError] = []
    if key is None and label in CODED_KEYS:
        errors.append(FieldError("key", f"is required: a {label.value} key is its official code"))
    elif key is None:
        key = new_key(PREFIXES[label])
    else:
        errors += key_error("key", key)
    links, replace, link_errors = _split_links(label, props, partial=False)
    errors += link_errors + _derived(label, props, links, replace)
    errors += field_errors({n: v for n, v in props.items() if n not in DERIVED.get(label, {})}, _fields(label))
    refuse(f"invalid {label.value}", errors or _rules(label, props))
    params = {"key": key, "props": with_search_text(props), **_link_params(label, links)}

    async def attempt() -> Row | None:
        try:
            return await first_row(store, CREATE[label], **params)
        except Conflict as exc:
            raise key_taken(label.value, key) from exc

    async def explain() -> None:
        await check_refs(store, _refs(label, links))
        # The statement answers a replay of itself (same key, content and links) as it answered
        # the first run; no row with every reference found: the key holds something else.
        if await by_keys(store, label, [key]):
            raise key_taken(label.value, key)

    return (await retrying(attempt, explain))["node"]


async def update_node(store: GraphStore, label: Label, key: str, changes: Mapping[str, Any]) -> Row:
    """Apply a partial change to one entity and its links; return its properties."""
    props = plain_values(changes)
    errors = key_error("key", key)
    if "key" in props:
        props.pop("key")
        errors.append(FieldError("key", "cannot be changed"))
    links, replace, link_errors = _split_links(label, props, partial=True)
    errors += link_errors + _derived(label, props, links, replace)
    locked = [n for n in props if label is Label.LICENCE and n in NODE_FIELDS[label] and n not in LICENCE_EDITABLE]
    errors += [FieldError(n, "changes only by issuing, renewing, suspending, reinstating, revoking or "
                             "activating the licence") for n in locked]
    checked = {n: v for n, v in props.items() if n not in DERIVED.get(label, {}) and n not in locked}
    errors += change_errors(checked, _fields(label))
    refuse(f"invalid change to {label.value} {key!r}", errors or _rules(label, props))
    named = [n for n in ("nameFa", "nameEn") if n in props]

    async def attempt() -> Row | None:
        params: dict[str, Any] = {"key": key, "props": with_search_text(props), **_link_params(label, links),
                                  **{f"replace_{f}": on for f, on in replace.items()}}
        if has_names(label):
            params["names"] = None
            if len(named) == 1:
                # searchText needs both names: read the other, and write only if it is unchanged.
                current = (await by_keys(store, label, [key])).get(key)
                if current is None:
                    raise _not_found(label, key)
                params["names"] = {"nameFa": current.get("nameFa"), "nameEn": current.get("nameEn")}
                both = {**params["names"], **props}
                params["props"] = {**props, "searchText": search_text(both["nameFa"], both["nameEn"])}
        # Donation totals hang on some labels' properties and links (graph_model.donation_totals).
        return await first_row(store, UPDATE[label], **params, **totals_params(UPDATE[label].params))

    async def explain() -> None:
        if not await by_keys(store, label, [key]):
            raise _not_found(label, key)
        await check_refs(store, [ref for ref in _refs(label, links) if replace[ref[0]]])

    return (await retrying(attempt, explain))["node"]


def _dependent_phrase(label: Label, rel: Rel, total: int) -> str:
    start, end = ENDPOINTS[rel]
    other = end if start is label else start
    return f"{total} {rel.value} ({other.value})"


async def delete_node(store: GraphStore, label: Label, key: str) -> Row:
    """Delete one entity and its own links; return the properties it had."""
    refuse(f"invalid {label.value} key", key_error("key", key))

    async def attempt() -> Row | None:
        return await first_row(store, DELETE[label], key=key)

    async def explain() -> None:
        rows = await store.read(DEPENDENTS[label], key=key)
        if not rows:
            raise _not_found(label, key)
        blocking = [_dependent_phrase(label, Rel(r["rel"]), int(r["total"]))
                    for r in rows if r["rel"] is not None and r["total"]]
        if blocking:
            message = (f"{label.value} {key!r} cannot be deleted while it has {', '.join(sorted(blocking))}; "
                       "remove those first")
            raise Conflict(message, [FieldError("key", message)])

    return (await retrying(attempt, explain))["node"]
