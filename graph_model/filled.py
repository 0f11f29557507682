"""Dataclass objects made by filling their attributes, without a call of their constructors.

On a request's hottest paths (a page's edges, connections and pages, an institution's kept totals, a
gift's object: issue 18 in benchmarks/README.md) objects are made by ``object.__new__`` and their
``__dict__`` filled at once: a dataclass's constructor is a Python call, and a frozen one sets each field
through ``object.__setattr__``. The filling is written out where it happens (a helper would be one more
call per object); what each such place must fill is held here, at import, against the constructor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any


def check(cls: Any, names: Iterable[str], by: str, *, defaults: bool = True) -> None:
    """TypeError unless ``names`` are the fields ``cls``'s constructor takes (``by``: what fills them);
    ``defaults`` False: none of them may have a default either (the filling gives each a value)."""
    taken = [f for f in dataclasses.fields(cls) if f.init]
    if {f.name for f in taken} != set(names):
        raise TypeError(f"{cls.__name__}'s fields changed: {by} must fill what its constructor now takes")
    if not defaults and any(f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
                            for f in taken):
        raise TypeError(f"{cls.__name__}'s fields took defaults: {by} must fill what its constructor now gives")
