"""What an archive may hold: the labels, relationship types and properties of the model.

A restore takes names from here, never from a file: a file that names a label, type or property
outside this vocabulary is refused before anything is written (that is also what keeps a crafted
file from steering a statement). The schema version is a hash of this vocabulary, so an archive
made by a hub whose model had another shape is recognised as such.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from graph_model.enums import ENDPOINTS, Label, MetaLabel, Rel
from graph_model.model import MIRRORS, NODE_FIELDS, REL_FIELDS
from graph_model.statements import api_keys, audit, persisted
from graph_model.statements import donation_totals as totals_stmts
from graph_model.statements import version as version_stmts
from graph_model.statements.archive import META_LABELS, TOTALS

# Properties the writes derive from others: the name search's normalised text, and the mirrors
# of a single link's end key (graph_model.model.MIRRORS).
DERIVED = ("searchText",)

META_PROPERTIES: dict[MetaLabel, tuple[str, ...]] = {
    MetaLabel.API_KEY: api_keys.PROPERTIES,
    MetaLabel.AUDIT_ENTRY: audit.PROPERTIES,
    MetaLabel.PERSISTED_QUERY: persisted.PROPERTIES,
    TOTALS: totals_stmts.PROPERTIES,
}
VERSION_PROPERTIES: tuple[str, ...] = version_stmts.PROPERTIES

Entity = Label | MetaLabel


def node_properties(label: Entity) -> frozenset[str]:
    """Every property a node of ``label`` may hold besides its key."""
    if isinstance(label, MetaLabel):
        return frozenset(META_PROPERTIES[label])
    mirrors = {prop for rel, prop in MIRRORS.items() if ENDPOINTS[rel][0] is label}
    return frozenset({*NODE_FIELDS[label], *DERIVED, *mirrors})


def rel_properties(rel: Rel) -> frozenset[str]:
    return frozenset(REL_FIELDS[rel])


def labels(with_meta: bool) -> tuple[Entity, ...]:
    return (*Label, TOTALS, *META_LABELS) if with_meta else (*Label, TOTALS)


def entity_named(name: str) -> Entity | None:
    """The label a file names, or None when the model has no such (exportable) label."""
    for label in (*Label, TOTALS, *META_LABELS):
        if label.value == name:
            return label
    return None


def rel_named(name: str) -> Rel | None:
    return next((rel for rel in Rel if rel.value == name), None)


@cache
def schema_version() -> str:
    """A short hash of the model's shape: labels, types with their ends, properties with their types."""
    shape = {
        "nodes": {label.value: {name: f.type.__name__ for name, f in sorted(NODE_FIELDS[label].items())}
                  for label in Label},
        "rels": {rel.value: [ENDPOINTS[rel][0].value, ENDPOINTS[rel][1].value,
                             {name: f.type.__name__ for name, f in sorted(REL_FIELDS[rel].items())}] for rel in Rel},
        "meta": {label.value: sorted(props) for label, props in META_PROPERTIES.items()},
        "mirrors": {rel.value: prop for rel, prop in MIRRORS.items()},
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]
