"""A prepared query's first reads sent to the store as the request arrives, not once its resolvers ask.

The first statement of a request used to leave only after the view, the context, the resolver, the
prefetch's walk and the loaders' dispatch had run (some 0.7 ms of one institution's 1.6 ms of Python,
benchmarks/README.md, issue 18), and the store started on it only then. The reads a kept query makes
first (those joined in its first statement, graph_model.stores.fused) depend on its text, on the caller's
rights and on its variables. So the first request of a query text and rights records them (``Wave``), its
variables' strings standing in for where they occur; a later request of the same text and rights sends
the same reads with its own variables before anything else runs, and each read its loaders then make is
answered by the one sent ahead that is the same statement with the same parameters
(``FusedReads.take``), else made as before. Nothing is remembered but which statements to send: every
request reads the store afresh, and what it is shown is decided by the same code as before, from the
same rows.

A request whose reads sent ahead are not all asked for (its reads depend on its variables otherwise, say a
page size, or on what an earlier statement found) drops the record, and the query text and rights are not
recorded again: a store read is wasted at most once per query text and rights (``Waves``, as many as the
prepared texts). Only variables' strings are put back: where a parameter equals one (a key, a list of keys),
or holds one of ``AROUND`` characters or more once (an institution's kept cell, its key within). A parameter
list of more than ``graph_model.stores.fused.SMALL`` items is never fused, so never recorded.
``Settings.ahead`` (HUB_AHEAD=0) turns it off; tests/test_ahead.py holds the answers equal.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from graph_model.cypher import Statement
from hub.execution.recent import Recent

SIZE = 512  # records per app, as many as the prepared texts (hub.http.prepared.CACHE_SIZE)


@dataclass(frozen=True, slots=True)
class Variable:
    """Where a request's variable (a string) goes in a recorded read's parameters."""

    name: str


@dataclass(frozen=True, slots=True)
class Within:
    """A string made of a variable's string with text around it (an institution's kept cell: its key in it)."""

    before: str
    name: str
    after: str


AROUND = 4  # a variable's string this long or longer is looked for within parameters, once


@dataclass(frozen=True, slots=True)
class Wave:
    """The reads a query's first statement joined, their variables' strings replaced by ``Variable``."""

    reads: tuple[tuple[Statement, dict[str, Any]], ...]


UNPREDICTABLE = Wave(())  # a query text and rights whose reads sent ahead were not all asked for


def recorded(reads: list[tuple[Statement, dict[str, Any]]], variables: dict[str, Any]) -> Wave:
    """``reads`` with each parameter (or list item) equal to one of ``variables``' strings replaced by it
    (the first by name when two are equal)."""
    strings: dict[str, str] = {}
    for name in sorted(variables):
        value = variables[name]
        if type(value) is str:
            strings.setdefault(value, name)

    longer = [(value, name) for value, name in strings.items() if len(value) >= AROUND]

    def template(value: Any) -> Any:
        kind = type(value)
        if kind is str:
            name = strings.get(value)
            if name is not None:
                return Variable(name)
            for string, name in longer:
                if value.count(string) == 1:
                    before, _, after = value.partition(string)
                    return Within(before, name, after)
            return value
        if kind is list:
            return [template(item) for item in value]
        if kind is dict:
            return {key: template(item) for key, item in value.items()}
        return value

    return Wave(tuple((stmt, {key: template(value) for key, value in params.items()}) for stmt, params in reads))


def reads_of(wave: Wave, variables: dict[str, Any]) -> list[tuple[Statement, dict[str, Any]]] | None:
    """The reads ``wave`` records, with this request's variables; None when one it needs is not a string."""
    missing = False

    def filled(value: Any) -> Any:
        nonlocal missing
        kind = type(value)
        if kind is Variable or kind is Within:
            given = variables.get(value.name)
            if type(given) is not str:
                missing = True
                return None
            return given if kind is Variable else f"{value.before}{given}{value.after}"
        if kind is list:
            return [filled(item) for item in value]
        if kind is dict:
            return {key: filled(item) for key, item in value.items()}
        return value

    reads = [(stmt, {key: filled(value) for key, value in params.items()}) for stmt, params in wave.reads]
    return None if missing else reads


class Waves(Recent[Wave]):
    """The records of one app, by (query text, operation name, the caller's rights)."""

    def __init__(self, size: int = SIZE) -> None:
        super().__init__(size)


def rights(principal: Any) -> Hashable:
    """What of the caller the reads can depend on: its role, provinces and institution."""
    return principal.role, principal.provinces, principal.institution
