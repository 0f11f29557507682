"""Every write statement is safe to retry with the same parameters (issue 15, section 6).

The Neo4j adapter lets the driver run a managed transaction again, and a client may send again a
request whose answer it never got. Each registered write statement (``graph_model.cypher``'s
registry: a new one cannot be missed, it fails ``test_every_write_statement_has_a_retry_case``)
is run twice here with the same parameters on the embedded FalkorDB: the second run changes
nothing in the graph (every node, relationship and property compared) and reports success, the
same rows as the first run. The removals and state moves (``BY_STATE``) find nothing left to do
on the second run: it changes nothing and returns no row, and the mutation code answers from
the state it then reads (NOT_FOUND / INVALID_TRANSITION), as for any caller who repeats them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graph_model.cypher import Statement, all_statements
from graph_model.dialect import attribute_names
from graph_model.donation_totals import totals_params
from graph_model.enums import ENDPOINTS, Label, MetaLabel, Rel
from graph_model.model import MIRRORS
from graph_model.statements.writes import LINKS, has_names
from graph_model.statements.writes_relations import DONATION_RELS, PAIR_RELS, PARTIAL_UPDATE_RELS
from graph_model.stores.falkordb import FalkorStore
from tests.builders import DUMP_NODES, DUMP_RELS

# Schema statements: ensure_schema runs them only for what is missing (FalkorDB) or they say
# IF NOT EXISTS (Neo4j); they are not retried writes of data.
DDL = re.compile(r"^(falkordb_index_|falkordb_attributes$|neo4j_unique_|neo4j_index_)")
# Removals and status moves: a second run changes nothing and returns no row (see the docstring).
BY_STATE = re.compile(r"^(entity_delete_|pair_remove_|donation_delete$|partners_unlink$|licence_transition$"
                      r"|licence_renew$|licence_request_renewal$|clear_batch$)")

# A node of every label already in tests.builders.build_world (asmt-1: made by the test), for links to point at.
WORLD = {Label.PROVINCE: "IR-00", Label.COUNTY: "IR-00-0001", Label.INSTITUTION: "inst-a", Label.DONOR: "donor-1",
         Label.PERSON: "person-1", Label.COUNCIL: "council-1", Label.SERVICE: "svc-care",
         Label.TARGET_GROUP: "tg-elderly", Label.LICENCE_TYPE: "lt-care", Label.EVENT: "evt-1",
         Label.FRAMEWORK: "fw-1", Label.CRITERION: "crit-1", Label.ASSESSMENT: "asmt-1"}


def _retry(label: Label) -> str:
    """The node of ``label`` the upsert case makes, which relationship cases then use."""
    return f"retry-{label.value}"


def _names(en: str) -> dict[str, str]:
    return {"nameFa": "آزمون", "nameEn": en, "searchText": f"آزمون {en.lower()}"}


def _writes() -> dict[str, Statement]:
    # The adapters declare their own statements (the registry sees them once imported).
    import graph_model.stores.falkordb  # noqa: F401
    import graph_model.stores.neo4j  # noqa: F401

    return {s.name: s for s in all_statements() if s.write and s.dialect != "neo4j" and not DDL.match(s.name)}


def cases() -> Iterator[tuple[str, dict[str, Any]]]:
    """(statement name, parameters), in an order where each finds what it needs."""
    for label in Label:
        yield f"upsert_{label.value}", {"rows": [{"key": _retry(label), "props": _names(label.value)}]}
    for rel in Rel:
        start, end = ENDPOINTS[rel]
        props: dict[str, Any] = {"key": f"retry-{rel.value}", "amount": 5} if rel in DONATION_RELS else {"since": 2020}
        # PARTNERS_WITH joins two institutions: the world's and the retry one.
        first = WORLD[start] if start is end else _retry(start)
        yield f"upsert_{rel.value}", {"rows": [{"start": first, "end": _retry(end), "props": props}]}
    for label in Label:
        yield f"create_{label.value}", {"key": f"retry-create-{label.value}", "props": _names("Created")}
    for label in Label:
        if label is Label.LICENCE:
            continue
        links = {f"link_{link.field}": [WORLD[link.target]] for link in LINKS[label]}
        mirrors = {MIRRORS[link.rel]: WORLD[link.target] for link in LINKS[label] if link.rel in MIRRORS}
        yield f"entity_create_{label.value}", {"key": f"retry-entity-{label.value}",
                                               "props": {**_names("Entity"), **mirrors}, **links}
    licence = {"key": "retry-lic", "holder": _retry(Label.INSTITUTION), "licenceType": "lt-care",
               "validityYears": 5, "services": ["svc-care", "svc-skills"],
               "props": {"status": "ACTIVE", "issuedOn": "2024-01-01", "expiresOn": "2029-01-01"},
               "change": {"key": "retry-lchg-issued", "change": "ISSUED", "status": "ACTIVE", "on": "2024-01-01",
                          "by": "test"}}
    yield "licence_issue", licence
    for label in Label:
        key = "retry-lic" if label is Label.LICENCE else f"retry-entity-{label.value}"
        update: dict[str, Any] = {"key": key, "props": {"nameEn": "Renamed", "searchText": "آزمون renamed"},
                                  "names": {"nameFa": "آزمون", "nameEn": "Entity"}}
        if label is Label.LICENCE:
            update = {"key": key, "props": {"number": "L-1"}}
        elif not has_names(label):
            del update["names"]
        for link in LINKS[label]:  # replace each link with the world's node (the one it has)
            update[f"link_{link.field}"] = [WORLD[link.target]]
            update[f"replace_{link.field}"] = True
        yield f"entity_update_{label.value}", update
    for rel in PAIR_RELS:
        start, end = ENDPOINTS[rel]
        ends = {"start": _retry(start), "end": _retry(end)}
        yield f"pair_set_{rel.value}", {**ends, "props": {"since": 2021}}
        if rel in PARTIAL_UPDATE_RELS:
            yield f"pair_update_{rel.value}", {**ends, "props": {"role": "CHAIR"}}
    for rel in DONATION_RELS:
        target = _retry(ENDPOINTS[rel][1])
        key = f"retry-gift-{rel.value}"
        yield f"donation_record_{rel.value}", {"donor": _retry(Label.DONOR), "target": target, "key": key,
                                                "props": {"key": key, "amount": 7, "date": "2024-02-02"}}
    for rel in DONATION_RELS:  # the import's batches of gifts, grouped by donor
        gifts = [{"end": _retry(ENDPOINTS[rel][1]), "props": {"key": f"retry-import-{rel.value}-{n}", "amount": n,
                                                           "date": "2024-03-03"}} for n in (1, 2)]
        yield f"import_upsert_{rel.value.lower()}", {"groups": [{"start": _retry(Label.DONOR), "rows": gifts}]}
    gift = f"retry-gift-{Rel.DONATED_TO.value}"
    yield "donation_update", {"key": gift, "props": {"amount": 9}}
    yield "partners_link", {"institution": "inst-b", "partner": _retry(Label.INSTITUTION), "props": {"since": 2022}}
    yield "api_key_create", {"key": "retry-key", "hash": "h", "role": "viewer", "provinces": ["IR-00"], "note": "n",
                             "createdAt": "2024-01-01T00:00:00Z"}
    yield "api_key_revoke", {"key": "retry-key", "revokedAt": "2024-01-02T00:00:00Z"}
    yield "api_key_create_institution", {"key": "retry-key-i", "hash": "h", "role": "institution", "provinces": [],
                                         "note": "n", "createdAt": "2024-01-01T00:00:00Z", "institution": "inst-a"}
    yield "assessment_record", {"key": "retry-asmt", "institution": "inst-a", "framework": "fw-1",
                                "validFrom": "2020-01-01", "criteria": ["crit-1"],
                                "rules": [{"criterion": "crit-1", "weight": 1.0, "scaleMax": 5}],
                                "scores": [{"criterion": "crit-1", "value": 4.0}],
                                "actions": [{"key": "retry-asmt-action-1", "props": {
                                    "description": "d", "dueOn": "2024-06-01", "status": "OPEN"}}],
                                "props": {"level": "COUNTY", "date": "2024-05-01", "score": 80.0}}
    yield "corrective_action_status", {"key": "retry-asmt-action-1", "status": "DONE", "doneOn": "2024-05-20"}
    yield "audit_entry_create", {"key": "retry-audit", "at": "2024-01-01T00:00:00.000000+00:00", "subject": "s",
                                 "role": "admin", "operation": "createDonor", "keys": ["d"], "values": "{}",
                                 "outcome": "ok"}
    yield "persisted_query_remember", {"key": "retry-q1", "text": "{ a }", "name": "A", "createdAt": "2024",
                                       "most": 100}
    yield "persisted_query_register", {"key": "retry-q2", "text": "{ b }", "name": "B", "createdAt": "2024"}
    yield "graph_version_bump", {"key": "graph", "write": "retry-bump", "coverage": True, "donations": True,
                                 "networks": True}
    # graph_model.archive.restore: the hub's own records (audit entries go through audit_entry_create),
    # and the manifest's graph version (no row on purpose).
    meta_props: dict[MetaLabel, dict[str, Any]] = {MetaLabel.API_KEY: {"role": "viewer", "provinces": ["IR-00"]},
                  MetaLabel.PERSISTED_QUERY: {"text": "{ c }"},
                  MetaLabel.DONATION_TOTAL: {"level": 0, "donations": 1}}
    for meta, values in meta_props.items():
        yield f"archive_restore_{meta.value}", {"rows": [{"key": f"retry-archive-{meta.value}", "props": values}]}
    yield "archive_set_version", {"key": "graph", "props": {"epoch": 1, "version": 7, "coverage": 3, "donations": 2,
                                                            "networks": 4}}
    yield "donation_totals_replace", {"rows": [{"key": "retry-total", "level": 0, "area": "", "calendar": 0,
                                                "year": 0, "part": 0, "donations": 1, "units": 0, "rest": 5,
                                                "donors": 1, "individuals": 0}]}
    yield "donation_totals_upsert", {"rows": [{"key": "retry-upsert", "level": 1, "area": "IR-00", "calendar": 0,
                                               "year": 0, "part": 0, "donations": 2, "units": 1, "rest": 5,
                                               "donors": 1, "individuals": 1}]}
    for rel in MIRRORS:
        start = ENDPOINTS[rel][0]
        yield f"fill_{start.value}_{MIRRORS[rel]}", {}
    # Removals and moves last, in an order the graph allows.
    yield "licence_request_renewal", {"key": "retry-lic", "allowed": ["ACTIVE", "EXPIRED"], "on": "2028-10-01",
                                      "change": {"key": "retry-lchg-request", "change": "RENEWAL_REQUESTED"}}
    yield "licence_renew", {"key": "retry-lic", "allowed": ["ACTIVE", "EXPIRED"], "to": "ACTIVE",
                            "expiresOn": "2035-01-01", "basis": None, "on": "2028-12-01",
                            "change": {"key": "retry-lchg-renew", "change": "RENEWED"}}
    yield "licence_transition", {"key": "retry-lic", "allowed": ["ACTIVE"], "to": "SUSPENDED", "on": "2029-01-01",
                                 "change": {"key": "retry-lchg-suspend", "change": "SUSPENDED", "reason": "test"}}
    yield "donation_delete", {"key": gift}
    yield "partners_unlink", {"institution": "inst-b", "partner": _retry(Label.INSTITUTION)}
    for rel in PAIR_RELS:
        start, end = ENDPOINTS[rel]
        yield f"pair_remove_{rel.value}", {"start": _retry(start), "end": _retry(end)}
    for label in Label:
        key = "retry-lic" if label is Label.LICENCE else f"retry-entity-{label.value}"
        yield f"entity_delete_{label.value}", {"key": key}
    yield "clear_batch", {"batch": 100_000}


async def _graph(store: FalkorStore) -> tuple[list[str], list[str]]:
    """Every node and relationship with its properties, the graph version's node included."""
    nodes = sorted(repr((sorted(r["labels"]), sorted(r["props"].items()))) for r in await store.read(DUMP_NODES))
    rels = sorted(repr((r["type"], r["start"], r["end"], sorted(r["props"].items())))
                  for r in await store.read(DUMP_RELS))
    return nodes, rels


