"""The named seed profiles a user can load."""

from __future__ import annotations

from collections.abc import Callable

from seed.dataset import Dataset
from seed.demo import build_demo
from seed.national import build_national

PROFILES: dict[str, Callable[[], Dataset]] = {"demo": build_demo, "national": build_national}


def build(name: str) -> Dataset:
    try:
        builder = PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown seed profile {name!r}; known profiles: {', '.join(sorted(PROFILES))}") from None
    return builder()
