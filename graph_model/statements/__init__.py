"""Cypher statements grouped by what they serve; importing this package registers them all."""

from graph_model.statements import loading, overview, reads, writes, writes_licences, writes_relations  # noqa: F401
