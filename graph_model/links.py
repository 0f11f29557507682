"""Single links (an institution's county, a licence's holder) and per-item totals, batched:
each statement takes every key a GraphQL page asks about in one list, ``$keys``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graph_model import filled
from graph_model.cypher import PROPERTY, Rooted, Statement, projected, projected_name, rel_by_key, seek_keys, statement
from graph_model.donation_totals import cell_key
from graph_model.enums import DonorKind, Label, Rel
from graph_model.list_specs import DONATION_ROW
from graph_model.model import MIRRORS
from graph_model.statements.donation_totals import TOTAL, Level, Period
from graph_model.statements.overview import AMOUNT_UNIT
from graph_model.stores.base import GraphStore


@dataclass(frozen=True)
class Link:
    name: str
    parent: Label
    pattern: str  # from ``(p)`` to ``(n)``; the parent is seeked by key first
    # The parent's property mirroring the linked node's key (graph_model.model.MIRRORS) and that node's
    # label: a page's parents whose rows hold it have their linked nodes read by key (Loaders.mirrored).
    mirror: tuple[str, Label] | None = None

    @property
    def stmt(self) -> Statement:
        return _LINK_STATEMENTS[self.name]


LINKS: dict[str, Link] = {link.name: link for link in (
    Link("institution_county", Label.INSTITUTION, "(p)-[:LOCATED_IN]->(n:County)",
         (MIRRORS[Rel.LOCATED_IN], Label.COUNTY)),
    Link("donor_province", Label.DONOR, "(p)-[:BASED_IN]->(n:Province)"),
    Link("event_county", Label.EVENT, "(p)-[:HELD_IN]->(n:County)", (MIRRORS[Rel.HELD_IN], Label.COUNTY)),
    Link("licence_institution", Label.LICENCE, "(p)<-[:HOLDS]-(n:Institution)"),
    Link("licence_type", Label.LICENCE, "(p)-[:OF_TYPE]->(n:LicenceType)"),
    Link("assessment_institution", Label.ASSESSMENT, "(p)-[:ASSESSES]->(n:Institution)"),
    Link("assessment_framework", Label.ASSESSMENT, "(p)-[:UNDER_FRAMEWORK]->(n:AssessmentFramework)"),
    Link("criterion_framework", Label.CRITERION, "(p)-[:IN_FRAMEWORK]->(n:AssessmentFramework)"),
    Link("action_assessment", Label.CORRECTIVE_ACTION, "(p)-[:CORRECTS]->(n:Assessment)"),
    Link("change_licence", Label.LICENCE_CHANGE, "(p)-[:CHANGE_OF]->(n:Licence)"),
    Link("complaint_institution", Label.COMPLAINT, "(p)-[:COMPLAINT_ABOUT]->(n:Institution)"),
)}

# Each linked node is sent once, with the pairs (key, linked node's key): many parents share one
# (the first 100 institutions of IR-06 by name lie in 24 counties of 16 properties each on
# `national`), and decoding the copies was most of the statement's cost to the hub (3.3 -> 1.4 ms).
# With hops (``Hop``: a property of the linked nodes naming a node of another label by its key, that label,
# its projection), those nodes too, in the same statement (a county's province beside the county): one
# part of a level's joined statement instead of two (graph_model.stores.fused; benchmarks/README.md, issue 18).
Hop = tuple[str, Label, tuple[str, ...]]


def _link_statement(link: Link, props: tuple[str, ...] | None = None, register: bool = True,
                    hops: tuple[Hop, ...] = ()) -> Statement:
    for prop, _, _ in hops:
        if not PROPERTY.fullmatch(prop):
            raise ValueError(f"not a property name: {prop!r}")
    seek = "".join(f"\n            OPTIONAL MATCH (m{i}:{label.value}) WHERE m{i}.key = n.{prop}"
                   for i, (prop, label, _) in enumerate(hops))
    kept = "".join(f", collect(DISTINCT m{i}) AS hopped{i}" for i in range(len(hops)))
    given = "".join(f", [x IN hopped{i} | {projected('x', hop_props)}] AS hops{i}"
                    for i, (_, _, hop_props) in enumerate(hops))
    named = "".join(f"__hop_{prop}_{label.value}{projected_name(hop_props)}" for prop, label, hop_props in hops)
    # Under one root: each linked node with its hops' nodes as they come, without the parent's key (the
    # rows made again by graph_model.stores.fused).
    each = "".join(f", m{i}.key, {projected(f'm{i}', hop_props)}" for i, (_, _, hop_props) in enumerate(hops))
    rooted = Rooted("link", f"""WITH root AS p WHERE p IS NOT NULL
            MATCH {link.pattern}{seek}
            RETURN collect([n.key, {projected("n", props)}{each}]) AS v""", link.parent.value, len(hops))
    return statement(
        f"link_{link.name}{projected_name(props)}{named}",
        f"""{seek_keys("p", link.parent.value)}
            MATCH {link.pattern}{seek}
            WITH collect([k, n.key]) AS pairs, collect(DISTINCT n) AS found{kept}
            RETURN pairs, [x IN found | {projected("x", props)}] AS nodes{given}""", register=register, rooted=rooted)


_LINK_STATEMENTS = {link.name: _link_statement(link) for link in LINKS.values()}
_link_statement(LINKS["institution_county"], ("key", "nameEn"))  # the projected form, for the linter
_link_statement(LINKS["institution_county"], ("key", "nameEn", "provinceKey"),  # with a hop, for the linter
                hops=(("provinceKey", Label.PROVINCE, ("key", "nameEn")),))


@lru_cache(maxsize=1024)
def _projected_link(name: str, props: tuple[str, ...] | None, hops: tuple[Hop, ...] = ()) -> Statement:
    return _link_statement(LINKS[name], props, register=False, hops=hops)


# A hop: the nodes of another label that the linked nodes name by a key property (a county's
# province), read in the link's own level of a query rather than in the level below it (one
# institution with its county and the county's province: the province was a statement of its own,
# after the county's; hub.execution.prefetch answers the province's loader from these rows). A link
# followed by its statement reads its hops itself (``fetch_link_hops``); this statement is for a page's
# links, read as the nodes their rows mirror (hub.execution.loaders.Loaders.mirrored), not followed.
def _hop_statement(link: Link, prop: str, label: Label, props: tuple[str, ...] | None,
                   register: bool = True) -> Statement:
    if not PROPERTY.fullmatch(prop):
        raise ValueError(f"not a property name: {prop!r}")
    return statement(
        f"hop_{link.name}__{prop}__{label.value}{projected_name(props)}",
        f"""{seek_keys("p", link.parent.value, carry=False)}
            WITH p MATCH {link.pattern}
            WITH DISTINCT n.{prop} AS hop
            MATCH (m:{label.value}) WHERE m.key = hop
            RETURN {projected("m", props)} AS node""", register=register)


HOP_SAMPLE = _hop_statement(LINKS["institution_county"], "provinceKey", Label.PROVINCE, ("key", "nameEn"))  # linted


@lru_cache(maxsize=1024)
def _hop(name: str, prop: str, label: Label, props: tuple[str, ...] | None) -> Statement:
    return _hop_statement(LINKS[name], prop, label, props, register=False)


async def fetch_hop(store: GraphStore, name: str, prop: str, label: Label, props: tuple[str, ...] | None,
                    keys: list[str]) -> list[dict[str, Any]]:
    """The ``label`` nodes (rows as ``projected`` gives them) whose key is the ``prop`` of a node that
    the link ``name`` gives one of ``keys``: what a read of ``label``'s nodes by those keys returns."""
    rows = await store.read(_hop(name, prop, label, props), keys=list(dict.fromkeys(keys)))
    return [r["node"] for r in rows]


