"""Lint and types over the repository: ``ruff check`` and ``mypy``, as configured in pyproject.toml
([tool.ruff], [tool.mypy]: which rules, which files, which libraries are untyped).

Both come with the test extra (``pip install -e '.[test]'``). Should either be missing, one test says so
and the checks it would run are skipped, rather than each failing on its own. Each run reports what the
tool printed. mypy keeps its cache in ``.mypy_cache`` (ruff in ``.ruff_cache``): a cold run takes about
half a minute on two cores, a warm one a few seconds.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

TOOLS = ("ruff", "mypy")
MISSING = [tool for tool in TOOLS if importlib.util.find_spec(tool) is None]


def needs(tool: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(tool in MISSING, reason=f"{tool} is missing: see test_the_static_checkers_are_installed")


def run(repo_root: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """``python -m <tool> ...`` in the repository root, where it finds pyproject.toml."""
    return subprocess.run([sys.executable, "-m", *command], cwd=repo_root, capture_output=True, text=True,
                          timeout=900, check=False)


def test_the_static_checkers_are_installed() -> None:
    assert not MISSING, (f"{' and '.join(MISSING)} not installed in {sys.prefix}: "
                         "pip install -e '.[test]' (the test extra brings ruff and mypy)")


@needs("ruff")
def test_ruff_finds_nothing(repo_root: Path) -> None:
    done = run(repo_root, "ruff", "check", "--no-fix", "--output-format", "concise", ".")
    assert done.returncode == 0, f"ruff check:\n{done.stdout}{done.stderr}"


@needs("mypy")
def test_mypy_finds_nothing(repo_root: Path) -> None:
    done = run(repo_root, "mypy")  # the files and options are in pyproject.toml
    assert done.returncode == 0, f"mypy:\n{done.stdout}{done.stderr}"
