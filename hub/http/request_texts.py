"""Texts no request may carry anywhere (hub.http.graphql_over_http): a NUL (FalkorDB reads a parameter
only up to one) or a lone surrogate (JSON's ``\\ud800``: not a character; UTF-8, and so either store,
cannot carry it). Refused before the request can reach a statement, as VALIDATION_FAILED naming where."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graph_model.errors import FieldError, ValidationFailed

_SURROGATE = re.compile("[\ud800-\udfff]")


def _bad_texts(value: Any, where: str) -> Iterator[FieldError]:
    if isinstance(value, str):
        if "\x00" in value:
            yield FieldError(where, "holds a NUL character (U+0000), which no value may contain")
        elif (found := _SURROGATE.search(value)) is not None:  # in C: a query is read whole on every request
            yield FieldError(where, f"holds a lone surrogate (U+{ord(found.group()):04X}), which is not a "
                                    "character: send valid Unicode")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _bad_texts(key, f"{where} (a key)")
            yield from _bad_texts(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bad_texts(item, f"{where}[{index}]")


def refusal(query: Any, operation_name: Any, variables: Any, extensions: Any) -> ValidationFailed | None:
    """The error to answer a request whose texts hold a NUL or a lone surrogate; None when none does."""
    bad = [*_bad_texts(query, "query"), *_bad_texts(operation_name, "operationName"),
           *_bad_texts(variables, "variables"), *_bad_texts(extensions, "extensions")]
    if not bad:
        return None
    nul = any("NUL" in e.message for e in bad)
    return ValidationFailed("the request holds a NUL character (U+0000), which no value may contain" if nul
                            else "the request holds a lone surrogate, which is not a character", bad[:20])
