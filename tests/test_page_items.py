"""graph_model.page_items.flat_relation_items: a flat item's row, built by a map display compiled once per
list, holds each of the list's ``flat`` entries where the entry names it, with the value in its place."""

from __future__ import annotations

from typing import Any

import pytest

from graph_model.list_specs import NESTED
from graph_model.page_items import flat_relation_items

FLAT = sorted({spec.flat for spec in NESTED.values() if spec.flat})


def _placed(item: list[Any], flat: tuple[tuple[str, str, str], ...]) -> dict[str, Any]:
    """The row as its entries name it, one at a time (what the compiled display must give)."""
    row: dict[str, Any] = {}
    for group in sorted({g for g, _, _ in flat if g}):
        row[group] = {}
    for (group, name, _), value in zip(flat, item[2:], strict=True):
        (row[group] if group else row)[name] = value
    return row


@pytest.mark.parametrize("flat", FLAT)
def test_a_flat_items_row_holds_each_value_where_its_entry_names_it(flat: tuple[tuple[str, str, str], ...]) -> None:
    page = [[sv, f"id-{sv}", *[f"{sv}-{i}" for i in range(len(flat))]] for sv in range(3)]
    page.append([9, "id-9", *[None] * len(flat)])
    items = flat_relation_items(page, flat)
    assert [item.cursor for item in items] == [(item[0], item[1]) for item in page]
    assert all(item.edge is None for item in items)
    for item, built in zip(page, items, strict=True):
        expected = _placed(item, flat)
        assert built.row == expected and list(built.row) == list(expected), (built.row, expected)


def test_names_are_written_as_literals() -> None:
    odd = (("a'b", 'c"d', "x"), ("", "e\\nf", "y"), ("", "g", "z"))
    (item,) = flat_relation_items([[1, "k", "v1", "v2", "v3"]], odd)
    assert item.row == {"a'b": {'c"d': "v1"}, "e\\nf": "v2", "g": "v3"}
