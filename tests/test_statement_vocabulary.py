"""Every label and relationship type a registered statement names is a member of the enums in
graph_model.enums (``Label``, ``MetaLabel``, ``Rel``): generated statements take them from the enums,
hand-written ones spell them out, and this test keeps the spelling honest (a typo such as
``(c:Conty)`` matches nothing on either database and fails no linter)."""

from __future__ import annotations

import re

from graph_model.cypher import all_statements
from graph_model.enums import Label, MetaLabel, Rel

KNOWN_LABELS = {m.value for m in Label} | {m.value for m in MetaLabel}
KNOWN_TYPES = {m.value for m in Rel}
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
# A label or type right after a colon with no space: `(c:County)`, `(:County)`, `[r:HOLDS]`,
# `[:A|B]`, `[:A|:B*1..3]`, `WHERE n:Donor` (map entries are written `key: value`).
_NAMED = re.compile(r"(?<![\w$]):([A-Za-z_]\w*)|(?<=[\w)]):([A-Za-z_]\w*)")
_REL = re.compile(r"\[\s*\w*\s*:\s*([A-Za-z_][\w|:]*)")


def vocabulary(text: str) -> tuple[set[str], set[str]]:
    """(labels, relationship types) named in a Cypher text (string literals left out)."""
    text = _STRING.sub("''", text)
    types = {name for found in _REL.findall(text) for name in re.split(r"[|:]", found) if name}
    named = {a or b for a, b in _NAMED.findall(text)}
    return named - types, types


def test_the_parser_finds_what_is_named() -> None:
    labels, types = vocabulary("MATCH (c:County)<-[:LOCATED_IN|OFFERS]-(i) WHERE i:Institution AND "
                               "x = 'a:Fake' MERGE (m:HubMeta {key: $key})-[r:NEEDS*1..2]->(:Conty)")
    assert labels == {"County", "Institution", "HubMeta", "Conty"}
    assert types == {"LOCATED_IN", "OFFERS", "NEEDS"}


def test_every_statement_names_only_enum_members() -> None:
    unknown = []
    for stmt in all_statements():
        labels, types = vocabulary(stmt.text)
        unknown += [(stmt.name, "label", name) for name in sorted(labels - KNOWN_LABELS)]
        unknown += [(stmt.name, "type", name) for name in sorted(types - KNOWN_TYPES)]
    assert not unknown, unknown
