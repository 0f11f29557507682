"""Counts and lookups by key (lists live in graph_model.listing, links in graph_model.links)."""

from __future__ import annotations

from graph_model.cypher import Statement, statement
from graph_model.enums import Label, Rel

COUNT_NODES = statement(
    "count_nodes",
    " UNION ALL ".join(
        f"MATCH (n:{label.value}) RETURN '{label.value}' AS name, count(n) AS total" for label in Label
    ),
)

COUNT_RELS = statement(
    "count_rels",
    " UNION ALL ".join(
        f"MATCH ()-[r:{rel.value}]->() RETURN '{rel.value}' AS name, count(r) AS total" for rel in Rel
    ),
)


def _by_keys(label: Label) -> Statement:
    return statement(
        f"get_{label.value}_by_keys",
        f"""UNWIND $keys AS k
            MATCH (n:{label.value}) WHERE n.key = k
            RETURN properties(n) AS node""",
    )


BY_KEYS: dict[Label, Statement] = {label: _by_keys(label) for label in Label}


def _count(label: Label) -> Statement:
    return statement(f"count_{label.value}", f"MATCH (n:{label.value}) RETURN count(n) AS total")


COUNT: dict[Label, Statement] = {label: _count(label) for label in Label}
