"""The `national` profile in a benchmark's data folder: the store opened on it, seeded first when the
graph is empty (about a minute). Shared by the benchmarks that drive the ASGI app in process."""

from __future__ import annotations

from graph_model import queries
from graph_model.stores.falkordb import FalkorStore, open_embedded
from seed.loader import load
from seed.profiles import build


async def open_national(data_dir: str, graph: str = "national") -> FalkorStore:
    """The embedded store on ``graph`` in ``data_dir``, holding `national` (seeded if it held nothing)."""
    store = await open_embedded(data_dir, graph)
    try:
        await store.ensure_schema()  # a new folder has no graph yet: counting its nodes would fail
        if sum((await queries.node_counts(store)).values()) == 0:
            print("seeding national ...", flush=True)
            await load(store, build("national"))
    except BaseException:
        await store.close()
        raise
    return store
