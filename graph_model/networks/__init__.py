"""Collaboration networks: the pure computing core (no store, no GraphQL).

The caller reads a scope's rows with one Cypher statement (giving per donor–institution pair,
council seats, partnerships) and hands them over as the dataclasses below; everything here is
deterministic for the same rows and seed, so the results can be cached per scope and graph version.

- ``projections``: institution–institution and donor–donor graphs from the bipartite giving
  graph (Newman's collaboration weighting or Jaccard), plus council and partnership layers, with
  each edge explainable (``Projection.link``).
- ``metrics``: degree, strength, betweenness (exact or sampled), PageRank, eigenvector centrality
  and Burt's constraint as ``Ranking``s, on networkx (reference), igraph or rustworkx.
- ``communities``: Louvain and Leiden partitions, described by services and main donors.
- ``overlap``: shared donors of an institution or a pair; institutions with no ties.
"""

from __future__ import annotations

from graph_model.networks.backends import Backend
from graph_model.networks.communities import (
    Algorithm, Community, DonorShare, Partition, ServiceCount, describe, leiden, louvain, modularity)
from graph_model.networks.graph import Edge, WeightedGraph
from graph_model.networks.metrics import (
    FASTEST, Metric, Ranked, Ranking, betweenness, constraint, degree, eigenvector, pagerank, rank, strength)
from graph_model.networks.overlap import (
    DonorOverlap, GivingIndex, OverlapOrder, donor_overlap, isolated_institutions, shared_donors)
from graph_model.networks.projections import (
    GivingEdge, Membership, Partnership, ProjectedEdge, Projection, Side, Weighting, project_donors,
    project_institutions)

__all__ = [
    "FASTEST", "Algorithm", "Backend", "Community", "DonorOverlap", "DonorShare", "Edge", "GivingEdge",
    "GivingIndex", "Membership", "Metric", "OverlapOrder", "Partition", "Partnership", "ProjectedEdge",
    "Projection", "Ranked", "Ranking", "ServiceCount", "Side", "WeightedGraph", "Weighting", "betweenness",
    "constraint", "degree", "describe", "donor_overlap", "eigenvector", "isolated_institutions", "leiden",
    "louvain", "modularity", "pagerank", "project_donors", "project_institutions", "rank", "shared_donors",
    "strength",
]
