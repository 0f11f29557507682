"""graph_model.page_items.flat_relation_items: a flat item's row, built by a map display compiled once per
list and sort, holds each of the list's ``flat`` entries where the entry names it, with the value read where
``flat_sent`` placed it (sent after the sort value and id, or the sort value, the id or the parent's key)."""

from __future__ import annotations

from typing import Any

import pytest

from graph_model.list_specs import NESTED
from graph_model.list_statements import chosen_sort
from graph_model.page_items import flat_relation_items, flat_row_items, flat_sent, row_sent

SORTED = [(spec, sort.name) for spec in NESTED.values() if spec.flat for sort in spec.sorts]


def _placed(item: list[Any], flat: tuple[tuple[str, str, str], ...], sources: tuple[int | str | None, ...],
            key: str) -> dict[str, Any]:
    """The row as its entries name it, one at a time (what the compiled display must give)."""
    row: dict[str, Any] = {}
    for group in sorted({g for g, _, _ in flat if g}):
        row[group] = {}
    for (group, name, _), source in zip(flat, sources, strict=True):
        (row[group] if group else row)[name] = key if source is None else source if isinstance(source, str) \
            else item[source]
    return row


@pytest.mark.parametrize(("spec", "sort"), SORTED, ids=[f"{s.name}-{o}" for s, o in SORTED])
def test_a_flat_items_row_holds_each_value_where_its_entry_names_it(spec: Any, sort: str) -> None:
    sent, sources = flat_sent(spec, chosen_sort(spec, sort, False).expr)
    assert len(sources) == len(spec.flat) and sorted(s for s in sources if isinstance(s, int) and s > 1) == list(
        range(2, 2 + len(sent)))
    page = [[sv, f"id-{sv}", *[f"{sv}-{i}" for i in range(len(sent))]] for sv in range(3)]
    page.append([9, "id-9", *[None] * len(sent)])
    items = flat_relation_items(page, spec.flat, sources, "parent")
    assert [item.cursor for item in items] == [(item[0], item[1]) for item in page]
    assert all(item.edge is None for item in items)
    for item, built in zip(page, items, strict=True):
        expected = _placed(item, spec.flat, sources, "parent")
        assert built.row == expected and list(built.row) == list(expected), (built.row, expected)


def test_what_the_sort_value_the_id_or_the_parent_holds_is_not_sent_again() -> None:
    """One institution's gifts by date: their date is the sort value, their key the id and their institution's
    key and label the parent's; each entry is read from there, every other one sent, in the list's order."""
    spec = NESTED["institution_donations"]
    sent, sources = flat_sent(spec, chosen_sort(spec, "DATE", False).expr)
    by_name = {name: source for (_, name, _), source in zip(spec.flat, sources, strict=True)}
    assert by_name["date"] == 0 and by_name["key"] == 1 and by_name["recipient"] is None
    assert by_name["recipientKind"] == "Institution"
    assert sent == tuple(expr for _, _, expr in spec.flat
                         if expr not in ("r.date", "r.key", "rc.key", "labels(rc)[0]"))
    event = NESTED["event_donations"]
    assert dict(zip([n for _, n, _ in event.flat], flat_sent(event, "r.amount")[1], strict=True))[
        "recipientKind"] == "Event"
    # A province's gifts are read under the province: their institution's key and label are sent.
    province = NESTED["province_donations"]
    assert {"rc.key", "labels(rc)[0]"} <= set(flat_sent(province, chosen_sort(province, "DATE", False).expr)[0])


def test_names_are_written_as_literals() -> None:
    odd = (("a'b", 'c"d', "x"), ("", "e\\nf", "y"), ("", "g", "z"))
    (item,) = flat_relation_items([[1, "k", "v1", "v2"]], odd, (2, None, "a'\\b\""), "it's")
    assert item.row == {"a'b": {'c"d': "v1"}, "e\\nf": "it's", "g": "a'\\b\""}


def test_a_lone_nodes_property_that_is_the_sort_value_or_the_id_is_not_sent_again() -> None:
    """``row_sent``: a province's institutions by key, holding key, kind and nameEn: the key is the id and
    the sort value, sent once as each; the others sent in order; each row built from those places."""
    sent, sources = row_sent("n.key", "n.key", ("kind", "key", "nameEn"))
    assert sent == ("n.kind", "n.nameEn") and sources == (2, 0, 3)
    sent, sources = row_sent("coalesce(n.nameEn, '')", "n.key", ("countyKey", "key", "nameEn"))
    assert sent == ("n.countyKey", "n.nameEn") and sources == (2, 1, 3)
    items = flat_row_items([["", "inst-1", "IR-06-0601", None], ["b", "inst-2", "IR-06-0602", "b"]],
                           ("countyKey", "key", "nameEn"), sources)
    assert [item.row for item in items] == [{"countyKey": "IR-06-0601", "key": "inst-1", "nameEn": None},
                                            {"countyKey": "IR-06-0602", "key": "inst-2", "nameEn": "b"}]
    assert [list(item.row) for item in items] == [["countyKey", "key", "nameEn"]] * 2
    assert [item.cursor for item in items] == [("", "inst-1"), ("b", "inst-2")]
    (odd,) = flat_row_items([[1, "k", "v"]], ("a'b\\c",), (2,))
    assert odd.row == {"a'b\\c": "v"}


def test_a_property_the_projection_leaves_out_is_neither_sent_nor_in_the_row() -> None:
    """``flat_sent`` with ``props`` (what the selection reads of a gift): the gift's own properties outside it are
    not sent and absent from the row, as a property the relationship lacks; the other entries as before."""
    spec = NESTED["institution_donations"]
    sort = chosen_sort(spec, "DATE", False).expr
    sent, sources = flat_sent(spec, sort, ("amount", "date", "key"))
    assert sent == ("r.amount", "dn.key", "dn.kind")
    page = [["2024-01-02", "gift-1", 5, "donor-1", "COMPANY"]]
    (item,) = flat_relation_items(page, spec.flat, sources, "inst-a")
    assert item.row == {"props": {"key": "gift-1", "amount": 5, "date": "2024-01-02"}, "donor": "donor-1",
                        "donorKind": "COMPANY", "recipient": "inst-a", "recipientKind": "Institution"}
    assert flat_sent(spec, sort, None) == flat_sent(spec, sort)  # None: every property
    assert len(flat_sent(spec, sort, tuple(sorted(n for g, n, _ in spec.flat if g == "props")))[0]) == len(
        flat_sent(spec, sort)[0])
