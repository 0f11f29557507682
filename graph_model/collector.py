"""Pausing Python's cyclic garbage collector while a large acyclic structure is built.

A seed profile or an import's rows are hundreds of thousands of plain dicts that live until the
work ends and hold no cycles: the collector walks them again and again as they grow (each full pass
walks every one) and frees nothing. For 100,000 imported gifts that was 0.6-0.8 s of ~4.5 s
(benchmarks/README.md, "Import"). Reference cycles made meanwhile (by other requests of the same
server too) wait for the first pass after it; the collector is switched back on only if it was on,
so a pause inside another pause ends with the outer one.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