async def fetch_link(store: GraphStore, name: str, keys: list[str],
                     props: tuple[str, ...] | None = None) -> dict[str, dict[str, Any]]:
    """The linked node of each key (keys without one are absent). Parents linked to one node share
    its dict: read it, never change it. ``props``: the properties a linked node's row holds (with
    ``key``), None: all."""
    return (await fetch_link_hops(store, name, keys, props))[0]


def link_statement(name: str, props: tuple[str, ...] | None, hops: tuple[Hop, ...] = ()) -> Statement:
    """The statement ``fetch_link_hops`` reads the link ``name`` by (its parents' keys as ``keys``)."""
    return LINKS[name].stmt if props is None and not hops else _projected_link(name, props, hops)


async def fetch_link_hops(store: GraphStore, name: str, keys: list[str], props: tuple[str, ...] | None,
                          hops: tuple[Hop, ...] = ()) -> tuple[dict[str, dict[str, Any]], list[list[dict[str, Any]]]]:
    """``fetch_link``'s answer, and for each of ``hops`` the rows of the nodes the linked nodes name by its
    property (as ``projected`` gives them): what ``fetch_hop`` returns for the same keys."""
    rows = await store.read(link_statement(name, props, hops), keys=list(dict.fromkeys(keys)))
    if not rows:
        return {}, [[] for _ in hops]
    nodes = {n["key"]: n for n in rows[0]["nodes"]}
    return {k: nodes[n] for k, n in rows[0]["pairs"]}, [rows[0][f"hops{i}"] for i in range(len(hops))]


