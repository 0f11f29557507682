"""Where FalkorDB and Neo4j disagree: schema DDL (and later search and shortest path).

Both stores run the same statements from ``graph_model.statements``; only what is in this
module differs, and each store adapter holds one dialect object.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from graph_model.cypher import Statement, statement
from graph_model.enums import KEYED_RELS, Label, MetaLabel

# Range indexes beyond the unique keys, for the filters the API offers (and the area a donation
# total belongs to: graph_model.statements.donation_totals).
NODE_INDEXES: dict[Label | MetaLabel, tuple[str, ...]] = {
    Label.COUNTY: ("provinceKey",),
    Label.INSTITUTION: ("kind",),
    Label.DONOR: ("kind",),
    Label.COUNCIL: ("kind", "level"),
    Label.SERVICE: ("domain",),
    Label.LICENCE: ("status", "expiresOn"),
    Label.EVENT: ("kind", "startsOn"),
    Label.ASSESSMENT: ("level",),
    Label.CORRECTIVE_ACTION: ("status",),
    MetaLabel.DONATION_TOTAL: ("area",),
}


@dataclass(frozen=True)
class Constraint:
    """A unique key: on a node label or on a relationship type."""

    entity: str  # "NODE" or "RELATIONSHIP"
    name: str  # label or relationship type
    prop: str = "key"


CONSTRAINTS: tuple[Constraint, ...] = (
    *(Constraint("NODE", label.value) for label in Label),
    *(Constraint("RELATIONSHIP", rel.value) for rel in sorted(KEYED_RELS)),
    # The hub's own records (keys, audit entries, registered operations) are unique by key too.
    *(Constraint("NODE", meta.value) for meta in (MetaLabel.API_KEY, MetaLabel.AUDIT_ENTRY, MetaLabel.PERSISTED_QUERY,
                                                   MetaLabel.DONATION_TOTAL)),
)


@dataclass(frozen=True)
class Ddl:
    """One index or constraint statement and the (label or type, property) it covers."""

    name: str
    prop: str
    stmt: Statement


@dataclass(frozen=True)
class Dialect:
    name: str
    # DDL run at start-up, in order; each must be safe to run again.
    schema: tuple[Ddl, ...]
    # Unique constraints the store must create by its own means (FalkorDB: GRAPH.CONSTRAINT).
    native_constraints: tuple[Constraint, ...] = ()
    # How an uncorrelated subquery opens (graph_model.stores.fused): FalkorDB knows only the bare form,
    # which Neo4j 5 deprecates for ``CALL () {``.
    subquery: str = "CALL {"
    # How a subquery that reads the variable ``root`` of the statement around it opens (a statement rooted at
    # one node, graph_model.stores.fused): Neo4j 5's scope clause, FalkorDB's importing WITH.
    rooted_subquery: str = "CALL { WITH root"


def _pattern(entity: str, name: str) -> str:
    return f"(n:{name})" if entity == "NODE" else f"()-[n:{name}]-()"


def _falkor_index(entity: str, name: str, prop: str) -> Ddl:
    return Ddl(name, prop, statement(
        f"falkordb_index_{name}_{prop}",
        f"CREATE INDEX FOR {_pattern(entity, name)} ON (n.{prop})", write=True, dialect="falkordb"))


def _neo4j_constraint(c: Constraint) -> Ddl:
    return Ddl(c.name, c.prop, statement(
        f"neo4j_unique_{c.name}_{c.prop}",
        f"CREATE CONSTRAINT {c.name.lower()}_{c.prop}_unique IF NOT EXISTS "
        f"FOR {_pattern(c.entity, c.name)} REQUIRE n.{c.prop} IS UNIQUE", write=True, dialect="neo4j"))


def _neo4j_index(label: Label | MetaLabel, prop: str) -> Ddl:
    return Ddl(label.value, prop, statement(
        f"neo4j_index_{label.value}_{prop}",
        f"CREATE INDEX {label.value.lower()}_{prop.lower()} IF NOT EXISTS "
        f"FOR (n:{label.value}) ON (n.{prop})", write=True, dialect="neo4j"))


# FalkorDB names a property by a number of the graph's attribute table in the effects it logs to the
# append-only file (EFFECTS_THRESHOLD 0: graph_model.stores.embedded), and a write whose plan adds a
# new name (`MERGE (n {key: $key})`) does not log that addition itself. Two concurrent writes that
# are the first to use new names then replay with the numbers swapped: seen here, a fresh store's 200
# concurrent creates came back after kill -9 with every key stored under nameFa and six HubMeta
# nodes (tests/test_faults.py). Every name the hub writes is therefore added once, alone, when the
# schema is ensured (before any request), so no later write adds one. Extra names cost nothing.
FALKORDB_ATTRIBUTES = statement("falkordb_attributes", "CREATE (n:HubMeta) SET n += $props DELETE n", write=True,
                                dialect="falkordb")
_PROPERTY = re.compile(r"\b[a-z]\w*\.([a-z][A-Za-z0-9]*)|[{,]\s*([a-z][A-Za-z0-9]*)\s*:")


def attribute_names() -> list[str]:
    """Every property name the model holds or a statement's text names (variable.name, {name: ...})."""
    from graph_model.cypher import all_statements
    from graph_model.model import NODE_FIELDS, REL_FIELDS

    names = {"key", "searchText", *(n for fields in (*NODE_FIELDS.values(), *REL_FIELDS.values()) for n in fields)}
    for stmt in all_statements():
        names.update(_names_in(stmt.text))
    return sorted(names)


@functools.cache  # a text is read once per process: the tests ensure a schema ~1,500 times
def _names_in(text: str) -> frozenset[str]:
    return frozenset(a or b for a, b in _PROPERTY.findall(text))


# FalkorDB builds a unique constraint on top of an exact-match index that must exist first.
FALKORDB = Dialect(
    name="falkordb",
    schema=(
        *(_falkor_index(c.entity, c.name, c.prop) for c in CONSTRAINTS),
        *(_falkor_index("NODE", label.value, prop) for label, props in NODE_INDEXES.items() for prop in props),
    ),
    native_constraints=CONSTRAINTS,
)

# Neo4j backs each unique constraint with its own index.
NEO4J = Dialect(
    name="neo4j",
    subquery="CALL () {",
    rooted_subquery="CALL (root) {",
    schema=(
        *(_neo4j_constraint(c) for c in CONSTRAINTS),
        *(_neo4j_index(label, prop) for label, props in NODE_INDEXES.items() for prop in props),
    ),
)
