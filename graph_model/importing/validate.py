"""Every row checked before anything is written: cells read into values, the model's own field
checks (graph_model.model.field_problem: text limits, negative or too large amounts), dates not in
the future, keys the store does not hold, duplicates inside the file, the province scope, and what
each kind's mutations would refuse (a licence's status transitions: graph_model.mutations.licences).

The outcome is a plan: per valid row, whether it creates, updates or leaves unchanged what the
store holds, and what to write.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graph_model.cypher import Statement
from graph_model.enums import Label, LicenceStatus, Rel
from graph_model.importing.columns import FIELDS, KINDS, Column, header_index
from graph_model.importing.report import ProblemList
from graph_model.importing.values import (
    Bad,
    read_bool,
    read_date,
    read_enum,
    read_float,
    read_int,
    read_key,
    read_keys,
    read_text,
)
from graph_model.model import REL_FIELDS, field_problem
from graph_model.mutations.licences import ACTIVATE, ISSUABLE, REINSTATE, RENEW_FROM, REVOKE, SUSPEND, Transition
from graph_model.queries import by_keys
from graph_model.statements import importing as stmts
from graph_model.statements.loading import MISSING_KEYS
from graph_model.statements.writes_licences import LICENCE_TYPE_RULES
from graph_model.stores.base import GraphStore

Reading = tuple[Any, tuple[tuple[str, str, str, Any], ...]]  # a cell's value and its problems
UNREAD = object()  # the value of a cell that could not be read

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
# Dates that record something that happened: never later than today.
PAST_DATES = frozenset({"founded", "date", "issuedOn", "on", "since"})
TRANSITIONS: tuple[Transition, ...] = (ACTIVATE, SUSPEND, REINSTATE, REVOKE)
READ_CHUNK = 10_000  # keys per read


@dataclass(slots=True)
class Planned:
    row: int
    action: str
    key: str
    values: dict[str, Any]
    changes: dict[str, Any] = field(default_factory=dict)
    step: str | None = None  # licences: the transition to make (activate, suspend, ..., renew)


def _chunks(items: list[Any], size: int = READ_CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def map_header(kind: str, header: list[str], problems: ProblemList) -> dict[str, Column]:
    """Header cell -> column; unknown, repeated and missing columns are row-1 problems."""
    index = header_index(kind)
    from graph_model.text import normalise

    mapped: dict[str, Column] = {}
    seen: set[str] = set()
    for cell in header:
        col = index.get(normalise(cell)) if cell else None
        if col is None:
            if cell:
                problems.add(1, cell, cell, "unknown_column", f"unknown column {cell!r} (hub import --columns {kind})",
                             f"ستون ناشناخته «{cell}» (hub import --columns {kind})")
            continue
        if col.name in seen:
            problems.add(1, cell, cell, "duplicate", f"column {col.name!r} appears twice",
                         f"ستون «{col.fa}» دو بار آمده")
            continue
        seen.add(col.name)
        mapped[cell] = col
    for col in KINDS[kind]:
        if col.required and col.name not in seen:
            problems.add(1, col.name, "", "missing_column", f"missing column {col.name!r} ({col.fa})",
                         f"ستون «{col.fa}» ({col.name}) نیست")
    return mapped


def _reader(col: Column) -> Callable[[Any], Any]:
    """The function that reads a cell of ``col`` (chosen once per column, not per cell)."""
    if col.reader == "enum":
        assert col.enum is not None
        return partial(read_enum, enum=col.enum)
    return {"key": read_key, "keys": read_keys, "int": read_int, "float": read_float, "date": read_date,
            "bool": read_bool}.get(col.reader, read_text)


def _code(message: str) -> tuple[str, str]:
    if "negative" in message:
        return "negative", "نباید منفی باشد"
    if "too large" in message:
        return "too_large", "بیش از حد بزرگ است"
    return "type", "مقدار پذیرفتنی نیست"


def parse_rows(kind: str, mapped: dict[str, Column], rows: Iterable[tuple[int, dict[str, Any]]],
               problems: ProblemList, today: dt.date) -> list[tuple[int, dict[str, Any]]]:
    """Each row's values by column name (blank cells left out); problems for the cells that fail."""
    fields = FIELDS[kind]
    required = [c for c in KINDS[kind] if c.required]
    shown = {c.name: cell for cell, c in mapped.items()}
    iso_today = today.isoformat()
    specs = {n: f for n, f in fields.items() if n != "key"}

    def cell_reading(cell: str, col: Column) -> Callable[[Any], Reading]:
        """What a cell of ``col`` reads as: its value (UNREAD when unreadable) and its problems, as
        (code, en, fa, value shown): the reader's, a date in the future, the model's own check of the
        value (field_problem)."""
        read, spec = _reader(col), specs.get(col.name)
        past = col.reader == "date" and col.name in PAST_DATES

        def reading(raw: Any) -> Reading:
            try:
                value = read(raw)
            except Bad as exc:
                return UNREAD, ((exc.code, exc.en, exc.fa, raw),)
            found: tuple[tuple[str, str, str, Any], ...] = ()
            if past and value > iso_today:
                found += (("future", f"{value} is in the future", "تاریخ در آینده است", raw),)
            if spec is not None and (why := field_problem(col.name, value, spec)):
                code, fa = _code(why)
                found += ((code, f"{col.name} {why}", f"«{col.name}» {fa}", value),)
            return value, found

        # Free text and keys hardly repeat, and a list of keys must not be one object shared by rows:
        # read each cell.
        if col.reader in ("text", "keys") or col.name == "key":
            return reading
        # Other columns (dates, amounts, kinds, the keys of donors and places) repeat down the file:
        # each distinct text is read and checked once.
        memo: dict[str, Reading] = {}

        def remembered(raw: Any) -> Reading:
            if type(raw) is not str:  # 1, 1.0 and True are equal keys: only texts are remembered
                return reading(raw)
            found = memo.get(raw)
            if found is None:
                found = memo[raw] = reading(raw)
            return found

        return remembered

    readers = {cell: (col.name, cell_reading(cell, col)) for cell, col in mapped.items()}
    parsed = []
    first: dict[str, int] = {}  # key -> the row it first appears on (rows with problems too)
    for number, cells in rows:
        values: dict[str, Any] = {}
        bad = False
        failed: set[str] = set()
        for cell, raw in cells.items():
            how = readers.get(cell)
            if how is None or raw is None or (type(raw) is str and (not raw or raw.isspace())):  # unmapped, blank
                continue
            name, reading = how
            value, found = reading(raw)
            if found:
                bad = True
                for code, en, fa, shown_value in found:
                    problems.add(number, cell, shown_value, code, en, fa)
                if value is UNREAD:
                    failed.add(name)
                    continue
            values[name] = value
        key = values.get("key")
        if key and key in first:
            problems.add(number, shown.get("key", "key"), key, "duplicate",
                         f"key {key!r} is already on row {first[key]}", f"کلید «{key}» در ردیف {first[key]} هم آمده")
            bad = True
        elif key:
            first[key] = number
        for col in required:
            if col.name not in failed and values.get(col.name) in (None, "", []):
                problems.add(number, shown.get(col.name, col.name), "", "required", f"{col.name} is required",
                             f"«{col.fa}» لازم است")
                bad = True
        if not bad:
            parsed.append((number, values))
    return parsed


