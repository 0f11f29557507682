"""Importing what institutions do: the services they offer, their partnerships, their assessments.

Each kind is checked whole before anything is written (graph_model.importing.run), with what its
mutation would refuse found here first, so a bad row in the middle of a file writes nothing:

- **offers** (``offer_service``): one row per (institution, service); the pair twice in a file is a
  ``duplicate``; in the store with the same capacity it is unchanged, with another it is updated.
  Scope: the institution's province (a service is a national catalogue entry).
- **partnerships** (``link_partners``): a pair is one partnership whichever way round it was given
  (the statement updates B->A when linking A to B), so (a, b) and (b, a) are the same pair for
  duplicates and for what the store holds. A row states the whole partnership (``SET r = $props``):
  a blank ``since`` or ``purpose`` clears a stored one. An institution partnering itself is a
  ``self`` problem; ``since`` may not be in the future. Scope: both ends, as the ``linkPartners``
  mutation declares both ``institution`` and ``partner`` (hub.auth.scope checks every record named).
- **assessments** (``record_assessment``): one row per assessment, its criteria scores in one cell
  (``crit-a:4; crit-b:2.5``). Checked first: institution, framework and criteria exist, each
  criterion belongs to the framework, is scored once, within 0..scaleMax, the scored criteria weigh
  something, the date is not before the framework's validFrom nor in the future. A row without a
  ``key`` gets ``asmt-imp-`` + 20 hex digits of SHA-256 over institution, framework, level and date:
  record_assessment recognises a repeat by its key (a replay with the same content answers as the
  first run; other content under the key is a Conflict), so a rerun of the file finds every
  assessment recorded with the same content (unchanged); other content under the key is ``taken``
  (an assessment is a record, never edited by an import). Two rows with the same derived key are a
  ``duplicate``: give them keys. Scope: the institution's province. Corrective actions are not
  imported (record them with the ``recordAssessment`` mutation or ``setActionStatus``).

Writes go row by row through the mutations, so every link is written exactly as a user's edit
writes it; each is an upsert by pair or key, so a run stopped part way and run again ends as one
clean run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from graph_model.enums import Label, Rel
from graph_model.importing.report import ProblemList
from graph_model.importing.validate import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Planned,
    _chunks,
    _county_provinces,
    _missing,
    _nodes,
    _out_of_scope,
    _unknown,
)
from graph_model.importing.values import Bad, read_float, read_key
from graph_model.importing.write import Progress
from graph_model.model import REL_FIELDS
from graph_model.mutations.assessments import record_assessment, score_of
from graph_model.mutations.common import given
from graph_model.mutations.relations import link_partners, offer_service
from graph_model.statements.importing_services import ASSESSMENTS_BY_KEYS, OFFERS_BY_PAIRS, PARTNERSHIPS_BY_PAIRS
from graph_model.statements.writes_assessments import ASSESSMENT_RULES
from graph_model.stores.base import GraphStore

Rows = list[tuple[int, dict[str, Any]]]


async def _provinces_of_institutions(store: GraphStore, keys: list[str]) -> tuple[dict[str, dict[str, Any]],
                                                                                   dict[str, str | None]]:
    """The institutions among ``keys`` and the province each lies in (by its county)."""
    held = await _nodes(store, Label.INSTITUTION, keys)
    counties = await _county_provinces(store, [n.get("countyKey") or "" for n in held.values()])
    return held, {k: counties.get(n.get("countyKey") or "") for k, n in held.items()}


def _institution_ok(problems: ProblemList, number: int, column: str, key: str, held: dict[str, Any],
                    where: dict[str, str | None], provinces: frozenset[str] | None) -> bool:
    if key not in held:
        _unknown(problems, number, column, key, Label.INSTITUTION)
        return False
    if provinces is not None and where[key] not in provinces:
        _out_of_scope(problems, number, column, key, where[key])
        return False
    return True


# offers --------------------------------------------------------------------------------------


async def plan_offers(store: GraphStore, parsed: Rows, problems: ProblemList, shown: dict[str, str],
                      provinces: frozenset[str] | None, today: dt.date) -> list[Planned]:
    col = shown.get
    held, where = await _provinces_of_institutions(store, [v["institution"] for _, v in parsed])
    missing = await _missing(store, Label.SERVICE, (v["service"] for _, v in parsed))
    pairs = list(dict.fromkeys((v["institution"], v["service"]) for _, v in parsed))
    stored: dict[tuple[str, str], dict[str, Any]] = {}
    for chunk in _chunks(pairs):
        rows = await store.read(OFFERS_BY_PAIRS, pairs=[{"institution": i, "service": s} for i, s in chunk])
        stored.update({(r["institution"], r["service"]): r["props"] for r in rows})
    first: dict[tuple[str, str], int] = {}
    plans = []
    for number, values in parsed:
        institution, service = values["institution"], values["service"]
        pair = (institution, service)
        ok = _institution_ok(problems, number, col("institution", "institution"), institution, held, where, provinces)
        if service in missing:
            _unknown(problems, number, col("service", "service"), service, Label.SERVICE)
            ok = False
        if pair in first:
            problems.add(number, col("service", "service"), service, "duplicate",
                         f"{institution} offering {service} is already on row {first[pair]}",
                         f"خدمت «{service}» موسسه «{institution}» در ردیف {first[pair]} هم آمده")
            ok = False
        first.setdefault(pair, number)
        if not ok:
            continue
        props = {n: values[n] for n in REL_FIELDS[Rel.OFFERS] if n in values}
        plans.append(_pair_plan(number, f"{institution}|{service}", values, props, stored.get(pair)))
    return plans


def _pair_plan(number: int, key: str, values: dict[str, Any], props: dict[str, Any],
               before: dict[str, Any] | None) -> Planned:
    """A relationship the row states whole: created, unchanged when equal, else updated."""
    if before is None:
        return Planned(number, CREATE, key, values)
    changes = {n: v for n, v in props.items() if before.get(n) != v}
    changes.update({n: None for n in before if n not in props})  # SET r = $props drops what the row leaves out
    return Planned(number, UPDATE if changes else UNCHANGED, key, values, changes)


async def write_offers(store: GraphStore, plans: list[Planned], progress: Progress | None) -> None:
    todo = [p for p in plans if p.action in (CREATE, UPDATE)]
    for done, p in enumerate(todo, start=1):
        await offer_service(store, p.values["institution"], p.values["service"], capacity=p.values["capacity"])
        if progress is not None:
            progress(done, len(todo))


# partnerships --------------------------------------------------------------------------------


async def plan_partnerships(store: GraphStore, parsed: Rows, problems: ProblemList, shown: dict[str, str],
                            provinces: frozenset[str] | None, today: dt.date) -> list[Planned]:
    col = shown.get
    held, where = await _provinces_of_institutions(
        store, [k for _, v in parsed for k in (v["institution"], v["partner"])])
    pairs = list(dict.fromkeys((v["institution"], v["partner"]) for _, v in parsed))
    stored: dict[frozenset[str], dict[str, Any]] = {}
    for chunk in _chunks(pairs):
        rows = await store.read(PARTNERSHIPS_BY_PAIRS, pairs=[{"institution": a, "partner": b} for a, b in chunk])
        stored.update({frozenset((r["institution"], r["partner"])): r["props"] for r in rows})
    first: dict[frozenset[str], int] = {}
    iso_today = today.isoformat()
    plans = []
    for number, values in parsed:
        a, b = values["institution"], values["partner"]
        ok = _institution_ok(problems, number, col("institution", "institution"), a, held, where, provinces)
        ok = _institution_ok(problems, number, col("partner", "partner"), b, held, where, provinces) and ok
        if a == b:
            problems.add(number, col("partner", "partner"), b, "self", "an institution cannot partner with itself",
                         "موسسه نمی‌تواند همکار خودش باشد")
            ok = False
        pair = frozenset((a, b))
        if pair in first:
            problems.add(number, col("partner", "partner"), b, "duplicate",
                         f"the partnership of {a} and {b} is already on row {first[pair]} (either way round)",
                         f"همکاری «{a}» و «{b}» در ردیف {first[pair]} هم آمده")
            ok = False
        first.setdefault(pair, number)
        since = values.get("since")
        if since is not None and since > iso_today:
            problems.add(number, col("since", "since"), since, "future", f"{since} is in the future",
                         "تاریخ در آینده است")
            ok = False
        if not ok:
            continue
        props = {n: values[n] for n in REL_FIELDS[Rel.PARTNERS_WITH] if n in values}
        plans.append(_pair_plan(number, "|".join(sorted(pair)), values, props, stored.get(pair)))
    return plans


async def write_partnerships(store: GraphStore, plans: list[Planned], progress: Progress | None) -> None:
    todo = [p for p in plans if p.action in (CREATE, UPDATE)]
    for done, p in enumerate(todo, start=1):
        v = p.values
        await link_partners(store, v["institution"], v["partner"], since=v.get("since"), purpose=v.get("purpose"))
        if progress is not None:
            progress(done, len(todo))


# assessments ---------------------------------------------------------------------------------

_PAIR_SEP = re.compile(r"[;،؛|\n]")
_VALUE_SEP = re.compile(r"[:=]")


def read_scores(text: str) -> dict[str, float]:
    """``crit-a:4; crit-b:2.5`` (Persian digits and separators too) -> {criterion: value}."""
    scores: dict[str, float] = {}
    for part in _PAIR_SEP.split(text):
        if not part.strip():
            continue
        pieces = _VALUE_SEP.split(part)
        if len(pieces) != 2 or not read_key(pieces[0]) or not pieces[1].strip():
            raise Bad("type", f"{part.strip()!r} is not criterion:value (crit-a:4; crit-b:2.5)",
                      f"«{part.strip()}» به شکل معیار:امتیاز نیست (crit-a:4; crit-b:2.5)")
        criterion = read_key(pieces[0])
        if criterion in scores:
            raise Bad("duplicate", f"criterion {criterion!r} is scored twice",
                      f"معیار «{criterion}» دو بار امتیاز گرفته")
        scores[criterion] = read_float(pieces[1])
    if not scores:
        raise Bad("required", "give at least one criterion's score", "دست کم امتیاز یک معیار لازم است")
    return scores


def assessment_key(values: dict[str, Any]) -> str:
    """The key of an assessment the file gives none: the same row gives the same key on every run."""
    parts = [values["institution"], values["framework"], values["level"], values["date"]]
    return "asmt-imp-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


async def _frameworks(store: GraphStore, keys: list[str]) -> dict[str, tuple[str, dict[str, dict[str, Any]]]]:
    """framework key -> (validFrom or '', criterion key -> {weight, scaleMax}), as record_assessment reads them."""
    found = {}
    for key in dict.fromkeys(keys):
        rows = await store.read(ASSESSMENT_RULES, framework=key)
        if rows:
            criteria = {c["key"]: c for c in rows[0]["criteria"] if c["key"] is not None}
            found[key] = (rows[0]["validFrom"] or "", criteria)
    return found


def _score_problems(problems: ProblemList, number: int, column: str, framework: str, scores: dict[str, float],
                    rules: dict[str, dict[str, Any]]) -> bool:
    """What record_assessment's check refuses in the scores; True when they pass."""
    start = len(problems.items)
    for criterion, value in scores.items():
        rule = rules.get(criterion)
        if rule is None:
            problems.add(number, column, criterion, "unknown_key", f"criterion {criterion!r} is not in framework "
                         f"{framework!r}", f"معیار «{criterion}» در چارچوب «{framework}» نیست")
        elif rule["scaleMax"] is None or rule["scaleMax"] <= 0:
            problems.add(number, column, criterion, "type", f"criterion {criterion!r} has no scale",
                         f"معیار «{criterion}» مقیاس ندارد")
        elif not 0 <= value <= rule["scaleMax"]:
            problems.add(number, column, f"{criterion}:{value:g}", "negative" if value < 0 else "too_large",
                         f"{criterion}: {value:g} is off the scale 0..{rule['scaleMax']}",
                         f"{criterion}: امتیاز {value:g} بیرون از بازه ۰ تا {rule['scaleMax']} است")
    if len(problems.items) == start and sum(float(rules[c]["weight"]) for c in scores) <= 0:
        problems.add(number, column, "", "type", "the criteria scored weigh nothing together: no score can be computed",
                     "معیارهای امتیازداده‌شده وزنی ندارند")
    return len(problems.items) == start