# Totals of giving per institution, donor or event. FalkorDB's sum() is a double, exact only
# below 2^53 rials (9 gifts of the largest amount), and toInteger of a double past 2^63 turns
# negative: so the amount is summed in two parts, whole units of AMOUNT_UNIT and the rest, each
# far below 2^53, and joined in Python, exact for any number of gifts (as the overview's years).
GIVING: dict[Label, Statement] = {
    label: statement(
        f"giving_{label.value}",
        f"""{seek_keys("p", label.value)}
            MATCH {pattern}
            RETURN k AS key, toInteger(sum(r.amount / $unit)) AS units, toInteger(sum(r.amount % $unit)) AS rest,
                   count(r) AS count, count(DISTINCT o) AS others,
                   count(DISTINCT CASE WHEN {donor}.kind = $individual THEN {donor}.key END) AS individuals,
                   min(r.date) AS firstDate, max(r.date) AS lastDate""")
    for label, pattern, donor in ((Label.INSTITUTION, "(p)<-[r:DONATED_TO]-(o:Donor)", "o"),
                                  (Label.DONOR, "(p)-[r:DONATED_TO]->(o:Institution)", "p"),
                                  (Label.EVENT, "(p)<-[r:DONATED_TO_EVENT]-(o:Donor)", "o"))
}


def whole(units: Any, rest: Any) -> int:
    """An amount summed in two parts (units of AMOUNT_UNIT, and the rest), joined exactly."""
    return int(units or 0) * AMOUNT_UNIT + int(rest or 0)


@dataclass(frozen=True)
class Giving:
    amount: int
    count: int
    others: int  # distinct donors of an institution or event; distinct institutions of a donor
    individuals: int  # distinct individual donors among them (privacy: k-anonymity)
    first_date: str | None
    last_date: str | None
    dated: bool = True  # False: the dates were not read (an institution's kept cell that does not know them)


NO_GIVING = Giving(0, 0, 0, 0, None, None)
_new = filled.new


def kept_giving(amount: int, count: int, others: int, individuals: int, first_date: str | None = None,
                last_date: str | None = None) -> Giving:
    """An institution's totals from its kept cell, made as ``Giving(...)`` makes them but without a frozen
    dataclass's ``object.__setattr__`` per field: a page of 100 institutions' totals in ~75 us instead of
    ~135 (issue 18, fourteenth). Without its dates (a cell that does not know them) it is not ``dated``."""
    made = _new(Giving)
    made.__dict__.update(amount=amount, count=count, others=others, individuals=individuals, first_date=first_date,
                         last_date=last_date, dated=first_date is not None and last_date is not None)
    return made


filled.check(Giving, ("amount", "count", "others", "individuals", "first_date", "last_date", "dated"), "kept_giving")

# An institution's totals from its kept all-years cell (graph_model.statements.donation_totals,
# written in the same statement as every gift's change): one index seek per institution instead of
# a read of every gift it received (a page of 100 institutions of IR-06 on `national`: 1.1 ms
# against 12.0). The cell holds its first and last gift's dates too (kept by the same writes); a cell written
# before cells held them has none, and they are read from the gifts when asked (GIVING_DATES).
INSTITUTION_CELLS = statement(
    "giving_institution_cells",
    f"""{seek_keys("t", TOTAL, "cells", carry=False)}
        RETURN t.area AS key, t.units AS units, t.rest AS rest, t.donations AS count, t.donors AS others,
               t.individuals AS individuals, t.firstDate AS firstDate, t.lastDate AS lastDate""",
    rooted=Rooted("rows", f"""{seek_keys("t", TOTAL, "cells", carry=False)}
        RETURN collect([t.area, t.units, t.rest, t.donations, t.donors, t.individuals, t.firstDate,
                        t.lastDate]) AS v"""))

GIVING_DATES = statement(
    "giving_institution_dates",
    f"""{seek_keys("p", "Institution")}
       MATCH (p)<-[r:DONATED_TO]-(:Donor)
       RETURN k AS key, min(r.date) AS firstDate, max(r.date) AS lastDate""")


# An institution's all-years cell's key around its key, as ``cell_key`` joins it: a page of 100 institutions'
# keys in ~9 us instead of ~59 (``str`` of each level and period, and a join, for every key).
_CELL_BEFORE, _CELL_AFTER = cell_key(Level.INSTITUTION, "\0", Period.ALL, 0, 0).split("\0")


