"""Store adapters behind one protocol: the embedded FalkorDB (default) and Neo4j."""

from graph_model.stores.base import GraphStore

__all__ = ["GraphStore"]
