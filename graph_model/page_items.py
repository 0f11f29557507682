"""A page's items, and the forms a nested list's first page sends them in (graph_model.listing).

A nested page's items come from the store as lists: ``[row, edge, sort value, id]`` each, or, on a
first page (no cursor), flat where the store's reply can be smaller:
- a first page of keys (a list of nodes under several parents, its nodes read once each afterwards):
  ``[sort value, id, edge values...]``, the edge's map rebuilt here from its entries (``edge_entries``);
- a first page of lone nodes holding some properties (``flat_rows``): ``[sort value, id, values...]``;
- any other first page: ``[row, edge, sort value, id]`` built by a list comprehension over the collected
  items (``picked``), not by unwinding the page and collecting it again (``UNWOUND``).
FalkorDB's compact reply spends a name and a ``[type, value]`` pair on every entry of a map, and the
decoder a call on every map and list: the flat forms take about a third off what the services of 100
institutions cost to read (benchmarks/README.md, issue 18, thirteenth). The statements are written by
``list_statements.compose`` and read by ``listing.fetch_nested``, both in the form ``first_form`` decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from graph_model.cypher import projected

if TYPE_CHECKING:
    from graph_model.list_types import ListSpec, Sort


class Item(NamedTuple):
    """An item of a page (a tuple: a page of 100 institutions with their services makes ~400, and a
    frozen dataclass took twice as long to make)."""

    row: dict[str, Any]
    edge: Any
    cursor: tuple[Any, str]  # (sort value, id)


# Items are made by ``tuple.__new__(Item, (row, edge, cursor))``: the named tuple's own ``__new__`` is a
# Python function, and a page of 100 institutions with their services makes ~400 items (~0.3 µs each
# saved).
_tuple = tuple.__new__


# A Cypher string (or quoted name), and a bare name (not a property after a dot, not a parameter).
_STRING = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`"
_NAME = r"(?<![\w.$])[A-Za-z_]\w*(?!\w)"
# Strings and the names that can be variables (not a function's name, a map's key or a label test's variable).
_STRING_OR_NAME = re.compile(rf"{_STRING}|{_NAME}(?!\s*[(:])")
# Strings and every bare name.
_ANY_NAME = re.compile(rf"{_STRING}|{_NAME}")
_WORDS = {"null", "true", "false", "and", "or", "not", "xor", "is", "in", "case", "when", "then", "else", "end",
          "starts", "ends", "with", "contains"}
_AGGREGATES = re.compile(r"\b(?:sum|count|collect|min|max|avg|stdev|stdevp|percentilecont|percentiledisc)\s*\(", re.I)


@lru_cache(maxsize=256)
def edge_entries(edge: str) -> tuple[tuple[str, str], ...] | None:
    """An edge expression's entries when it is ``null`` (none) or a map literal ``{name: expr, ...}``
    whose values hold no string or nested bracket that could hide a comma; None otherwise (the
    edge is then read whole, e.g. a variable holding a map of aggregates)."""
    if edge == "null":
        return ()
    if not (edge.startswith("{") and edge.endswith("}")) or re.search(r"['\"`{}\[\]]", edge[1:-1]):
        return None
    entries = []
    for piece in edge[1:-1].split(","):
        name, colon, expr = piece.partition(":")
        if not colon or not re.fullmatch(r"\s*[A-Za-z_]\w*\s*", name) or not expr.strip() \
                or expr.count("(") != expr.count(")"):
            return None
        entries.append((name.strip(), expr.strip()))
    return tuple(entries)


def edge_of(entries: tuple[tuple[str, str], ...] | None, values: list[Any]) -> Any:
    """The edge of a flat item (``compose``'s first page of keys) from the values after its sort value and id."""
    if entries is None:
        return values[0]
    if not entries:
        return None
    return dict(zip([name for name, _ in entries], values, strict=True))


@lru_cache(maxsize=1024)  # asked by every nested first page read (~10 us of regular expressions)
def item_alone(spec: ListSpec, sort: Sort, row: str) -> bool:
    """Whether a nested list's page can be built from its sorted nodes alone: ``n`` is all it carries,
    and its row, edge, sort value and id read nothing else (no aggregate, no other variable)."""
    if spec.carry != ("n",) or spec.aggregate or sort.optional_match:
        return False
    texts = (row, spec.edge, sort.expr, spec.id)
    if any(_AGGREGATES.search(t) for t in texts):
        return False
    names = {m.group() for t in texts for m in _STRING_OR_NAME.finditer(t) if m.group()[0] not in "'\"`"}
    return all(name == "n" or name.lower() in _WORDS for name in names)


@lru_cache(maxsize=1024)  # lists, sorts and projections are the schema's: bounded
def flat_rows(spec: ListSpec, sort: Sort, props: tuple[str, ...] | None) -> bool:
    """Whether a nested first page of lone nodes (``item_alone``) holding only ``props`` comes flat:
    each item [sort value, id, the properties' values...], with no edge."""
    return (props is not None and spec.parent is not None and spec.row == "properties(n)"
            and spec.edge == "null" and item_alone(spec, sort, projected("n", props)))


# The forms a nested first page's items come in (``first_form``).
KEYS = "keys"  # [sort value, id, edge values...]: a page of keys, its nodes read afterwards
ROWS = "rows"  # [sort value, id, the properties' values...]: lone nodes holding some properties
NODES = "nodes"  # [row, edge, sort value, id], built from the sorted lone nodes by a list comprehension
# [row, edge, sort value, id], built by a list comprehension over the collected items, each carried
# variable read as its place in an item (``picked``)
PICKED = "picked"
UNWOUND = "unwound"  # [row, edge, sort value, id], the page unwound and collected again (anything else)


def flat_relation(spec: ListSpec, form: str, single: bool, counted: bool) -> bool:
    """Whether a first page in ``form`` sends its rows flat, entry by entry (``ListSpec.flat``): under one
    parent, not counted, picked (its carried variables read as they are) and with no edge."""
    return bool(spec.flat) and form == PICKED and single and not counted and spec.edge == "null"


def flat_relation_items(page: list[list[Any]], flat: tuple[tuple[str, str, str], ...],
                        sources: tuple[int | str | None, ...], key: str) -> list[Item]:
    """A first page's items sent flat (``flat_relation``: [sort value, id, the values ``flat_sent`` sends...]
    each) under the parent ``key``, each row built again as the map ``flat`` names entry by entry, each
    entry's value read where ``sources`` says (``_flat_builder``)."""
    build = _flat_builder(flat, sources)
    return [_tuple(Item, (build(item, key), None, (item[0], item[1]))) for item in page]


OMITTED = -1  # ``flat_sent``'s source of an entry neither sent nor read: left out of the row


@lru_cache(maxsize=1024)  # lists, their sorts and the projections of their rows are the schema's: bounded
def flat_sent(spec: ListSpec, sort_expr: str, props: tuple[str, ...] | None = None
              ) -> tuple[tuple[str, ...], tuple[int | str | None, ...]]:
    """What a flat first page (``flat_relation``) sends of ``spec.flat``'s entries after each item's sort value
    and id, read by ``sort_expr``: the expressions sent, and where each entry's value is then read from: its
    place in the item (0: the sort value, 1: the id), None: the parent's key, which the page's row holds, a
    text: the parent's label, which the list's pattern names, or ``OMITTED``: an entry of the row's own
    properties (the ``props`` group) that ``props`` leaves out, absent from the row as a property the
    relationship lacks is (``Request.props``: what the selection reads; None: all). An entry that is the sort
    value's or the id's expression, or the parent's key or label, is not sent: one institution's 21 latest
    gifts by date sent 12 values each, 8 now, 6 when the selection reads neither `generated` nor `source`
    (benchmarks/README.md, issue 18)."""
    parent = spec.parent is not None and not spec.key_where  # the parent bound by its key (list_statements._body)
    parent_key = f"{spec.parent_var}.key" if parent else None
    parent_label = f"labels({spec.parent_var})[0]" if parent else None
    sent: list[str] = []
    sources: list[int | str | None] = []
    for group, name, expr in spec.flat:
        if group == "props" and props is not None and name not in props:
            sources.append(OMITTED)
        elif expr == sort_expr:
            sources.append(0)
        elif expr == spec.id:
            sources.append(1)
        elif expr == parent_key:
            sources.append(None)
        elif expr == parent_label and spec.parent is not None:  # the node the pattern's parent label matched
            sources.append(spec.parent.value)
        else:
            sources.append(2 + len(sent))
            sent.append(expr)
    return tuple(sent), tuple(sources)


@lru_cache(maxsize=256)  # a list's ``flat`` entries are the schema's: bounded
def _flat_builder(flat: tuple[tuple[str, str, str], ...], sources: tuple[int | str | None, ...]
                  ) -> Callable[[list[Any], str], dict[str, Any]]:
    """The row of a flat item ([sort value, id, the values sent...]) under the parent ``key``: its inner maps
    first, by their names in order, then its own entries, each map's entries in ``flat``'s order, each value
    read where ``sources`` says (``flat_sent``); written out as one map display (``{'props': {'key': item[1],
    ...}, 'donor': item[6], 'recipient': key, ...}``) and compiled once per list and sort, instead of placing
    each value in a Python loop: 16 against 40 us for one institution's 21 gifts, ten values each
    (benchmarks/README.md, issue 18). The names are the schema's (graph_model.list_specs), written as
    literals; the sources are numbers, the parameter ``key`` or texts, written as literals."""
    groups = sorted({group for group, _, _ in flat if group})

    def entries(group: str) -> list[str]:
        return [f"{name!r}: {_source(source)}" for (g, name, _), source in zip(flat, sources, strict=True)
                if g == group and source != OMITTED]

    shown = [f"{group!r}: {{{', '.join(entries(group))}}}" for group in groups] + entries("")
    build: Callable[[list[Any], str], dict[str, Any]] = _display("item, key", shown)
    return build


def _display(parameters: str, entries: list[str]) -> Callable[..., dict[str, Any]]:
    """``def build(<parameters>): return {<entries>}``, compiled: a flat row's map built in one display. The
    entries are the schema's names written as literals and places in the item (``_flat_builder``,
    ``_row_builder``)."""
    space: dict[str, Any] = {}
    exec(f"def build({parameters}):\n    return {{{', '.join(entries)}}}\n", space)  # noqa: S102  # see above
    build: Callable[..., dict[str, Any]] = space["build"]
    return build


def _source(source: int | str | None) -> str:
    """Where ``_flat_builder``'s display reads a value: the item's place, the parent's key, or a literal."""
    if source is None:
        return "key"
    return repr(source) if isinstance(source, str) else f"item[{int(source)}]"


def carried(spec: ListSpec) -> tuple[str, ...]:
    """The variables a nested list carries to its sort (``list_statements._body``): an aggregate's list carries its
    nodes and the aggregate's map."""
    return ("n", "e") if spec.aggregate else spec.carry


_PROJECTION = re.compile(r"(?<![\w.$])([A-Za-z_]\w*)\s*\{((?:\s*\.[A-Za-z_]\w*\s*,)*\s*\.[A-Za-z_]\w*\s*)\}")


@lru_cache(maxsize=1024)
def picked(carry: tuple[str, ...], row: str, edge: str) -> tuple[str, str] | None:
    """A nested first page's row and edge expressions read from its collected items (``[carried
    variables..., sort value, id]``, each named ``x`` in ``list_statements.compose``'s list comprehension): each
    carried variable as its place in the item, ``x[i]``, and a map projection of one (``n {.key, .nameEn}``,
    which needs a variable) as the map literal it stands for (a missing property is null in both). None
    when a carried variable is used any other way (a label test, a pattern), an aggregate is read, or the
    name ``x`` is taken: the page is then unwound instead (``UNWOUND``)."""
    texts = (row, edge)
    if any(_AGGREGATES.search(t) for t in texts) or "x" in carry:
        return None
    places = {v: f"x[{i}]" for i, v in enumerate(carry)}

    def literal(m: re.Match[str]) -> str:
        if m.group(1) not in places:
            return m.group(0)
        names = [p.strip()[1:] for p in m.group(2).split(",")]
        return "{" + ", ".join(f"{p}: {m.group(1)}.{p}" for p in names) + "}"

    def place(m: re.Match[str]) -> str:
        return places.get(m.group(), m.group())

    out = []
    for text in texts:
        if any(m.group() == "x" for m in _ANY_NAME.finditer(text)):
            return None
        text = _STRING_OR_NAME.sub(place, _PROJECTION.sub(literal, text))
        # Anything of a carried variable left (a label test ``n:Donor``, a projection of another form) refuses.
        if any(m.group() in places for m in _ANY_NAME.finditer(text)) or "{." in text.replace(" ", ""):
            return None
        out.append(text)
    return out[0], out[1]


@lru_cache(maxsize=1024)
def first_form(spec: ListSpec, sort: Sort, by_key: bool, props: tuple[str, ...] | None) -> str:
    """The form of a nested list's first page: what ``list_statements.compose`` writes and ``listing.fetch_nested``
    reads, decided here once for both. ``props``: the properties a row holds (None: all, or keys only)."""
    if by_key:
        return KEYS
    row = first_row(spec, props)
    if not item_alone(spec, sort, row):
        return PICKED if picked(carried(spec), row, spec.edge) is not None else UNWOUND
    return ROWS if flat_rows(spec, sort, props) else NODES


def first_row(spec: ListSpec, props: tuple[str, ...] | None) -> str:
    """What a row of a nested list holds: its own expression, or a projection of its nodes' ``props``."""
    return projected("n", props) if props is not None and spec.row == "properties(n)" else spec.row


def root_items(rows: list[dict[str, Any]]) -> list[Item]:
    """A root page's items (rows of ``row``, ``edge``, ``sv``, ``id``)."""
    return [_tuple(Item, (r["row"], r["edge"], (r["sv"], r["id"]))) for r in rows]


def nested_items(page: list[list[Any]], nodes: dict[str, dict[str, Any]] | None) -> list[Item]:
    """A nested page's items ([row, edge, sort value, id] each); ``nodes``: the rows by key, when
    the page holds keys only (a node deleted since is left out)."""
    if nodes is None:
        return [_tuple(Item, (row, edge, (sv, id_))) for row, edge, sv, id_ in page]
    return [_tuple(Item, (nodes[id_], edge, (sv, id_))) for _, edge, sv, id_ in page if id_ in nodes]


def flat_row_items(page: list[list[Any]], props: tuple[str, ...], sources: tuple[int, ...]) -> list[Item]:
    """A first page of lone nodes' items, flat ([sort value, id, the values ``row_sent`` sends...] each,
    ``flat_rows``), each property's value read from the place ``sources`` gives."""
    build = _row_builder(props, sources)
    return [_tuple(Item, (build(item), None, (item[0], item[1]))) for item in page]


@lru_cache(maxsize=1024)  # lists, sorts and projections are the schema's: bounded
def row_sent(sort_expr: str, id_expr: str, props: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """What a flat first page of lone nodes (``flat_rows``) sends of the properties ``props`` after each
    item's sort value (``sort_expr``) and id (``id_expr``): the expressions sent, and each property's place
    in the item. A property that is the sort value or the id (an institution's key) is not sent again: the
    100 institutions of a province's first page came with six values each, five now (benchmarks/README.md,
    issue 18)."""
    sent: list[str] = []
    sources: list[int] = []
    for prop in props:
        expr = f"n.{prop}"
        if expr in (sort_expr, id_expr):
            sources.append(0 if expr == sort_expr else 1)
        else:
            sources.append(2 + len(sent))
            sent.append(expr)
    return tuple(sent), tuple(sources)


@lru_cache(maxsize=1024)
def _row_builder(props: tuple[str, ...], sources: tuple[int, ...]) -> Callable[[list[Any]], dict[str, Any]]:
    """The row of a flat item of lone nodes: one map display (``{'countyKey': item[2], 'key': item[1], ...}``),
    compiled once per projection and sort; the names are the schema's properties, written as literals."""
    build: Callable[[list[Any]], dict[str, Any]] = _display(
        "item", [f"{prop!r}: item[{int(source)}]" for prop, source in zip(props, sources, strict=True)])
    return build


def flat_items(page: list[list[Any]], nodes: dict[str, dict[str, Any]],
               entries: tuple[tuple[str, str], ...] | None) -> list[Item]:
    """A first page of keys' items ([sort value, id, edge values...] each, ``compose``), the edge's
    map built from its ``entries`` (``edge_entries``); a node deleted since is left out."""
    if entries is not None and len(entries) == 1:  # the usual edge: one value (a service's capacity)
        name = entries[0][0]
        return [_tuple(Item, (nodes[item[1]], {name: item[2]}, (item[0], item[1]))) for item in page
                if item[1] in nodes]
    return [_tuple(Item, (nodes[item[1]], edge_of(entries, item[2:]), (item[0], item[1]))) for item in page
            if item[1] in nodes]