def institution_cell(key: str) -> str:
    """The key of an institution's all-years cell (``cell_key``'s)."""
    return f"{_CELL_BEFORE}{key}{_CELL_AFTER}"


async def fetch_giving(store: GraphStore, label: Label, keys: list[str]) -> dict[str, Giving]:
    """Totals per key; an institution's from its kept cell, its dates too when the cell knows them (else
    ``fetch_giving_dates`` reads them)."""
    if label is not Label.INSTITUTION:
        return await scan_giving(store, label, keys)
    return institution_giving(await store.read(INSTITUTION_CELLS, cells=institution_cells(keys)))


def institution_cells(keys: list[str]) -> list[str]:
    """The kept cells ``INSTITUTION_CELLS`` reads for the institutions ``keys``."""
    return [institution_cell(k) for k in dict.fromkeys(keys)]


def institution_giving(rows: list[dict[str, Any]]) -> dict[str, Giving]:
    """Totals per institution from the rows of its kept cells (``INSTITUTION_CELLS``)."""
    return {r["key"]: kept_giving(whole(r["units"], r["rest"]), int(r["count"]), int(r["others"]),
                                  int(r["individuals"]), r["firstDate"], r["lastDate"]) for r in rows}


async def scan_giving(store: GraphStore, label: Label, keys: list[str]) -> dict[str, Giving]:
    """Totals per key read from every gift (what the kept cells must equal: tests/test_donation_totals.py)."""
    rows = await store.read(GIVING[label], keys=list(dict.fromkeys(keys)), individual=DonorKind.INDIVIDUAL.value,
                            unit=AMOUNT_UNIT)
    return {r["key"]: Giving(whole(r["units"], r["rest"]), int(r["count"]), int(r["others"]), int(r["individuals"]),
                             r["firstDate"], r["lastDate"]) for r in rows}


async def fetch_giving_dates(store: GraphStore, keys: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """The first and last gift's date of each institution (absent: no gift)."""
    rows = await store.read(GIVING_DATES, keys=list(dict.fromkeys(keys)))
    return {r["key"]: (r["firstDate"], r["lastDate"]) for r in rows}


RELATIONS: dict[str, Statement] = {
    "Donation": statement(
        "donations_by_keys",
        f"""UNWIND $ids AS k {rel_by_key("r", "DONATED_TO", "k", "dn", "rc")}
            RETURN k AS id, {DONATION_ROW} AS row
            UNION ALL
            UNWIND $ids AS k {rel_by_key("r", "DONATED_TO_EVENT", "k", "dn", "rc")}
            RETURN k AS id, {DONATION_ROW} AS row"""),
    "Membership": statement(
        "memberships_by_ids",
        """UNWIND $ids AS id
           MATCH (n:Council) WHERE n.key = id[0]
           WITH id, n MATCH (mb)-[r:DONOR_MEMBER_OF|INSTITUTION_MEMBER_OF|PERSON_MEMBER_OF]->(n)
           WHERE labels(mb)[0] = id[1] AND mb.key = id[2]
           RETURN id,
                  {props: properties(r), member: mb.key, memberKind: labels(mb)[0], council: n.key,
                   donorKind: CASE WHEN mb:Donor THEN mb.kind ELSE null END} AS row"""),
    "Need": statement(
        "needs_by_ids",
        """UNWIND $ids AS id
           MATCH (p:County) WHERE p.key = id[0]
           WITH id, p MATCH (p)-[r:NEEDS]->(n:TargetGroup) WHERE n.key = id[1]
           RETURN id, {props: properties(r), county: p.key, targetGroup: n.key} AS row"""),
    "Partnership": statement(
        "partnerships_by_ids",
        """UNWIND $ids AS id
           MATCH (a:Institution) WHERE a.key = id[0]
           WITH id, a MATCH (a)-[r:PARTNERS_WITH]-(b:Institution) WHERE b.key = id[1]
           RETURN id, {props: properties(r), a: a.key, b: b.key} AS row"""),
}


async def fetch_relations(store: GraphStore, kind: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Relationship entities by id: a donation's key, or ``a|b|c`` parts for the others."""
    unique = list(dict.fromkeys(ids))
    params = unique if kind == "Donation" else [i.split("|") for i in unique]
    rows = await store.read(RELATIONS[kind], ids=params)
    # Composite ids come back as their parts; joined here, so no separator is spliced into Cypher.
    return {r["id"] if isinstance(r["id"], str) else "|".join(r["id"]): r["row"] for r in rows}
