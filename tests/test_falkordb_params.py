"""The FalkorDB adapter's parameter header (graph_model.stores.falkordb_params) is the text the
client's own stringify_param_value makes, for every kind of value the hub sends and the odd ones."""

from __future__ import annotations

from typing import Any

import pytest
from falkordb.helpers import stringify_param_value

from graph_model.stores.falkordb_params import encode, header

VALUES: list[Any] = [
    0, -2, 2**63 - 1, 1.5, -0.0, float("inf"), True, False, None, "", "plain", 'a "quoted" one', "back\\slash",
    "سلام ۱۴۰۳", "new\nline", ["x", 1, None, [True, 2.5]], ("t", 1), [], {}, {"a": 1, "b": {"c": "d", "e": []}},
    {"nameFa": "خیریه \"امید\"", "amount": 12_500_000}, {"path": "C:\\x", "n": True, "f": 2.5, "z": None},
    {1: "an int key"}, {b"k": "a bytes key"},
    [{"start": "d-1", "end": "i-1", "props": {"key": "don-imp-1", "amount": 10, "date": "2024-03-20"}}] * 3,
    # lists of texts alone (a page's keys), with and without what must be escaped
    ["inst-1", "inst-2", "خیریه"], [""], ["", ""], ["a", 'b"c'], ['","'], ["a\\", "b"], ["x"] * 100, ("t", "u"),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_value_is_written_as_the_client_writes_it(value: Any) -> None:
    assert encode(value) == stringify_param_value(value)


@pytest.mark.parametrize("value", [{"": 1}, {"a`b": 1}, [{"ok": {"": 1}}]], ids=repr)
def test_a_key_the_header_cannot_hold_is_refused_as_the_client_refuses_it(value: Any) -> None:
    with pytest.raises(ValueError) as ours:
        encode(value)
    with pytest.raises(ValueError) as theirs:
        stringify_param_value(value)
    assert str(ours.value) == str(theirs.value)


def test_the_header_names_every_parameter() -> None:
    params = {"rows": [{"k": "v"}], "limit": 5}
    assert header(params) == "".join(f"{n}={stringify_param_value(v)} " for n, v in params.items())
