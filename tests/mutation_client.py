"""What the end-to-end mutation tests share (their `api_world` fixture is in conftest.py): the
check that a refused mutation comes back typed and leaves the graph exactly as it was."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from graph_model.stores.falkordb import FalkorStore
from tests.builders import snapshot


def result(response: Any) -> Any:
    """The one root field of a mutation response (e.g. ``create_institution``)."""
    (value,) = response.__dict__.values()
    return value


async def refused(store: FalkorStore, call: Awaitable[Any], typename: str, field: str) -> Any:
    """Await a mutation that must fail as ``typename`` naming ``field``, with the graph untouched."""
    before = await snapshot(store)
    outcome = result(await call)
    assert outcome.typename__ == typename, outcome
    assert field in {f.field for f in outcome.fields}, outcome.fields
    assert outcome.message
    assert await snapshot(store) == before
    return outcome


def written(response: Any, typename: str) -> Any:
    """The object a mutation wrote; fails with the typed error when there was one."""
    outcome = result(response)
    assert outcome.typename__ == typename, getattr(outcome, "fields", outcome)
    return outcome
