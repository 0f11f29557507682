"""A profile's data as plain rows, ready for the loader.

Node rows are ``{"key": str, "props": {...}}``; relationship rows are
``{"start": key, "end": key, "props": {...}}``. Property names and types are those of
``graph_model.model``; every generated row carries ``generated: True`` and a ``source``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph_model.enums import ENDPOINTS, Label, Rel

Row = dict[str, Any]

# The order nodes are written in, so relationships always find both ends.
NODE_ORDER: tuple[Label, ...] = tuple(Label)
REL_ORDER: tuple[Rel, ...] = tuple(Rel)


@dataclass
class Dataset:
    name: str
    nodes: dict[Label, list[Row]] = field(default_factory=dict)
    rels: dict[Rel, list[Row]] = field(default_factory=dict)

    def node(self, label: Label, key: str, **props: Any) -> str:
        self.nodes.setdefault(label, []).append({"key": key, "props": props})
        return key

    def rel(self, rel: Rel, start: str, end: str, **props: Any) -> None:
        self.rels.setdefault(rel, []).append({"start": start, "end": end, "props": props})

    def extend_nodes(self, label: Label, rows: Iterable[Row]) -> None:
        self.nodes.setdefault(label, []).extend(rows)

    def counts(self) -> dict[str, int]:
        out = {label.value: len(self.nodes.get(label, [])) for label in NODE_ORDER}
        out.update({rel.value: len(self.rels.get(rel, [])) for rel in REL_ORDER})
        return out

    def total_rows(self) -> int:
        return sum(len(v) for v in self.nodes.values()) + sum(len(v) for v in self.rels.values())

    def endpoints(self, rel: Rel) -> tuple[Label, Label]:
        return ENDPOINTS[rel]
