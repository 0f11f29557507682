"""Statement parameters written into FalkorDB's ``CYPHER name=value ...`` header: exactly the text
the client's ``falkordb.helpers.stringify_param_value`` makes, made faster.

A batch of 5,000 gifts is ~35,000 values; the client's function tests each value's type with a
chain of isinstance calls and quotes every string through a second function, which took as long
as the store took to write the batch (benchmarks/import.py). Here each value's exact type picks
its encoder from a table, strings without a quote or a backslash are wrapped directly, and
anything unusual (subclasses, bytes, keys the header cannot hold) goes to the client's own
function, so the text (and its errors) stay the client's. tests/test_falkordb_params.py holds
the two equal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from falkordb.helpers import stringify_param_value


def _text(value: str) -> str:
    if "\\" in value or '"' in value:
        value = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{value}"'


def _items(value: list[Any] | tuple[Any, ...]) -> str:
    if value and all(type(v) is str for v in value):  # the commonest list: keys, a page's hundred of them
        joined = '","'.join(value)
        if "\\" not in joined and joined.count('"') == 2 * (len(value) - 1):  # no value holds a quote
            return f'["{joined}"]'
    return f"[{','.join([encode(v) for v in value])}]"


_KEYS: dict[str, str] = {}  # a map key the header holds as it is -> its text with the colon
_MOST_KEYS = 10_000  # keys are the model's property names; past this, keys are not remembered


def _map(value: dict[Any, Any]) -> str:
    parts = []
    for k, v in value.items():
        head = _KEYS.get(k) if type(k) is str else None
        if head is None:
            if type(k) is not str or not k or "`" in k:  # the client's function converts or refuses it
                return stringify_param_value(value)
            head = f"`{k}`:"
            if len(_KEYS) < _MOST_KEYS:
                _KEYS[k] = head
        kind = type(v)  # the two commonest kinds without the table (a batch of gifts is ~100,000 values)
        if kind is str:
            parts.append(head + _text(v))
        elif kind is int:
            parts.append(head + str(v))
        else:
            parts.append(head + encode(v))
    return "{" + ",".join(parts) + "}"


_BY_TYPE: dict[type, Callable[[Any], str]] = {str: _text, int: str, float: str, bool: str, type(None): lambda _: "null",
                                              list: _items, tuple: _items, dict: _map}


def encode(value: Any) -> str:
    """The header text of one parameter value (what stringify_param_value returns)."""
    how = _BY_TYPE.get(type(value))
    return how(value) if how is not None else stringify_param_value(value)


def header(params: dict[str, Any]) -> str:
    """``name=value `` for every parameter (the CYPHER header's body)."""
    return "".join([f"{name}={encode(value)} " for name, value in params.items()])
