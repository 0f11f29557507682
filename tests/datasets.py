"""The seed profiles built once per test session and shared by the tests that read them (a build of
`national` is some 12 s of CPU). A test must not change what it is given."""

from __future__ import annotations

from functools import cache

from seed.dataset import Dataset
from seed.demo import build_demo
from seed.national import build_national


@cache
def demo() -> Dataset:
    return build_demo()


@cache
def national() -> Dataset:
    return build_national()
