"""Key-valued list filters (``province``, ``county``, ``service``, ``targetGroup``, ``licenceType``):
a value that is no key is NOT_FOUND naming the argument (``filter.province``), as everywhere else
the API takes a key (networks, coverage, exports, mutations), not an empty list that reads as an
answer ("no institutions in IR-99").

Which filters take keys is declared once, on the filter (``Filter.key_of`` in
``graph_model.list_specs``), so a new key filter is checked without more code.

Cost: checked only when a list comes back empty. A page holding an item proves every key filter
of its list matched a node (each joins the item to the node with that key), so a list that
answers costs nothing more; an empty one costs one statement for all the keys in question
(the API's DataLoader batches those of every list of a request into it). The same statement
finds what an unknown value may have meant, for the message: the key in another case or in
Persian digits, or a node whose name contains it ("Khuzestan" -> IR-06). A name is suggested,
not taken in place of the key: a key always means the same node, while a name that is unique
today (a county's) may not be tomorrow, and a filter whose meaning depends on the data is the
kind of silent surprise this module exists to end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graph_model.enums import Label
from graph_model.errors import FieldError, NotFound
from graph_model.list_specs import ENTITIES
from graph_model.listing import Request
from graph_model.statements.reads import FILTER_KEY_LABELS, KEYS_OR_NAMES, key_param
from graph_model.stores.base import GraphStore
from graph_model.text import normalise


def _keyed() -> dict[str, Label]:
    found: dict[str, Label] = {}
    for entity in ENTITIES.values():
        for f in entity.filters:
            if f.key_of is None:
                continue
            if found.setdefault(f.name, f.key_of) is not f.key_of:
                raise ValueError(f"filter {f.name!r} takes keys of {found[f.name].value} and of {f.key_of.value}")
            if f.key_of not in FILTER_KEY_LABELS:
                raise ValueError(f"filter {f.name!r}: {f.key_of.value} is not in FILTER_KEY_LABELS")
    return found


KEYED: dict[str, Label] = _keyed()  # filter name -> the label its value is a key of
WORDS = {Label.PROVINCE: "province", Label.COUNTY: "county", Label.SERVICE: "service",
         Label.TARGET_GROUP: "target group", Label.LICENCE_TYPE: "licence type"}
SHOWN = 5  # candidates named in a message


@dataclass(frozen=True)
class Candidate:
    """A node an unknown value may have meant."""

    key: str
    name_en: str | None
    name_fa: str | None

    def __str__(self) -> str:
        names = " / ".join(n for n in (self.name_en, self.name_fa) if n)
        return f"{self.key!r} ({names})" if names else repr(self.key)


Wanted = tuple[str, str]  # (filter name, value)


def keyed(req: Request) -> list[Wanted]:
    """The key-valued filters a list request uses."""
    return [(name, value) for name, value in req.filters if name in KEYED and isinstance(value, str)]


async def unknown(store: GraphStore, wanted: Iterable[Wanted]) -> dict[Wanted, tuple[Candidate, ...] | None]:
    """For each (filter, value): None when a node of the filter's label has that key, else what it
    may have meant (possibly nothing). One statement for any number of values."""
    wanted = list(dict.fromkeys(wanted))
    params: dict[str, list[dict[str, Any]]] = {key_param(label): [] for label in FILTER_KEY_LABELS}
    for name, value in wanted:
        # An empty folded text would be contained in every name: no suggestion then.
        params[key_param(KEYED[name])].append({"key": value, "text": normalise(value) or None})
    for label, values in params.items():  # the same value given to two lists: ask once
        params[label] = list({v["key"]: v for v in values}.values())
    rows = await store.read(KEYS_OR_NAMES, **params)
    by_value: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        by_value.setdefault((row["label"], row["value"]), []).append(row)
    out: dict[Wanted, tuple[Candidate, ...] | None] = {}
    for name, value in wanted:
        found = by_value.get((KEYED[name].value, value), [])
        if any(r["key"] == value for r in found):
            out[name, value] = None
        else:
            out[name, value] = _ranked(value, found)
    return out


def _ranked(value: str, rows: list[dict[str, Any]]) -> tuple[Candidate, ...]:
    """Candidates, likeliest first: the key in another spelling, then an exact name, then the rest."""
    text = normalise(value)

    def rank(row: dict[str, Any]) -> tuple[int, str]:
        if normalise(row["key"]) == text:
            return 0, row["key"]
        names = {normalise(n) for n in (row["nameEn"], row["nameFa"]) if n}
        return (1 if text in names else 2), row["key"]

    unique = {r["key"]: r for r in rows}.values()
    return tuple(Candidate(r["key"], r["nameEn"], r["nameFa"]) for r in sorted(unique, key=rank))


def message(name: str, value: str, candidates: tuple[Candidate, ...]) -> str:
    said = f"no {WORDS[KEYED[name]]} has the key {value!r}"
    if not candidates:
        return said
    shown = [str(c) for c in candidates[:SHOWN]]
    more = len(candidates) - SHOWN
    if more > 0:
        options = f"one of {', '.join(shown)} or {more} more"
    elif len(shown) == 1:
        options = shown[0]
    else:
        options = f"{', '.join(shown[:-1])} or {shown[-1]}"
    return f"{said}; did you mean {options}?"


def not_found(missing: Mapping[Wanted, tuple[Candidate, ...]], path: str | None = "filter") -> NotFound:
    """The error for unknown key filters, one field error each (``filter.province``; ``province``
    with no path, for a plain parameter)."""
    errors = [FieldError(f"{path}.{name}" if path else name, message(name, value, candidates))
              for (name, value), candidates in missing.items()]
    return NotFound("; ".join(f"{e.field}: {e.message}" for e in errors), errors)


async def check(store: GraphStore, wanted: Iterable[Wanted], path: str | None = "filter") -> None:
    """Raise NotFound when a value is no key (one statement; none when nothing is wanted)."""
    wanted = list(wanted)
    if not wanted:
        return
    found = await unknown(store, wanted)
    missing = {w: c for w, c in found.items() if c is not None}
    if missing:
        raise not_found(missing, path)
