"""The facts supervision works from, read for a whole scope at once.

A scope is a province key, a county key or nothing (the country). A province-scoped caller asking
for the country is narrowed to its provinces; asking for an area outside them is refused
(Forbidden): the ranking, the plan and the alerts name institutions and their findings, so a key
of Khuzestan plans Khuzestan only. One statement per kind of fact a question needs (at most six)
reads it for every institution of the scope (graph_model.statements.supervision), however many.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from graph_model.enums import ActionStatus, ComplaintStatus
from graph_model.errors import FieldError, Forbidden, NotFound
from graph_model.statements import supervision as st
from graph_model.stores.base import GraphStore


@dataclass(frozen=True)
class County:
    key: str
    province: str
    name_en: str
    name_fa: str


@dataclass(frozen=True)
class Scope:
    """The counties a question covers (``key``: the province or county asked for, None: every one
    the caller may see)."""

    key: str | None
    counties: dict[str, County]


# The country's plan builds ~30,000 of these per request: plain tuples (NamedTuple) cost a third of a
# frozen dataclass to make (no per-field object.__setattr__).
class Assessment(NamedTuple):
    key: str
    level: str
    score: float
    date: dt.date


class Licence(NamedTuple):
    key: str
    status: str
    expires_on: dt.date | None
    renewal_requested_on: dt.date | None = None


class Action(NamedTuple):
    key: str
    due_on: dt.date
    description: str


@dataclass(slots=True)  # slots: no per-instance dict, 21,000 of them for the country
class Institution:
    key: str
    name_en: str
    name_fa: str
    kind: str
    county: str
    # Shared empty tuples until a fact arrives (facts() then gives the institution its own list): a
    # country holds 21,000 institutions, most with no action or complaint, and every empty list is
    # one more object for the garbage collector to walk.
    services: tuple[str, ...] = ()
    assessments: Sequence[Assessment] = ()
    licences: Sequence[Licence] = ()
    open_actions: Sequence[Action] = ()
    open_complaints: Sequence[tuple[str, dt.date]] = ()


@dataclass(frozen=True)
class Facts:
    scope: Scope
    institutions: dict[str, Institution]


@functools.lru_cache(maxsize=8192)
def _iso_day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _day(value: object) -> dt.date | None:
    """A stored ISO day (the same few thousand days recur over the country's ~50,000 facts: memoised)."""
    return _iso_day(str(value)) if value else None


async def scope_of(store: GraphStore, key: str | None, allowed: Iterable[str] | None,
                   field_name: str = "scope") -> Scope:
    """The counties of ``key`` (a province or county key; None: the country) that a caller limited
    to the provinces ``allowed`` (None: every province) may see; NotFound for an unknown key,
    Forbidden for an area outside ``allowed``."""
    rows = await store.read(st.SUP_COUNTIES)
    counties = {r["key"]: County(r["key"], r["province"], r["nameEn"] or "", r["nameFa"] or "") for r in rows}
    mine = None if allowed is None else frozenset(allowed)
    if key is None:
        chosen = {k: c for k, c in counties.items() if mine is None or c.province in mine}
        return Scope(None, chosen)
    if key in counties:
        province = counties[key].province
        chosen = {key: counties[key]}
    else:
        province = key
        chosen = {k: c for k, c in counties.items() if c.province == key}
        if not chosen:
            raise NotFound(f"no province or county {key!r}", [FieldError(field_name, "no such province or county")])
    if mine is not None and province not in mine:
        raise Forbidden(f"this key may see {', '.join(sorted(mine))} only; {key} lies in {province}")
    return Scope(key, chosen)


ALL = frozenset({"services", "assessments", "licences", "actions", "complaints"})


async def facts(store: GraphStore, scope: Scope, wanted: frozenset[str] = ALL,
                expiring: tuple[dt.date, dt.date] | None = None) -> Facts:
    """The facts of the scope's institutions, one statement per kind of fact ``wanted`` (``services``,
    ``assessments`` or just their ``scores`` (no keys), ``licences``, ``actions``, ``complaints``); with
    ``expiring`` (first, last day) and without ``licences``, only the ACTIVE licences expiring in that window."""
    counties = sorted(scope.counties)
    # Every statement sent at once: the store runs reads side by side (two threads here) while the
    # hub decodes the first answers; one after another they waited ~0.18 s for the country's plan.
    reads: dict[str, Awaitable[list[dict[str, Any]]]] = {
        "institutions": store.read(st.SUP_INSTITUTIONS, counties=counties)}
    if "services" in wanted:
        reads["services"] = store.read(st.SUP_SERVICES, counties=counties)
    keyed = "assessments" in wanted
    if keyed or "scores" in wanted:  # scores: without their keys
        reads["assessments"] = store.read(st.SUP_ASSESSMENTS if keyed else st.SUP_SCORES, counties=counties)
    if "licences" in wanted:
        reads["licences"] = store.read(st.SUP_LICENCES, counties=counties)
    elif expiring is not None:
        reads["licences"] = store.read(st.SUP_EXPIRING, counties=counties, active="ACTIVE",
                                       start=expiring[0].isoformat(), end=expiring[1].isoformat())
    if "actions" in wanted:
        reads["actions"] = store.read(st.SUP_ACTIONS, counties=counties, open=ActionStatus.OPEN.value)
    if "complaints" in wanted:
        reads["complaints"] = store.read(st.SUP_COMPLAINTS, counties=counties, open=ComplaintStatus.OPEN.value)
    rows = dict(zip(reads, await asyncio.gather(*reads.values()), strict=True))
    found: dict[str, Institution] = {}
    for r in rows["institutions"]:
        found[r["key"]] = Institution(r["key"], r["nameEn"] or "", r["nameFa"] or "", r["kind"], r["county"])
    offered: dict[str, list[str]] = {}
    for r in rows.get("services", ()):
        offered.setdefault(r["institution"], []).append(r["service"])
    for key, services in offered.items():
        if key in found:
            found[key].services = tuple(sorted(services))
    assessments: dict[str, list[Assessment]] = {}
    for r in rows.get("assessments", ()):
        day = _day(r["date"])
        if r["institution"] in found and day is not None and r["score"] is not None:
            assessments.setdefault(r["institution"], []).append(
                Assessment(r["key"] if keyed else "", r["level"], float(r["score"]), day))
    licences = rows.get("licences")
    held: dict[str, list[Licence]] = {}
    for r in licences or ():
        if r["institution"] in found:
            held.setdefault(r["institution"], []).append(
                Licence(r["key"], r["status"], _day(r["expiresOn"]), _day(r["renewalRequestedOn"])))
    actions: dict[str, list[Action]] = {}
    for r in rows.get("actions", ()):
        due = _day(r["dueOn"])
        if r["institution"] in found and due is not None:
            actions.setdefault(r["institution"], []).append(Action(r["key"], due, r["description"] or ""))
    complaints: dict[str, list[tuple[str, dt.date]]] = {}
    for r in rows.get("complaints", ()):
        received = _day(r["receivedOn"])
        if r["institution"] in found and received is not None:
            complaints.setdefault(r["institution"], []).append((r["key"], received))
    # each list in a stable order whatever the store returns
    for key, given in assessments.items():  # most hold one or two: no sort for one
        found[key].assessments = given if len(given) == 1 else sorted(given, key=lambda a: (a.date, a.key))
    for key, lic in held.items():
        found[key].licences = sorted(lic, key=lambda x: x.key)
    for key, acts in actions.items():
        found[key].open_actions = sorted(acts, key=lambda x: (x.due_on, x.key))
    for key, comp in complaints.items():
        found[key].open_complaints = sorted(comp)
    return Facts(scope, found)
