"""Batched, idempotent upserts: one statement per label and per relationship type.

``MATCH (n:L) WHERE n.key = row.key`` rather than ``MATCH (n:L {key: row.key})``: after
UNWIND, FalkorDB plans the WHERE form as an index seek on every version we have seen.
"""

from __future__ import annotations

from graph_model.cypher import Statement, statement
from graph_model.enums import ENDPOINTS, KEYED_RELS, Label, Rel
from graph_model.model import MIRRORS
from graph_model.statements.writes import keep_if_same


def _upsert_node(label: Label) -> Statement:
    return statement(
        f"upsert_{label.value}",
        f"""UNWIND $rows AS row
            MERGE (n:{label.value} {{key: row.key}})
            SET n += row.props
            RETURN count(n) AS written""",
        write=True,
    )


def _upsert_rel(rel: Rel) -> Statement:
    start, end = ENDPOINTS[rel]
    merge = (f"MERGE (a)-[r:{rel.value} {{key: row.props.key}}]->(b)" if rel in KEYED_RELS
             else f"MERGE (a)-[r:{rel.value}]->(b)")
    mirror = f", a.{MIRRORS[rel]} = b.key" if rel in MIRRORS else ""  # graph_model.model.MIRRORS
    return statement(
        f"upsert_{rel.value}",
        f"""UNWIND $rows AS row
            MATCH (a:{start.value}) WHERE a.key = row.start
            MATCH (b:{end.value}) WHERE b.key = row.end
            {merge}
            SET r += row.props{mirror}
            RETURN count(r) AS written""",
        write=True,
    )


UPSERT_NODE: dict[Label, Statement] = {label: _upsert_node(label) for label in Label}
UPSERT_REL: dict[Rel, Statement] = {rel: _upsert_rel(rel) for rel in Rel}


def _missing_keys(label: Label) -> Statement:
    return statement(
        f"missing_{label.value}_keys",
        f"""UNWIND $keys AS k
            OPTIONAL MATCH (n:{label.value}) WHERE n.key = k
            WITH k, n WHERE n IS NULL
            RETURN collect(k) AS missing""",
    )


# Which of these keys have no node yet: checked before a relationship batch is written so
# that a dangling reference fails the batch instead of silently dropping its row.
MISSING_KEYS: dict[Label, Statement] = {label: _missing_keys(label) for label in Label}


def _create_node(label: Label) -> Statement:
    return statement(
        f"create_{label.value}",
        f"""MERGE (n:{label.value} {{key: $key}})
            ON CREATE SET n += $props
            {keep_if_same("n", "$props")}
            RETURN properties(n) AS node""",
        write=True,
    )


# Create one node, safe to retry: a second run with the same key and properties finds it and
# answers the same; with other properties it writes nothing and returns no row.
CREATE_NODE: dict[Label, Statement] = {label: _create_node(label) for label in Label}


def _missing_mirror(rel: Rel) -> str:
    start = ENDPOINTS[rel][0]
    return (f"MATCH (a:{start.value}) WHERE a.{MIRRORS[rel]} IS NULL "
            f"RETURN '{rel.value}' AS rel, count(a) AS missing")


def _fill_mirror(rel: Rel) -> Statement:
    start, end = ENDPOINTS[rel]
    prop = MIRRORS[rel]
    return statement(
        f"fill_{start.value}_{prop}",
        f"""MATCH (a:{start.value}) WHERE a.{prop} IS NULL
            MATCH (a)-[:{rel.value}]->(b:{end.value})
            SET a.{prop} = b.key
            RETURN count(a) AS filled""",
        write=True,
    )


# graph_model.mirrors: how many nodes lack each mirror (a store written before it existed), and
# the write that fills them from their links.
MISSING_MIRRORS = statement("missing_mirrors", " UNION ALL ".join(_missing_mirror(rel) for rel in MIRRORS))
FILL_MIRRORS: dict[Rel, Statement] = {rel: _fill_mirror(rel) for rel in MIRRORS}