async def _missing(store: GraphStore, label: Label, keys: Iterable[str]) -> set[str]:
    wanted = list(dict.fromkeys(k for k in keys if k))
    missing: set[str] = set()
    for chunk in _chunks(wanted):
        missing |= set((await store.read(MISSING_KEYS[label], keys=chunk))[0]["missing"])
    return missing


async def _nodes(store: GraphStore, label: Label, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(list(dict.fromkeys(keys))):
        found.update(await by_keys(store, label, chunk))
    return found


def _unknown(problems: ProblemList, number: int, column: str, key: str, label: Label) -> None:
    problems.add(number, column, key, "unknown_key", f"no {label.value} with key {key!r}",
                 f"{label.value} با کلید «{key}» نیست")


def _out_of_scope(problems: ProblemList, number: int, column: str, key: str, province: str | None) -> None:
    where = province or "no province"
    problems.add(number, column, key, "province", f"{key!r} is in {where}, outside the provinces you may edit",
                 f"«{key}» در {where} است، بیرون از استان‌های شما")


def _compare(stored: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    return {n: v for n, v in values.items() if n != "key" and stored.get(n) != v}


async def _donor_provinces(store: GraphStore, donors: Iterable[str]) -> dict[str, str | None]:
    """Each held donor's province (None: based nowhere)."""
    based: dict[str, str | None] = {}
    for chunk in _chunks(list(dict.fromkeys(donors))):
        based.update({r["key"]: r["province"] for r in await store.read(stmts.DONOR_PROVINCES, keys=chunk)})
    return based


async def _county_provinces(store: GraphStore, counties: Iterable[str]) -> dict[str, str | None]:
    return {k: n.get("provinceKey") for k, n in (await _nodes(store, Label.COUNTY, counties)).items()}


async def plan_institutions(store: GraphStore, parsed: list[tuple[int, dict[str, Any]]], problems: ProblemList,
                            shown: dict[str, str], provinces: frozenset[str] | None) -> list[Planned]:
    counties = await _county_provinces(store, (v["county"] for _, v in parsed))
    stored = await _nodes(store, Label.INSTITUTION, (v["key"] for _, v in parsed))
    plans = []
    for number, values in parsed:
        county = values["county"]
        if county not in counties:
            _unknown(problems, number, shown.get("county", "county"), county, Label.COUNTY)
            continue
        if provinces is not None and counties[county] not in provinces:
            _out_of_scope(problems, number, shown.get("county", "county"), county, counties[county])
            continue
        before = stored.get(values["key"])
        if before is not None and provinces is not None and \
                (await _county_provinces(store, [before.get("countyKey") or ""])).get(before.get("countyKey") or "") \
                not in provinces:
            _out_of_scope(problems, number, shown.get("key", "key"), values["key"], None)
            continue
        plans.append(_entity_plan(number, values, before, {"county": "countyKey"}))
    return plans


def _entity_plan(number: int, values: dict[str, Any], before: dict[str, Any] | None,
                 mirrors: dict[str, str]) -> Planned:
    if before is None:
        return Planned(number, CREATE, values["key"], values)
    seen = {**before, **{link: before.get(prop) for link, prop in mirrors.items()}}
    changes = _compare(seen, values)
    return Planned(number, UPDATE if changes else UNCHANGED, values["key"], values, changes)


async def plan_donors(store: GraphStore, parsed: list[tuple[int, dict[str, Any]]], problems: ProblemList,
                      shown: dict[str, str], provinces: frozenset[str] | None) -> list[Planned]:
    missing = await _missing(store, Label.PROVINCE, (v.get("province", "") for _, v in parsed))
    stored = await _nodes(store, Label.DONOR, (v["key"] for _, v in parsed))
    based = await _donor_provinces(store, stored)
    plans = []
    for number, values in parsed:
        province = values.get("province")
        if province in missing:
            _unknown(problems, number, shown.get("province", "province"), province, Label.PROVINCE)
            continue
        if provinces is not None and (province not in provinces or based.get(values["key"], province) not in provinces):
            _out_of_scope(problems, number, shown.get("province", "key"), values["key"], province)
            continue
        before = stored.get(values["key"])
        plans.append(_entity_plan(number, values, None if before is None else {**before, "province": based.get(
            values["key"])}, {}))
    return plans


def donation_key(values: dict[str, Any], occurrence: int) -> str:
    """A gift without a key in the file gets one from its content and its occurrence: the n-th row
    with the same donor, recipient, amount, date, purpose and source is ``don-imp-`` + 20 hex digits
    of SHA-256 over those and n. The same file imported again gives the same keys (nothing changes);
    two equal rows are two gifts. A changed amount or date makes another gift: to correct a gift,
    give its key."""
    return _hashed_key(_content(values), occurrence)


def _content(values: dict[str, Any]) -> tuple[str, ...]:
    return (values["donor"], values.get("institution") or "", values.get("event") or "", str(values["amount"]),
            values["date"], values.get("purpose") or "", values.get("source") or "")


def _hashed_key(content: tuple[str, ...], occurrence: int) -> str:
    return "don-imp-" + hashlib.sha256("\x1f".join((*content, str(occurrence))).encode()).hexdigest()[:20]


async def plan_donations(store: GraphStore, parsed: list[tuple[int, dict[str, Any]]], problems: ProblemList,
                         shown: dict[str, str], provinces: frozenset[str] | None) -> list[Planned]:
    # The reads of the donors and recipients go out first: the store answers them while the keys are hashed.
    reading = asyncio.gather(
        _missing(store, Label.DONOR, (v["donor"] for _, v in parsed)),
        _nodes(store, Label.INSTITUTION, (v["institution"] for _, v in parsed if "institution" in v)),
        _nodes(store, Label.EVENT, (v["event"] for _, v in parsed if "event" in v)),
        # recordDonation's scope holds the donor too (hub.auth.scope): a scoped key's gifts come
        # from donors based in its provinces
        _donor_provinces(store, (v["donor"] for _, v in parsed)) if provinces is not None else _nothing())
    await asyncio.sleep(0)  # let the reads be sent
    seen: dict[tuple[str, ...], int] = {}  # a gift's content -> rows with it so far
    for _, values in parsed:
        if "key" not in values:
            content = _content(values)
            seen[content] = occurrence = seen.get(content, 0) + 1
            values["key"] = _hashed_key(content, occurrence)
    keys = [v["key"] for _, v in parsed]
    found = await asyncio.gather(*(_stored_gifts(store, rel, stmt, chunk)
                                   for rel, stmt in stmts.DONATIONS_BY_KEYS.items() for chunk in _chunks(keys)))
    missing_donors, institutions, events, based = await reading
    counties: dict[str, str | None] = {}
    if provinces is not None:
        counties = await _county_provinces(store, [n.get("countyKey") or "" for n in
                                                   (*institutions.values(), *events.values())])
    stored = {r["key"]: r for rows in found for r in rows}
    plans = []
    gift_fields = {rel: REL_FIELDS[rel] for rel in (Rel.DONATED_TO, Rel.DONATED_TO_EVENT)}
    for number, values in parsed:
        if ("institution" in values) == ("event" in values):
            problems.add(number, shown.get("institution", "institution"), "", "required",
                         "give exactly one of institution or event", "دقیقا یکی از «موسسه» یا «رویداد» لازم است")
            continue
        field_name = "institution" if "institution" in values else "event"
        target = values[field_name]
        held = institutions if field_name == "institution" else events
        ok = True
        if values["donor"] in missing_donors:
            _unknown(problems, number, shown.get("donor", "donor"), values["donor"], Label.DONOR)
            ok = False
        elif provinces is not None and based.get(values["donor"]) not in provinces:
            _out_of_scope(problems, number, shown.get("donor", "donor"), values["donor"], based.get(values["donor"]))
            ok = False
        if target not in held:
            _unknown(problems, number, shown.get(field_name, field_name), target,
                     Label.INSTITUTION if field_name == "institution" else Label.EVENT)
            ok = False
        elif provinces is not None:
            province = counties.get(held[target].get("countyKey") or "")
            if province not in provinces:
                _out_of_scope(problems, number, shown.get(field_name, field_name), target, province)
                ok = False
        if not ok:
            continue
        rel = Rel.DONATED_TO if field_name == "institution" else Rel.DONATED_TO_EVENT
        fields = gift_fields[rel]
        props = {n: v for n, v in values.items() if n in fields}
        before = stored.get(values["key"])
        values.update(rel=rel, props=props)  # the row's own dict, not a copy: 100,000s of rows are held
        if before is None:
            plans.append(Planned(number, CREATE, values["key"], values))
            continue
        if (before["rel"], before["donor"], before["target"]) != (rel, values["donor"], target):
            problems.add(number, shown.get("key", "key"), values["key"], "taken",
                         f"donation {values['key']!r} is held by another donor or recipient "
                         f"({before['donor']} -> {before['target']})",
                         f"کمک «{values['key']}» از نیکوکار یا به گیرنده دیگری ثبت شده است")
            continue
        changes = _compare(before["props"], props)
        plans.append(Planned(number, UPDATE if changes else UNCHANGED, values["key"], values, changes))
    return plans


async def _nothing() -> dict[str, Any]:
    return {}


async def _stored_gifts(store: GraphStore, rel: Rel, stmt: Statement, keys: list[str]) -> list[dict[str, Any]]:
    return [{**r, "rel": rel} for r in await store.read(stmt, keys=keys)]


def _transition(old: str, new: str) -> Transition | None:
    for t in TRANSITIONS:
        if new == t.to.value and old in {s.value for s in t.allowed}:
            return t
    return None


async def plan_licences(store: GraphStore, parsed: list[tuple[int, dict[str, Any]]], problems: ProblemList,
                        shown: dict[str, str], provinces: frozenset[str] | None, today: dt.date) -> list[Planned]:
    holders = await _nodes(store, Label.INSTITUTION, (v["holder"] for _, v in parsed))
    counties = await _county_provinces(store, [n.get("countyKey") or "" for n in holders.values()])
    rules = {}
    for t in dict.fromkeys(v["licenceType"] for _, v in parsed):
        found = await store.read(LICENCE_TYPE_RULES, key=t)
        if found and found[0]["permits"] is not None:
            rules[t] = set(found[0]["permits"])
    missing_types = await _missing(store, Label.LICENCE_TYPE, (v["licenceType"] for _, v in parsed))
    stored = {r["key"]: r for r in await store.read(stmts.LICENCES_BY_KEYS, keys=[v["key"] for _, v in parsed])}
    plans = []
    col = shown.get
    for number, values in parsed:
        start = len(problems.items)
        holder, ltype = values["holder"], values["licenceType"]
        if holder not in holders:
            _unknown(problems, number, col("holder", "holder"), holder, Label.INSTITUTION)
        elif provinces is not None and counties.get(holders[holder].get("countyKey") or "") not in provinces:
            _out_of_scope(problems, number, col("holder", "holder"), holder,
                          counties.get(holders[holder].get("countyKey") or ""))
        if ltype in missing_types:
            _unknown(problems, number, col("licenceType", "licenceType"), ltype, Label.LICENCE_TYPE)
        else:
            refused = [s for s in values["services"] if s not in rules.get(ltype, set())]
            if refused:
                problems.add(number, col("services", "services"), ";".join(refused), "unknown_key",
                             f"licence type {ltype!r} does not permit {', '.join(refused)}",
                             f"نوع مجوز «{ltype}» خدمت {'، '.join(refused)} را مجاز نمی‌داند")
        if values.get("expiresOn") is not None and values["expiresOn"] <= values["issuedOn"]:
            problems.add(number, col("expiresOn", "expiresOn"), values["expiresOn"], "date",
                         "expiresOn must be after issuedOn", "تاریخ انقضا باید پس از تاریخ صدور باشد")
        before = stored.get(values["key"])
        status = values["status"]
        plan: Planned | None = None
        if before is None:
            if status not in {s.value for s in ISSUABLE}:
                problems.add(number, col("status", "status"), status, "transition",
                             "a licence is issued as AGREEMENT_IN_PRINCIPLE or ACTIVE",
                             "مجوز تنها با وضعیت AGREEMENT_IN_PRINCIPLE یا ACTIVE صادر می‌شود")
            plan = Planned(number, CREATE, values["key"], values)
        else:
            plan = _licence_change(number, values, before, problems, col, today)
        if len(problems.items) == start and plan is not None:
            plans.append(plan)
    return plans


def _licence_change(number: int, values: dict[str, Any], before: dict[str, Any], problems: ProblemList,
                    col: Any, today: dt.date) -> Planned | None:
    node, status = before["node"], values["status"]
    old = node["status"]
    if (before["holder"], before["licenceType"]) != (values["holder"], values["licenceType"]):
        problems.add(number, col("holder", "holder"), values["holder"], "taken",
                     f"licence {values['key']!r} is held by {before['holder']} with type {before['licenceType']}",
                     f"مجوز «{values['key']}» به دارنده یا نوع دیگری صادر شده است")
        return None
    on = values.get("on") or today.isoformat()
    changes: dict[str, Any] = {n: values[n] for n in ("number", "source", "generated")
                               if n in values and node.get(n) != values[n]}
    step: str | None = None
    expires = values.get("expiresOn")
    if status != old:
        transition = _transition(old, status)
        if transition is None and status == LicenceStatus.ACTIVE.value and old in {s.value for s in RENEW_FROM.allowed}:
            transition = RENEW_FROM
        if transition is None:
            message = f"a {old} licence cannot become {status}"
            problems.add(number, col("status", "status"), status, "transition", message,
                         f"مجوز با وضعیت {old} نمی‌تواند {status} شود")
            return None
        if transition.needs_reason and not values.get("reason"):
            problems.add(number, col("reason", "reason"), "", "required", f"reason is required to make it {status}",
                         "دلیل تغییر وضعیت لازم است")
            return None
        later = bool(expires) and (node.get("expiresOn") is None or expires > node["expiresOn"])
        if transition is RENEW_FROM and not later:
            problems.add(number, col("expiresOn", "expiresOn"), expires or "", "transition",
                         "an EXPIRED licence becomes ACTIVE only by renewal: give a later expiresOn",
                         "مجوز منقضی تنها با تمدید فعال می‌شود: تاریخ انقضای دیرتری بدهید")
            return None
        step = transition.done
    elif expires and old in {s.value for s in RENEW_FROM.allowed} and (node.get("expiresOn") is None
                                                                       or expires > node["expiresOn"]):
        step = RENEW_FROM.done
    if step is not None and before["lastChange"] is not None and on < before["lastChange"]:
        problems.add(number, col("on", "on"), on, "date",
                     f"may not be before the licence's last recorded change ({before['lastChange']})",
                     f"تاریخ تغییر پیش از آخرین تغییر ثبت‌شده ({before['lastChange']}) است")
        return None
    if step is None and not changes:
        return Planned(number, UNCHANGED, values["key"], values)
    return Planned(number, UPDATE, values["key"], values, changes, step)
