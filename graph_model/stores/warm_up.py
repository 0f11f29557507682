"""The reads a FalkorDB server just started gets before anything else: one traversal of each relationship
type from each end, in every graph it holds, sent one after another on one connection.

Why: every crash of the embedded server recorded in benchmarks/README.md (issues 15 and 18) came within
seconds of a start, in a read's traversal on one of FalkorDB's worker threads, two copies of the same read in
GraphBLAS's ``GB_mxm`` under ``Delta_mxm`` at once. benchmarks/start_race.py starts the server on a copy of
`national` and sends traversals from 24 connections as soon as it answers: 6 of 48 starts that replayed 17 MB
of writes crashed, at the first reads. With the same reads sent once from one connection first, none of 24
did; with these reads first, none of 48, nor of 48 more replaying 20,000 gifts written to the copy, which
without them crashed 4 of 24 (benchmarks/README.md, issue 18, twenty-sixth and twenty-seventh sections). So
the first multiplication by a relationship's matrix after a start does something once (a structure of the
matrix built lazily, it seems) that two threads doing it at once corrupt; done alone first, it is safe.

These reads do that for every relationship type the hub knows (``graph_model.enums.ENDPOINTS``), from its
start label and from its end label, each from one node of that label (its first), into the label at the
other end, as the hub's statements traverse them, collecting the relationships themselves (another crash
was in reading them: ``TensorIterator_ScanEntry``); and one untyped traversal each way. On `national` they
take 0.05-0.1 s in all, on `demo` about 20 ms. Whoever starts the embedded server sends them before any
request can reach it (graph_model.stores.embedded.EmbeddedServer.start, which serves the hub's start and the
supervisor's restart).
"""

from __future__ import annotations

import redis

from graph_model.cypher import Statement, statement
from graph_model.enums import ENDPOINTS


def _reads() -> tuple[Statement, ...]:
    """Two reads per relationship type, from each end, and the two untyped ones (see the module). FalkorDB's
    alone: the Neo4j adapter never starts a server."""
    reads = []
    for rel, (start, end) in ENDPOINTS.items():
        reads.append(statement(
            f"warm_up_from_start_{rel.name.lower()}",
            f"MATCH (a:{start.value}) WITH a LIMIT 1 MATCH (a)-[r:{rel.value}]->(b:{end.value}) RETURN count(r) AS n",
            dialect="falkordb"))
        reads.append(statement(
            f"warm_up_from_end_{rel.name.lower()}",
            f"MATCH (b:{end.value}) WITH b LIMIT 1 MATCH (b)<-[r:{rel.value}]-(a:{start.value}) RETURN count(r) AS n",
            dialect="falkordb"))
    reads.append(statement("warm_up_untyped_out", "MATCH (a) WITH a LIMIT 1 MATCH (a)-[r]->(b) RETURN count(r) AS n",
                           dialect="falkordb"))
    reads.append(statement("warm_up_untyped_in", "MATCH (a) WITH a LIMIT 1 MATCH (a)<-[r]-(b) RETURN count(r) AS n",
                           dialect="falkordb"))
    return tuple(reads)


READS = _reads()


def warm_up(client: redis.Redis) -> int:
    """Send ``READS`` to every graph the server behind ``client`` holds, one after another; the number of
    reads sent. A graph without some of the labels costs a label scan that finds nothing."""
    sent = 0
    for graph in client.execute_command("GRAPH.LIST"):
        for read in READS:
            client.execute_command("GRAPH.RO_QUERY", graph, read.text, "--compact")
            sent += 1
    return sent
