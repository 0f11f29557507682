"""Import of the civic side of the graph: councils, events, council memberships and event participations.

Councils and events are entities keyed by ``key``; a row creates one, updates the fields it gives
(a blank cell leaves a field alone, a list cell such as ``provinces`` replaces the whole list) or
finds it unchanged. They are written through graph_model.mutations.entities (create_node,
update_node), so their links, the ``countyKey`` mirror and searchText come out as a user's edit
leaves them.

Memberships and participations are relationships of which a pair has at most one
(graph_model.mutations.relations): a membership row names its member in one of three columns
(``donor``, ``institution`` or ``person``: exactly one, as a donation names its institution or
event) and its council; a participation row an institution and an event. The pair is the row's
natural key: a second row for the same pair in one file is a duplicate, a pair the store holds
with the row's values is unchanged, with other values an update (add_member/update_member,
register_participant).

Every key a row names must exist. With a scoped editor's provinces, every record a row names or
changes must lie in them, as hub.auth.scope requires of the mutations themselves: a council lies
in the provinces it covers (directly or through counties), an event in its county's province, a
member where graph_model.provinces_of places it; a record lying in no province (a national
council, a person on no council) is out of reach, and so is a council created covering nowhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from graph_model.enums import ENDPOINTS, Label, MemberRole, Rel
from graph_model.importing.report import ProblemList
from graph_model.importing.validate import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Planned,
    _chunks,
    _nodes,
    _out_of_scope,
    _unknown,
)
from graph_model.importing.write import Progress
from graph_model.mutations.common import key_error
from graph_model.mutations.relations import MEMBER_RELS, add_member, register_participant, update_member
from graph_model.provinces_of import Provinces, provinces_of
from graph_model.statements.importing_civic import LINKED, PAIRS
from graph_model.statements.writes import LINKS
from graph_model.stores.base import GraphStore

Rows = list[tuple[int, dict[str, Any]]]
Places = dict[tuple[Label | str, str], Provinces]


async def _places(store: GraphStore, wanted: Mapping[Label, Iterable[str]]) -> Places:
    """Where each named record lies; a key absent from the answer names nothing."""
    found: Places = {}
    for label, keys in wanted.items():
        for chunk in _chunks(list(dict.fromkeys(k for k in keys if k))):
            found.update(await provinces_of(store, {label: chunk}))
    return found


def _within(where: Provinces, provinces: frozenset[str]) -> bool:
    return bool(where) and all(p is not None and p in provinces for p in where)


def _where(where: Provinces) -> str | None:
    return ", ".join(sorted(p or "no province" for p in where)) or None


class _Checks:
    """The checks of one row against the store; ``ok`` is False once any problem was added."""

    def __init__(self, problems: ProblemList, number: int, shown: dict[str, str], places: Places,
                 provinces: frozenset[str] | None) -> None:
        self.problems, self.number, self.shown, self.places, self.provinces = problems, number, shown, places, provinces
        self.ok = True

    def column(self, field: str) -> str:
        return self.shown.get(field, field)

    def key(self, field: str, key: str) -> None:
        for error in key_error(field, key):
            self.problems.add(self.number, self.column(field), key, "type", f"{field} {error.message}",
                              f"«{field}» کلید پذیرفتنی نیست")
            self.ok = False

    def ref(self, field: str, label: Label, key: str) -> None:
        """The key names a record, in the scope when there is one."""
        where = self.places.get((label, key))
        if where is None:
            _unknown(self.problems, self.number, self.column(field), key, label)
            self.ok = False
        else:
            self.in_scope(field, key, where)

    def in_scope(self, field: str, key: str, where: Provinces) -> None:
        if self.provinces is not None and not _within(where, self.provinces):
            _out_of_scope(self.problems, self.number, self.column(field), key, _where(where))
            self.ok = False


def _same(stored: Any, value: Any) -> bool:
    if isinstance(value, list):  # a list link: the same keys in any order
        return set(stored or ()) == set(value)
    return bool(stored == value)


def _entity_plan(number: int, values: dict[str, Any], before: dict[str, Any] | None) -> Planned:
    if before is None:
        return Planned(number, CREATE, values["key"], values)
    changes = {n: v for n, v in values.items() if n != "key" and not _same(before.get(n), v)}
    return Planned(number, UPDATE if changes else UNCHANGED, values["key"], values, changes)


async def _stored(store: GraphStore, label: Label, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The stored nodes among ``keys``, each with its links as the import's columns name them."""
    nodes = await _nodes(store, label, keys)
    for link in LINKS[label]:
        if not link.many:  # a single link is mirrored on the node (countyKey)
            for node in nodes.values():
                node[link.field] = node.get(f"{link.field}Key")
            continue
        for chunk in _chunks(list(nodes)):
            for row in await store.read(LINKED[(label, link.field)], keys=chunk):
                nodes[row["key"]][link.field] = row["keys"]
    return nodes


