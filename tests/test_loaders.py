"""The request's loaders (hub.execution.loaders): values already loaded are given without a task or a
turn of the event loop, with the same answers and errors as when they are awaited."""

from __future__ import annotations

import asyncio

import pytest

from graph_model.enums import Label
from graph_model.stores.falkordb import FalkorStore
from hub.auth.principal import Principal, Role
from hub.auth.visibility import Visibility
from hub.execution.loaders import Loaders, _done, _in_turn
from tests.builders import build_world


async def test_keys_already_loaded_are_answered_at_once(store: FalkorStore) -> None:
    await build_world(store)
    loaders = Loaders(store, Visibility(Principal(Role.ADMIN), k=5))
    node = loaders.node(Label.INSTITUTION, ("key", "nameEn"))
    first = await node.load_many(["inst-a", "inst-b"])
    before = store.round_trips
    again = node.load_many(["inst-b", "inst-a"])
    assert isinstance(again, asyncio.Future) and again.done()  # no coroutine to run: the values are there
    assert await again == first[::-1] and store.round_trips == before
    loaders.known(Label.PROVINCE, ("key",), [{"key": "IR-00"}])
    assert (await loaders.node(Label.PROVINCE, ("key",)).load_many(["IR-00"])) == [{"key": "IR-00"}]
    assert store.round_trips == before


@pytest.mark.parametrize("awaited", [_done, _in_turn])
async def test_a_failed_value_fails_the_whole_list_and_the_other_errors_are_seen(awaited: object) -> None:
    """As gather: the first error is raised, and the other futures' errors are marked retrieved (no
    "exception was never retrieved" at collection), whether the values were done already or not."""
    loop = asyncio.get_running_loop()
    futures: list[asyncio.Future[int]] = [loop.create_future() for _ in range(3)]
    futures[0].set_result(1)
    futures[1].set_exception(ValueError("first"))
    futures[2].set_exception(KeyError("second"))
    with pytest.raises(ValueError, match="first"):
        await awaited(futures)  # type: ignore[operator]
    await asyncio.sleep(0)  # the done callbacks of _in_turn
    assert not futures[2]._log_traceback  # retrieved: nothing logged
