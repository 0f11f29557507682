"""Statements of `hub export`, `hub restore` and `hub backup` (graph_model.archive).

Every label and relationship type here comes from the enums, one statement per member: a restore
never builds Cypher from a file's text, so a file can only name what the model already knows.

Pages are keyset pages (``key > $after ORDER BY key LIMIT``): each page is an index seek on the
unique key, in both stores, and never holds more than one page in memory. Relationships are paged
by their start node's key, so a page holds every relationship of ``$limit`` start nodes.
"""

from __future__ import annotations

from graph_model.cypher import Statement, statement
from graph_model.enums import ENDPOINTS, Label, MetaLabel, Rel

# The hub's own records a `--with-meta` export carries. HubMeta (the graph version) travels in the
# manifest. DonationTotal cells always travel: read from the same point-in-time copy as the gifts, they
# agree with them, and a restore that takes them need not rebuild them (graph_model.archive.restore).
META_LABELS: tuple[MetaLabel, ...] = (MetaLabel.API_KEY, MetaLabel.AUDIT_ENTRY, MetaLabel.PERSISTED_QUERY)
TOTALS = MetaLabel.DONATION_TOTAL


def _node_page(label: Label | MetaLabel) -> Statement:
    return statement(
        f"archive_nodes_{label.value}",
        f"""MATCH (n:{label.value}) WHERE n.key > $after
            RETURN n.key AS key, properties(n) AS props
            ORDER BY key LIMIT $limit""",
    )


def _rel_page(rel: Rel) -> Statement:
    start, end = ENDPOINTS[rel]
    # The start key comes back for a start node without any such relationship too (end is null),
    # so that the next page starts after it.
    return statement(
        f"archive_rels_{rel.value}",
        f"""MATCH (a:{start.value}) WHERE a.key > $after
            WITH a ORDER BY a.key LIMIT $limit
            OPTIONAL MATCH (a)-[r:{rel.value}]->(b:{end.value})
            RETURN a.key AS start, b.key AS end, CASE WHEN r IS NULL THEN NULL ELSE properties(r) END AS props""",
    )


NODE_PAGE: dict[Label | MetaLabel, Statement] = {label: _node_page(label) for label in (*Label, TOTALS, *META_LABELS)}
REL_PAGE: dict[Rel, Statement] = {rel: _rel_page(rel) for rel in Rel}

# A restore goes into an empty store only: any node at all (the hub's own records included) refuses it.
ANY_NODE = statement("archive_any_node", "MATCH (n) RETURN count(n) AS total")


def _restore_meta(label: MetaLabel) -> Statement:
    return statement(
        f"archive_restore_{label.value}",
        f"""UNWIND $rows AS row
            MERGE (n:{label.value} {{key: row.key}})
            SET n += row.props
            RETURN count(n) AS written""",
        write=True,
    )


# The audit log is append-only (tests/test_audit.py: no statement but audit_entry_create writes an
# entry, none SETs one): a restore writes its entries one by one with that statement
# (graph_model.archive.restore), so it has no batch statement of its own.
RESTORE_META: dict[MetaLabel, Statement] = {label: _restore_meta(label) for label in (TOTALS, *META_LABELS)
                                            if label is not MetaLabel.AUDIT_ENTRY}

# The graph version of the manifest, written last. It returns no row on purpose: the adapters bump
# the version after a write that returned rows (graph_model.version), and this one must leave the
# version exactly as the manifest says.
SET_VERSION = statement(
    "archive_set_version",
    f"""MERGE (m:{MetaLabel.HUB_META.value} {{key: $key}})
        SET m += $props""",
    write=True,
)