async def _plan_entities(store: GraphStore, label: Label, parsed: Rows, problems: ProblemList,
                         shown: dict[str, str], provinces: frozenset[str] | None) -> list[Planned]:
    links = LINKS[label]
    wanted: dict[Label, list[str]] = {label: [v["key"] for _, v in parsed]}
    for link in links:
        for _, values in parsed:
            named = values.get(link.field)
            wanted.setdefault(link.target, []).extend(
                [] if named is None else named if isinstance(named, list) else [named])
    places = await _places(store, wanted)
    stored = await _stored(store, label, [v["key"] for _, v in parsed])
    plans = []
    for number, values in parsed:
        check = _Checks(problems, number, shown, places, provinces)
        check.key("key", values["key"])
        for link in links:
            named = values.get(link.field)
            for key in [] if named is None else named if isinstance(named, list) else [named]:
                check.ref(link.field, link.target, key)
        before = stored.get(values["key"])
        if before is not None:  # the record changed must lie in the scope too
            check.in_scope("key", values["key"], places.get((label, values["key"]), frozenset()))
        elif provinces is not None and not any(values.get(link.field) for link in links):
            check.in_scope("key", values["key"], frozenset())  # created lying in no province
        if label is Label.EVENT:
            _event_dates(check, values, before or {})
        if check.ok:
            plans.append(_entity_plan(number, values, before))
    return plans


def _event_dates(check: _Checks, values: dict[str, Any], before: dict[str, Any]) -> None:
    """An event ends on or after it starts (graph_model.mutations.entities refuses it otherwise)."""
    starts, ends = values.get("startsOn", before.get("startsOn")), values.get("endsOn", before.get("endsOn"))
    if starts and ends and ends < starts:
        field = "endsOn" if "endsOn" in values else "startsOn"
        check.problems.add(check.number, check.column(field), values[field], "date",
                           f"endsOn ({ends}) is before startsOn ({starts})",
                           f"تاریخ پایان ({ends}) پیش از تاریخ شروع ({starts}) است")
        check.ok = False


async def plan_councils(store: GraphStore, parsed: Rows, problems: ProblemList, shown: dict[str, str],
                        provinces: frozenset[str] | None, today: dt.date) -> list[Planned]:
    return await _plan_entities(store, Label.COUNCIL, parsed, problems, shown, provinces)


async def plan_events(store: GraphStore, parsed: Rows, problems: ProblemList, shown: dict[str, str],
                      provinces: frozenset[str] | None, today: dt.date) -> list[Planned]:
    return await _plan_entities(store, Label.EVENT, parsed, problems, shown, provinces)


