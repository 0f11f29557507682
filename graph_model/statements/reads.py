"""Reads behind the status command and the first GraphQL fields."""

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


def _page(label: Label) -> Statement:
    # Keyset pagination on the unique key (after = "" for the first page): stable under
    # concurrent writes, and a range seek on the key index in both stores.
    return statement(
        f"page_{label.value}",
        f"""MATCH (n:{label.value})
            WHERE n.key > $after
            RETURN properties(n) AS node
            ORDER BY n.key
            LIMIT $limit""",
    )


def _by_keys(label: Label) -> Statement:
    return statement(
        f"get_{label.value}_by_keys",
        f"""UNWIND $keys AS k
            MATCH (n:{label.value}) WHERE n.key = k
            RETURN properties(n) AS node""",
    )


PAGE: dict[Label, Statement] = {label: _page(label) for label in Label}
BY_KEYS: dict[Label, Statement] = {label: _by_keys(label) for label in Label}

COUNTIES_OF_PROVINCE = statement(
    "counties_of_province",
    """MATCH (n:County)-[:IN_PROVINCE]->(p:Province)
       WHERE p.key = $province AND n.key > $after
       RETURN properties(n) AS node
       ORDER BY n.key
       LIMIT $limit""",
)

COUNT_COUNTIES_OF_PROVINCE = statement(
    "count_counties_of_province",
    """MATCH (n:County)-[:IN_PROVINCE]->(p:Province) WHERE p.key = $province
       RETURN count(n) AS total""",
)

INSTITUTIONS_OF_PROVINCE = statement(
    "institutions_of_province",
    """MATCH (n:Institution)-[:LOCATED_IN]->(:County)-[:IN_PROVINCE]->(p:Province)
       WHERE p.key = $province AND n.key > $after
       RETURN properties(n) AS node
       ORDER BY n.key
       LIMIT $limit""",
)

COUNT_INSTITUTIONS_OF_PROVINCE = statement(
    "count_institutions_of_province",
    """MATCH (n:Institution)-[:LOCATED_IN]->(:County)-[:IN_PROVINCE]->(p:Province)
       WHERE p.key = $province
       RETURN count(n) AS total""",
)

COUNTY_OF_INSTITUTIONS = statement(
    "county_of_institutions",
    """UNWIND $keys AS k
       MATCH (i:Institution)-[:LOCATED_IN]->(c:County) WHERE i.key = k
       RETURN k AS key, properties(c) AS node""",
)


def _count(label: Label) -> Statement:
    return statement(f"count_{label.value}", f"MATCH (n:{label.value}) RETURN count(n) AS total")


COUNT: dict[Label, Statement] = {label: _count(label) for label in Label}
