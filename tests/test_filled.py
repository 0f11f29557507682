"""graph_model.filled: what a place that fills a dataclass's attributes itself must fill, held against the
constructor at import."""

from __future__ import annotations

import dataclasses

import pytest

from graph_model import filled
from graph_model.page_items import Item


@dataclasses.dataclass(frozen=True)
class _Pair:
    left: int
    right: int = 0
    seen: int = dataclasses.field(default=0, init=False)


def test_the_constructors_fields_pass_and_a_change_is_refused() -> None:
    filled.check(_Pair, ("left", "right"), "pair()")  # a field the constructor does not take is not asked for
    with pytest.raises(TypeError, match="_Pair's fields changed: pair\\(\\) must fill"):
        filled.check(_Pair, ("left",), "pair()")
    with pytest.raises(TypeError, match="fields changed"):
        filled.check(_Pair, ("left", "right", "extra"), "pair()")
    with pytest.raises(TypeError, match="_Pair's fields took defaults"):
        filled.check(_Pair, ("left", "right"), "pair()", defaults=False)
    filled.check(_Pair, ("left",), "pair()", left_out=("right",))  # its default is the class attribute
    with pytest.raises(TypeError, match="that pair\\(\\) leaves out must have their defaults as class attributes"):
        filled.check(_Pair, ("right",), "pair()", left_out=("left",))  # no default: nothing to read off the class


def test_a_field_left_out_whose_class_attribute_is_not_its_default_is_refused() -> None:
    @dataclasses.dataclass
    class Shadowed:
        value: int = 0

    Shadowed.value = 1  # what an object without its own value would read
    with pytest.raises(TypeError, match="class attributes"):
        filled.check(Shadowed, (), "shadowed()", left_out=("value",))


def test_the_hubs_own_fillings_are_checked() -> None:
    """Each place that fills its objects itself declares what it fills (each import would fail otherwise)."""
    from graph_model import links, listing
    from hub.schema import lists, relations

    assert links.kept_giving(5, 1, 1, 0) == links.Giving(5, 1, 1, 0, None, None, dated=False)
    page = listing._page([], 10, listing.Request(filters=(), sort=None, descending=False, limit=10, after=None,
                                                 before=None, backwards=False), more=False, earlier=False,
                         total=0, order="o")
    assert page == listing.Page([], has_next=False, has_previous=False, total=0, order="o")
    assert set(lists._FILLED) == {lists.Edge, lists.PageInfo, lists.Connection}
    edge = lists._edge(Item({"key": "s"}, {"capacity": 3}, ("S", "s")), {"key": "s"}, "o")
    assert (edge.capacity, edge.role, edge.amount, edge.node) == (3, None, None, {"key": "s"})  # role: off the class
    assert {f.name for f in dataclasses.fields(relations.Donation) if f.init} == relations._DONATION_FIELDS