async def _pairs(store: GraphStore, rel: Rel, pairs: Iterable[tuple[str, str]]
                 ) -> dict[tuple[str, str], dict[str, Any]]:
    """The stored relationship's properties of each (start, end) pair that has one."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for chunk in _chunks(list(dict.fromkeys(pairs))):
        rows = await store.read(PAIRS[rel], pairs=[{"start": s, "end": e} for s, e in chunk])
        found.update({(r["start"], r["end"]): r["props"] for r in rows})
    return found


def _pair_plan(number: int, key: str, values: dict[str, Any], before: dict[str, Any] | None,
               fields: Iterable[str]) -> Planned:
    if before is None:
        return Planned(number, CREATE, key, values)
    changes = {n: values[n] for n in fields if n in values and before.get(n) != values[n]}
    return Planned(number, UPDATE if changes else UNCHANGED, key, values, changes)


def _duplicate(check: _Checks, field: str, value: str, first: int) -> None:
    check.problems.add(check.number, check.column(field), value, "duplicate",
                       f"the same pair is already on row {first}", f"همین جفت در ردیف {first} هم آمده")
    check.ok = False


def _member_of(values: dict[str, Any]) -> str:
    return next(f for f in MEMBER_RELS if f in values)


async def plan_memberships(store: GraphStore, parsed: Rows, problems: ProblemList, shown: dict[str, str],
                           provinces: frozenset[str] | None, today: dt.date) -> list[Planned]:
    wanted: dict[Label, list[str]] = {Label.COUNCIL: [v["council"] for _, v in parsed]}
    for field, rel in MEMBER_RELS.items():
        wanted[ENDPOINTS[rel][0]] = [v[field] for _, v in parsed if field in v]
    places = await _places(store, wanted)
    stored = {rel: await _pairs(store, rel, ((v[field], v["council"]) for _, v in parsed if field in v))
              for field, rel in MEMBER_RELS.items()}
    first: dict[tuple[str, str, str], int] = {}
    plans = []
    for number, values in parsed:
        check = _Checks(problems, number, shown, places, provinces)
        given = [f for f in MEMBER_RELS if f in values]
        if len(given) != 1:
            extra = given[1] if given else "donor"
            problems.add(number, check.column(extra), values.get(extra, ""), "required",
                         "give exactly one of donor, institution or person",
                         "دقیقا یکی از «نیکوکار»، «موسسه» یا «شخص» لازم است")
            continue
        field = given[0]
        member, council = values[field], values["council"]
        pair = (field, member, council)
        if pair in first:
            _duplicate(check, field, member, first[pair])
            continue
        first[pair] = number
        rel = MEMBER_RELS[field]
        check.ref(field, ENDPOINTS[rel][0], member)
        check.ref("council", Label.COUNCIL, council)
        if check.ok:
            plans.append(_pair_plan(number, f"{member}->{council}", values, stored[rel].get((member, council)),
                                    ("role", "since")))
    return plans


async def plan_participations(store: GraphStore, parsed: Rows, problems: ProblemList, shown: dict[str, str],
                              provinces: frozenset[str] | None, today: dt.date) -> list[Planned]:
    places = await _places(store, {Label.INSTITUTION: [v["institution"] for _, v in parsed],
                                   Label.EVENT: [v["event"] for _, v in parsed]})
    stored = await _pairs(store, Rel.PARTICIPATED_IN, ((v["institution"], v["event"]) for _, v in parsed))
    first: dict[tuple[str, str], int] = {}
    plans = []
    for number, values in parsed:
        check = _Checks(problems, number, shown, places, provinces)
        pair = (values["institution"], values["event"])
        if pair in first:
            _duplicate(check, "institution", pair[0], first[pair])
            continue
        first[pair] = number
        check.ref("institution", Label.INSTITUTION, pair[0])
        check.ref("event", Label.EVENT, pair[1])
        if check.ok:
            plans.append(_pair_plan(number, f"{pair[0]}->{pair[1]}", values, stored.get(pair), ("role",)))
    return plans


async def write_memberships(store: GraphStore, plans: list[Planned], progress: Progress | None) -> None:
    todo = [p for p in plans if p.action in (CREATE, UPDATE)]
    for done, p in enumerate(todo, start=1):
        v = p.values
        member = {(field := _member_of(v)): v[field]}
        if p.action == CREATE:
            await add_member(store, v["council"], **member, role=v.get("role", MemberRole.MEMBER),
                             since=v.get("since"))
        else:
            await update_member(store, v["council"], p.changes, **member)
        if progress is not None:
            progress(done, len(todo))


async def write_participations(store: GraphStore, plans: list[Planned], progress: Progress | None) -> None:
    todo = [p for p in plans if p.action in (CREATE, UPDATE)]
    for done, p in enumerate(todo, start=1):
        # The role is a participation's only property: setting the pair again is its update.
        await register_participant(store, p.values["event"], p.values["institution"], role=p.values.get("role"))
        if progress is not None:
            progress(done, len(todo))