def _canonical(rows: list[dict[str, Any]]) -> list[str]:
    """Rows compared as sets where a statement collects (the order of collect() is not defined)."""
    return sorted(repr(sorted((k, sorted(map(repr, v)) if isinstance(v, list) else v) for k, v in row.items()))
                  for row in rows)


def test_every_write_statement_has_a_retry_case() -> None:
    covered = [name for name, _ in cases()]
    assert len(covered) == len(set(covered)), "a statement is run by two cases"
    missing = sorted(set(_writes()) - set(covered))
    assert not missing, f"write statements without a retry case in tests/test_write_retry.py: {missing}"
    assert not set(covered) - set(_writes()), "a case names no registered write statement"


async def test_each_write_statement_run_twice_changes_nothing_the_second_time(small_world: FalkorStore) -> None:
    from graph_model.mutations import create_node

    await create_node(small_world, Label.ASSESSMENT, {"key": "asmt-1", "institution": "inst-b", "framework": "fw-1",
                                                      "level": "COUNTY", "score": 70.0, "date": "2024-05-01"})
    statements = _writes()
    failures: list[str] = []
    for name, params in cases():
        stmt = statements[name]
        params = {**totals_params(stmt.params), **params}  # the donation totals' maintenance takes these
        before = await _graph(small_world)
        # _run: without the version bump store.write adds (graph_version_bump has its own case).
        first = await small_world._run(stmt, params, read_only=False)
        once = await _graph(small_world)
        second = await small_world._run(stmt, params, read_only=False)
        twice = await _graph(small_world)
        if twice != once:
            failures.append(f"{name}: the second run changed the graph")
        if BY_STATE.match(name):
            if not first or once == before:
                failures.append(f"{name}: the first run did nothing (the case is wrong)")
            if second and any(v for row in second for v in row.values() if v not in (0, None)):
                failures.append(f"{name}: the second run found something to do again: {second}")
        elif _canonical(second) != _canonical(first):
            failures.append(f"{name}: the second run answered {second}, the first {first}")
        elif not first and once == before and not name.startswith("fill_"):
            failures.append(f"{name}: the first run did nothing (the case is wrong)")
    assert not failures, "\n".join(failures)
    # Every write statement has run: none used a property name ensure_schema had not added first
    # (graph_model.dialect.FALKORDB_ATTRIBUTES says why a write must never add one).
    found = await small_world._graph.query("CALL db.propertyKeys()")
    added = {row[0] for row in found.result_set} - set(attribute_names())
    assert not added, f"properties written that graph_model.dialect.attribute_names() misses: {sorted(added)}"


