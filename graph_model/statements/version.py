"""The graph version: one bookkeeping node counting the writes that changed the graph.

``epoch`` is set when the node is made (a cleared graph starts a new epoch, so a count that
starts again from 1 is never mistaken for an old one); ``version`` goes up by one per write, and
``coverage`` by one per write that may change what coverage is computed from, ``donations`` by one
per write that may change the donation figures (graph_model.coverage.inputs, graph_model.version),
``networks`` by one per write that may change what the network analyses read
(graph_model.networks.inputs).
Each bump names its write (``$write``, a fresh id): a retry of the same bump (the Neo4j driver
retries a transaction) counts it once.
"""

from __future__ import annotations

from graph_model.cypher import statement
from graph_model.enums import MetaLabel

_META = MetaLabel.HUB_META.value
# The bookkeeping node's properties besides its key (Neo4j's linter is told of them).
PROPERTIES = ("epoch", "version", "lastWrite", "coverage", "donations", "networks")

READ_VERSION = statement(
    "graph_version",
    f"""OPTIONAL MATCH (m:{_META}) WHERE m.key = $key
        RETURN m.epoch AS epoch, m.version AS version, coalesce(m.coverage, 0) AS coverage,
               coalesce(m.donations, 0) AS donations, coalesce(m.networks, 0) AS networks""",
)

BUMP_VERSION = statement(
    "graph_version_bump",
    f"""MERGE (m:{_META} {{key: $key}})
        ON CREATE SET m.epoch = timestamp(), m.version = 0
        SET m.version = CASE WHEN m.lastWrite = $write THEN m.version ELSE m.version + 1 END,
            m.coverage = CASE WHEN m.lastWrite = $write OR NOT $coverage THEN coalesce(m.coverage, 0)
                              ELSE coalesce(m.coverage, 0) + 1 END,
            m.donations = CASE WHEN m.lastWrite = $write OR NOT $donations THEN coalesce(m.donations, 0)
                               ELSE coalesce(m.donations, 0) + 1 END,
            m.networks = CASE WHEN m.lastWrite = $write OR NOT $networks THEN coalesce(m.networks, 0)
                              ELSE coalesce(m.networks, 0) + 1 END,
            m.lastWrite = $write
        RETURN m.epoch AS epoch, m.version AS version""",
    write=True,
)
