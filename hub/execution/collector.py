"""Python's cyclic garbage collector, set for a server that builds large answers.

After start-up, everything alive (the schema, the libraries, the caches' first contents) is frozen
out of the collector (``gc.freeze``): full passes no longer walk those ~100,000 objects.

Then the first generation's threshold is raised from 700 to ``YOUNG`` allocations, and the older
ones' from 10 to ``OLDER`` passes. With Python's defaults, one national supervision plan (~300,000
short-lived objects: the store's reply, rows, entries) set off some 750 young, 70 middle and 6-7
full passes, each full pass walking every object of the answer still being built: 150-290 ms of
a 700 ms request, and its slowest requests (benchmarks/README.md, "Supervision"). With a young
threshold of 20,000: about 15 young passes and no full pass per plan. Reference cycles (asyncio's
exceptions and tasks) are still found by the young passes; the rarer full passes only delay
freeing the few that outlive one, by a few seconds of traffic.

``YOUNG`` is 50,000 since issue 18's pages at 16 clients: the objects of 16 pages being built at
once (rows, items, pages: alive until each answer is sent, so never garbage) passed 20,000 every
~11 requests, and each young pass walked them all (4-5 ms): 0.4 ms of a page's 5.7 ms of Python.
With 50,000, one pass in some 600 pages; paired in one process, a page at 16 clients took 5.18
against 5.74 ms (lower in 7 of 8 rounds); one request at a time never reaches either threshold.
"""

from __future__ import annotations

import gc

YOUNG = 50_000
OLDER = 50


def settle() -> None:
    """Collect once, freeze what is alive, and set the thresholds (``hub serve`` after start-up;
    benchmarks that measure in process do the same)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG, OLDER, OLDER)