async def test_a_retried_create_is_not_a_conflict_but_other_content_is(small_world: FalkorStore) -> None:
    """Through the mutation code: the same create twice answers the same; the key with other
    content, other links, or a donation key on another recipient is a Conflict, and writes nothing."""
    import pytest

    from graph_model.errors import Conflict
    from graph_model.mutations import create_node
    from graph_model.mutations.donations import record_donation
    from graph_model.mutations.licences import issue_licence

    donor: dict[str, Any] = {"key": "donor-r", "kind": "COMPANY", "province": "IR-00", "nameFa": "الف", "nameEn": "R"}
    first = await create_node(small_world, Label.DONOR, donor)
    assert await create_node(small_world, Label.DONOR, donor) == first
    before = await _graph(small_world)
    for other in ({**donor, "nameEn": "Other"}, {**donor, "province": "IR-01"}, {**donor, "province": None},
                  {**donor, "source": "elsewhere"}, {**donor, "kind": "FOUNDATION"}):
        with pytest.raises(Conflict):
            await create_node(small_world, Label.DONOR, other)
    gift: dict[str, Any] = {"donor": "donor-1", "amount": 5, "date": "2024-01-01", "key": "gift-r"}
    recorded = await record_donation(small_world, institution="inst-a", **gift)
    assert await record_donation(small_world, institution="inst-a", **gift) == recorded
    other_gift: dict[str, Any]
    for other_gift in ({**gift, "amount": 6}, {**gift, "institution": "inst-b"}, {**gift, "event": "evt-1"}):
        named = "institution" in other_gift or "event" in other_gift
        recipient: dict[str, Any] = {} if named else {"institution": "inst-a"}
        with pytest.raises(Conflict):
            await record_donation(small_world, **recipient, **other_gift)
    issued: dict[str, Any] = {"holder": "inst-a", "licence_type": "lt-care", "services": ["svc-care"],
                              "issued_on": "2024-01-01", "key": "lic-r"}
    licence = await issue_licence(small_world, **issued)
    assert await issue_licence(small_world, **issued) == licence
    other_licence: dict[str, Any]
    for other_licence in ({**issued, "holder": "inst-b"}, {**issued, "services": ["svc-care", "svc-skills"]},
                          {**issued, "issued_on": "2024-01-02"}):
        with pytest.raises(Conflict):
            await issue_licence(small_world, **other_licence)
    after = await _graph(small_world)
    assert [n for n in after[0] if "donor-r" in n] == [n for n in before[0] if "donor-r" in n]
    assert sum("gift-r" in r for r in after[1]) == 1
    assert sum("lic-r" in r for r in after[1]) == 4, "HOLDS, OF_TYPE, one LICENSES, one CHANGE_OF: no second copy"
    assert not any(MetaLabel.HUB_META.value in n and "retry" in n for n in after[0])
