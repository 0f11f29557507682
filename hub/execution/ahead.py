"""A prepared query's first reads sent to the store as the request arrives, not once its resolvers ask.

The first statement of a request used to leave only after the view, the context, the resolver, the
prefetch's walk and the loaders' dispatch had run (0.57 ms of one institution's request, in process:
benchmarks/README.md, issue 18, thirty-first section), and the store started on it only then. What a
request's first statement reads depends on the query's text, the caller's rights and the variables. So the
first request of a query text and rights records the reads its first statement joins (graph_model.stores.fused),
when that statement is the first the store is sent since the request began (one after another statement may
read what that one found) and every variable the query declares is given a string: each parameter equal to
one of them, or holding one of ``AROUND`` characters or more once (an institution's kept cell holds its key),
recorded as that variable (``Wave``). A later request of the same text and rights, given strings for the same
variables, sends those reads with its own before anything else runs, and each read its loaders then make is
answered by the read sent ahead that is the same statement with the same parameters (``FusedReads.take``),
else made as before; a read that failed ahead is made again. Nothing is remembered but which statements to
send: every request reads the store afresh, and what it is shown is decided by the same code as before, from
the same rows.

Once those reads are answered, an object asked by key (hub.schema.fields.by_key) is completed without the
prefetch: each load its fields make is run at once from the reads sent ahead (graph_model.stores.fused,
``FusedReads.at_once``: the loader's batch function for the one key, with no batch, task or turn of the event
loop), and a load making any other read goes to its loader's batch as before. One institution's request ran
13 turns of the event loop and 46 callbacks; it runs 4 and 6 (benchmarks/README.md, issue 18, thirty-second).

A request some of whose reads sent ahead are not asked for (a search text is folded before the places it
names are sought) drops the record, and the query text and rights are not recorded again: a store read is
wasted at most once per query text and rights (``Waves``, as many as the prepared texts). A query given
anything but strings (a page size, an input object, a null) is not recorded at all. A parameter list of more
than ``graph_model.stores.fused.SMALL`` items is never fused, so never recorded. ``Settings.ahead``
(HUB_AHEAD=0) turns it off; tests/test_ahead.py holds the answers and the statements' count equal.
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
    names: frozenset[str] = frozenset()  # the variables the recorded request gave (strings all)


UNPREDICTABLE = Wave(())  # a query text and rights whose reads sent ahead were not all asked for


def all_strings(variables: dict[str, Any]) -> bool:
    """Whether a request's variables can be recorded and put back: strings only (a page size, an input object
    or a null may change which reads are made, not only their parameters)."""
    return all(type(value) is str for value in variables.values())


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

    return Wave(tuple((stmt, {key: template(value) for key, value in params.items()}) for stmt, params in reads),
                frozenset(variables))


def reads_of(wave: Wave, variables: dict[str, Any]) -> list[tuple[Statement, dict[str, Any]]] | None:
    """The reads ``wave`` records, with this request's variables; None unless they are strings, the same
    variables as the recorded request's (one given here but not there may change what is read)."""
    if variables.keys() != wave.names or not all_strings(variables):
        return None
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