async def plan_assessments(store: GraphStore, parsed: Rows, problems: ProblemList, shown: dict[str, str],
                           provinces: frozenset[str] | None, today: dt.date) -> list[Planned]:
    col = shown.get
    held, where = await _provinces_of_institutions(store, [v["institution"] for _, v in parsed])
    frameworks = await _frameworks(store, [v["framework"] for _, v in parsed])
    readable: Rows = []
    for number, values in parsed:
        try:
            values["scores"] = read_scores(values["scores"])
        except Bad as exc:
            problems.add(number, col("scores", "scores"), values["scores"], exc.code, exc.en, exc.fa)
            continue
        values.setdefault("key", assessment_key(values))
        readable.append((number, values))
    stored: dict[str, dict[str, Any]] = {}
    for chunk in _chunks([v["key"] for _, v in readable]):
        stored.update({r["key"]: r for r in await store.read(ASSESSMENTS_BY_KEYS, keys=chunk)})
    first: dict[str, int] = {}
    plans = []
    for number, values in readable:
        key, framework = values["key"], values["framework"]
        ok = _institution_ok(problems, number, col("institution", "institution"), values["institution"], held, where,
                             provinces)
        if key in first:  # a key given twice is reported by parse_rows; a derived one here
            problems.add(number, col("date", "date"), values["date"], "duplicate",
                         f"{values['institution']} has a {values['level']} assessment against {framework} on "
                         f"{values['date']} on row {first[key]} too (give each a key)",
                         f"ارزیابی «{values['institution']}» در همین تاریخ و سطح در ردیف {first[key]} هم آمده "
                         "(به هر یک کلید بدهید)")
            ok = False
        first.setdefault(key, number)
        if framework not in frameworks:
            _unknown(problems, number, col("framework", "framework"), framework, Label.FRAMEWORK)
            continue
        valid_from, rules = frameworks[framework]
        ok = _score_problems(problems, number, col("scores", "scores"), framework, values["scores"], rules) and ok
        if valid_from and values["date"] < valid_from:
            problems.add(number, col("date", "date"), values["date"], "date",
                         f"{values['date']} is before framework {framework!r} is valid (from {valid_from})",
                         f"تاریخ پیش از اعتبار چارچوب «{framework}» (از {valid_from}) است")
            ok = False
        if not ok:
            continue
        props = given({n: values.get(n) for n in ("level", "date", "assessorKind", "assessor", "findings", "source")})
        props["score"] = score_of(values["scores"], rules)
        values["props"] = props
        before = stored.get(key)
        if before is None:
            plans.append(Planned(number, CREATE, key, values))
        elif _same(before, values, props):
            plans.append(Planned(number, UNCHANGED, key, values))
        else:
            problems.add(number, col("key", "key") if "key" in shown else col("date", "date"), key, "taken",
                         f"assessment {key!r} is already recorded with other content (an import records "
                         "assessments, never changes them)",
                         f"ارزیابی «{key}» با محتوای دیگری ثبت شده است (ورود داده ارزیابی را تغییر نمی‌دهد)")
    return plans


def _same(before: dict[str, Any], values: dict[str, Any], props: dict[str, Any]) -> bool:
    """Whether the stored assessment is what record_assessment would answer a replay of this row with."""
    node = {n: v for n, v in before["node"].items() if n != "key"}
    scored = {s["criterion"]: s["value"] for s in before["scores"] if s["criterion"] is not None}
    return (node == props and before["institutions"] == [values["institution"]]
            and before["frameworks"] == [values["framework"]] and scored == values["scores"]
            and before["actions"] == 0)


async def write_assessments(store: GraphStore, plans: list[Planned], progress: Progress | None) -> None:
    todo = [p for p in plans if p.action == CREATE]
    for done, p in enumerate(todo, start=1):
        v = p.values
        await record_assessment(store, institution=v["institution"], framework=v["framework"], level=v["level"],
                                date=v["date"], scores=[{"criterion": c, "value": x} for c, x in v["scores"].items()],
                                assessor_kind=v.get("assessorKind"), assessor=v.get("assessor"),
                                findings=v.get("findings"), key=p.key, source=v.get("source"))
        if progress is not None:
            progress(done, len(todo))
