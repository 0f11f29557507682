"""The lists' declarations (graph_model.list_types): their hashes, which the caches of their statements,
forms and rows are keyed by, kept once worked out and the same as the dataclasses' own."""

from __future__ import annotations

import dataclasses
from typing import Any

from graph_model.list_specs import NESTED, ROOTS
from graph_model.list_types import Entity, Filter, ListSpec, Sort


def _fields_hash(value: object) -> int:
    """What the dataclass's own ``__hash__`` gives: the hash of its compared fields, in order."""
    return hash(tuple(getattr(value, f.name) for f in dataclasses.fields(value)  # type: ignore[arg-type]
                      if (f.compare if f.hash is None else f.hash)))


def test_a_lists_hash_is_its_fields_hash_kept_and_equal_lists_hash_alike() -> None:
    specs = list(NESTED.values()) + list(ROOTS.values())
    parts: list[object] = []
    for spec in specs:
        parts += [spec, spec.entity, *spec.entity.filters, *spec.entity.sorts]
        parts += [s.public for s in spec.entity.sorts if s.public is not None]
    for value in parts:
        assert isinstance(value, (ListSpec, Entity, Filter, Sort))
        assert hash(value) == _fields_hash(value), value
        assert value.__dict__["_hash"] == hash(value)  # kept
        copy = dataclasses.replace(value)
        assert copy is not value and copy == value and hash(copy) == hash(value)
    # Lists that differ in one field are different keys.
    spec = specs[0]
    other = dataclasses.replace(spec, name=spec.name + "-other")
    assert other != spec and {spec: 1, other: 2}[other] == 2


def test_a_lists_sorts_and_filters_are_its_entitys_with_its_overrides() -> None:
    for spec in list(NESTED.values()) + list(ROOTS.values()):
        overrides = dict(spec.sort_overrides)
        assert [s.name for s in spec.sorts][:len(spec.entity.sorts)] == [s.name for s in spec.entity.sorts]
        assert all(s.expr == overrides.get(s.name, s.expr) for s in spec.sorts)
        assert spec.filters == tuple(f for f in spec.entity.filters if f.name not in spec.filters_off)
        assert spec.sorts is spec.sorts and spec.filters is spec.filters  # worked out once: the list is frozen


def test_a_request_but_a_change_is_what_replace_gives() -> None:
    """listing.Request.but: the same request as ``dataclasses.replace``, field by field, equal and hashing
    alike; an unknown name refused; the request changed from left as it was."""
    import pytest

    from graph_model.listing import Request

    asked = Request(filters=(("province", "IR-01"),), sort="NAME_FA", limit=40, props=("key", "nameFa"))
    changes: dict[str, Any] = {"filters": (("kind", ("CHARITY",)),), "sort": "DATE", "descending": True, "limit": 7,
               "after": ("x", "k"), "before": ("y", "j"), "backwards": True, "personal": True,
               "cursor_order": "o", "props": None, "counted": False}
    assert set(changes) == {f.name for f in dataclasses.fields(Request)}
    for name, value in changes.items():
        made, expected = asked.but(**{name: value}), dataclasses.replace(asked, **{name: value})
        assert made == expected and hash(made) == hash(expected) and getattr(made, name) == value, name
    assert asked.but(**changes) == dataclasses.replace(asked, **changes)
    assert asked == Request(filters=(("province", "IR-01"),), sort="NAME_FA", limit=40, props=("key", "nameFa"))
    with pytest.raises(TypeError, match="nope"):
        asked.but(nope=1)
