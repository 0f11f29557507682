"""What the command groups share: the two consoles, and a store opened for one command.

Heavy modules (the store adapters, and through them the database drivers) are imported when a
command opens the store, not when the ``hub`` command starts: ``hub --help`` stays instant.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from rich.console import Console

if TYPE_CHECKING:
    from graph_model.stores.base import GraphStore
    from hub.settings import Settings

T = TypeVar("T")
err = Console(stderr=True)
out = Console()


async def with_store(settings: Settings, work: Callable[[GraphStore], Awaitable[T]]) -> T:
    """Open the store the settings name, run ``work`` on it, close it."""
    from hub.stores import open_store

    store = await open_store(settings)
    try:
        return await work(store)
    finally:
        await store.close()
