"""Cypher statements grouped by what they serve; importing this package registers them all."""

from graph_model.statements import (  # noqa: F401
    coverage,
    loading,
    networks,
    networks_explore,
    networks_suggest,
    overview,
    provinces_of,
    reads,
    version,
    writes,
    writes_licences,
    writes_relations,
)
