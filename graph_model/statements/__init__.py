"""Cypher statements grouped by what they serve; importing this package registers them all."""

from graph_model.statements import (  # noqa: F401
    api_keys,
    audit,
    coverage,
    importing,
    institution_of,
    loading,
    networks,
    networks_explore,
    networks_suggest,
    overview,
    persisted,
    privacy,
    provinces_of,
    reads,
    supervision,
    version,
    writes,
    writes_assessments,
    writes_licences,
    writes_relations,
)
