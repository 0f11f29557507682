"""Dataclass objects made by filling their attributes, without a call of their constructors.

On a request's hottest paths (a page's edges, connections and pages, an institution's kept totals, a
gift's object: issue 18 in benchmarks/README.md) objects are made by ``new`` (``object.__new__``) and
their ``__dict__`` filled at once: a dataclass's constructor is a Python call, and a frozen one sets each
field through ``object.__setattr__``. The filling is written out where it happens (a helper would be one
more call per object); what each such place must fill is held here, at import, against the constructor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

new = object.__new__  # an object of a class, its constructor not called (its ``__dict__`` then filled)


def check(cls: Any, names: Iterable[str], by: str, *, defaults: bool = True, left_out: Iterable[str] = ()) -> None:
    """TypeError unless ``names`` and ``left_out`` are the fields ``cls``'s constructor takes (``by``:
    what fills them). ``left_out``: fields the filling leaves to their defaults, which the class must
    then hold as its attributes (what reading one off the object gives); ``defaults`` False: no field
    may have a default (the filling gives each a value)."""
    taken = [f for f in dataclasses.fields(cls) if f.init]
    left_out = set(left_out)
    if {f.name for f in taken} != set(names) | left_out:
        raise TypeError(f"{cls.__name__}'s fields changed: {by} must fill what its constructor now takes")
    if not defaults and any(f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
                            for f in taken):
        raise TypeError(f"{cls.__name__}'s fields took defaults: {by} must fill what its constructor now gives")
    if any(f.name in left_out and (f.default is dataclasses.MISSING or vars(cls).get(f.name, _ABSENT) != f.default)
           for f in taken):
        raise TypeError(f"{cls.__name__}'s fields that {by} leaves out must have their defaults as class attributes")


_ABSENT = object()
