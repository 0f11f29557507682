"""The graph libraries the metrics can run on, and the conversions into each.

networkx is the reference (pure Python, the tests compare everything with it); igraph (C, with
leidenalg for Leiden) and rustworkx (Rust) are the fast ones. A conversion is cached on the
``WeightedGraph`` (``graph.cache``), so asking several metrics of one projection converts it once.
Node ``i`` of every converted graph is ``graph.nodes[i]``; networkx nodes are the keys themselves,
added in that order. Edge attributes: ``weight`` (the similarity) and ``distance`` (``1 / weight``
rounded, see ``WeightedGraph.distances``: what shortest paths use). The libraries are imported on
first use, so importing ``graph_model`` stays cheap for code that never computes a metric.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from graph_model.networks.graph import WeightedGraph

if TYPE_CHECKING:
    import igraph
    import networkx
    import rustworkx


class Backend(str, Enum):
    NETWORKX = "networkx"  # reference: every answer is checked against it
    IGRAPH = "igraph"  # C core; Leiden through leidenalg
    RUSTWORKX = "rustworkx"  # Rust core; no constraint, no weighted or sampled betweenness, no communities


def to_networkx(graph: WeightedGraph) -> networkx.Graph:
    """An ``nx.Graph`` keyed by node key, edges with ``weight`` and ``distance``."""
    cached = graph.cache.get(Backend.NETWORKX.value)
    if cached is None:
        import networkx as nx

        cached = nx.Graph()
        cached.add_nodes_from(graph.nodes)
        nodes = graph.nodes
        cached.add_edges_from(
            (nodes[a], nodes[b], {"weight": w, "distance": d})
            for a, b, w, d in zip(graph.source.tolist(), graph.target.tolist(), graph.weight.tolist(),
                                  graph.distances().tolist(), strict=True))
        graph.cache[Backend.NETWORKX.value] = cached
    return cached


def to_igraph(graph: WeightedGraph) -> igraph.Graph:
    """An undirected ``igraph.Graph``, vertex ``i`` = ``graph.nodes[i]``."""
    cached = graph.cache.get(Backend.IGRAPH.value)
    if cached is None:
        import igraph as ig

        # A list of pairs is twice as fast for igraph to read as a numpy array or nested lists.
        cached = ig.Graph(n=graph.order, edges=list(zip(graph.source.tolist(), graph.target.tolist(), strict=True)))
        cached.es["weight"] = graph.weight.tolist()
        cached.es["distance"] = graph.distances().tolist()
        graph.cache[Backend.IGRAPH.value] = cached
    return cached


def to_rustworkx(graph: WeightedGraph) -> rustworkx.PyGraph:
    """A ``rx.PyGraph`` whose edge payloads are the weights, node ``i`` = ``graph.nodes[i]``."""
    cached = graph.cache.get(Backend.RUSTWORKX.value)
    if cached is None:
        import rustworkx as rx

        # multigraph=True skips the parallel-edge lookup per insert; the edges are already distinct.
        cached = rx.PyGraph(multigraph=True)
        cached.add_nodes_from(range(graph.order))
        cached.add_edges_from(list(zip(graph.source.tolist(), graph.target.tolist(), graph.weight.tolist(),
                                       strict=True)))
        graph.cache[Backend.RUSTWORKX.value] = cached
    return cached


def to_rustworkx_directed(graph: WeightedGraph) -> rustworkx.PyDiGraph:
    """Both directions of every edge as a ``rx.PyDiGraph`` (rustworkx's PageRank is directed only)."""
    key = Backend.RUSTWORKX.value + ":directed"
    cached = graph.cache.get(key)
    if cached is None:
        import rustworkx as rx

        cached = rx.PyDiGraph(multigraph=True)
        cached.add_nodes_from(range(graph.order))
        a, b, w = graph.source.tolist(), graph.target.tolist(), graph.weight.tolist()
        cached.add_edges_from(list(zip(a + b, b + a, w + w, strict=True)))
        graph.cache[key] = cached
    return cached
