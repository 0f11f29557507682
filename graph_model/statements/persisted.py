"""Persisted queries: one ``:PersistedQuery`` bookkeeping node per operation text, keyed by the
sha256 (hex) of the text.

``registered`` tells operations registered by ``hub operations register`` (the only ones the
allow-list runs) from texts clients stored themselves through automatic persisted queries. As with
API keys, the writes return no rows on purpose: a store bumps the graph version only after a write
that returned rows, and a stored query text is not part of the graph the version describes.
"""

from __future__ import annotations

from graph_model.cypher import statement
from graph_model.enums import MetaLabel

_QUERY = MetaLabel.PERSISTED_QUERY.value
# The node's properties besides its key (Neo4j's linter is told of them).
PROPERTIES = ("text", "name", "registered", "createdAt")

_FIELDS = "q.key AS key, q.text AS text, q.name AS name, q.registered AS registered, q.createdAt AS createdAt"

PERSISTED_QUERY_BY_KEY = statement(
    "persisted_query_by_key",
    f"MATCH (q:{_QUERY}) WHERE q.key = $key RETURN {_FIELDS}",
)

PERSISTED_QUERIES_BY_KEYS = statement(
    "persisted_query_by_keys",
    f"UNWIND $keys AS k MATCH (q:{_QUERY}) WHERE q.key = k RETURN {_FIELDS}",
)

# Automatic persisted queries: keep a client's text unless it is there already, and only while
# fewer than $most unregistered texts are kept (a client cannot grow the store without bound).
REMEMBER_PERSISTED_QUERY = statement(
    "persisted_query_remember",
    f"""OPTIONAL MATCH (o:{_QUERY}) WHERE o.registered = false
        WITH count(o) AS kept WHERE kept < $most
        MERGE (q:{_QUERY} {{key: $key}})
        ON CREATE SET q.text = $text, q.name = $name, q.registered = false, q.createdAt = $createdAt""",
    write=True,
)

# `hub operations register`: an operation of the generated client, allowed in allow-list mode.
# A text a client had stored already (same hash, so the same text) becomes registered.
REGISTER_PERSISTED_QUERY = statement(
    "persisted_query_register",
    f"""MERGE (q:{_QUERY} {{key: $key}})
        ON CREATE SET q.text = $text, q.createdAt = $createdAt
        SET q.name = $name, q.registered = true""",
    write=True,
)
