"""The analyses' child processes (graph_model.offload): a child that dies is replaced, so one crash
does not fail every later analysis until the hub restarts (a fault injected by the piece itself:
it kills its own process)."""

from __future__ import annotations

import os
import signal
from concurrent.futures.process import BrokenProcessPool

import pytest

from graph_model import offload


def _pid() -> int:
    return os.getpid()


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


async def test_after_a_child_died_the_next_piece_runs_in_new_children() -> None:
    assert await offload.offload_process(_pid) != os.getpid()
    with pytest.raises(BrokenProcessPool):  # it dies, is run once more in new children, dies again
        await offload.offload_process(_die)
    assert await offload.offload_process(_pid) != os.getpid()
