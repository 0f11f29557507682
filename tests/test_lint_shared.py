"""The Cypher lint shared by the test processes of a pytest-xdist run (tests.cypher_lint.Shared): one process
claims it and lints, the others wait for its answer, and a problem or an owner that ended is said, never
waited for without end."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.cypher_lint import CypherLintUnavailable, Shared

ANSWER = {"linter": "x", "notInCatalogue": {}, "results": [{"name": "s", "diagnostics": []}]}


def test_one_process_claims_the_lint(tmp_path: Path) -> None:
    assert Shared(tmp_path).claim()
    assert not Shared(tmp_path).claim()
    assert not Shared(tmp_path).claim()


def test_the_others_wait_for_the_owners_answer(tmp_path: Path) -> None:
    owner, other = Shared(tmp_path), Shared(tmp_path)
    assert owner.claim()
    later = threading.Timer(0.5, owner.publish, (ANSWER,))
    later.start()
    started = time.monotonic()
    assert other.wait() == ANSWER
    assert time.monotonic() - started >= 0.4  # it waited for the answer, not for a timeout
    later.join()
    assert not list(tmp_path.glob("*.part"))  # written whole, then renamed


def test_the_owners_problem_reaches_the_others(tmp_path: Path) -> None:
    owner = Shared(tmp_path)
    assert owner.claim()
    owner.publish(None, "node is not on PATH")
    with pytest.raises(CypherLintUnavailable, match="node is not on PATH"):
        Shared(tmp_path).wait()


def _owner_that_ends(folder: Path, then: str = "") -> None:
    """A process that claims the lint in ``folder``, does ``then`` with it (``s``) and ends."""
    script = (f"import sys, json; from pathlib import Path; from tests.cypher_lint import Shared; "
              f"s = Shared(Path(sys.argv[1])); assert s.claim(); {then}")
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", script, str(folder)], cwd=root, check=True, timeout=120)


def test_an_owner_that_ended_without_an_answer_is_said(tmp_path: Path) -> None:
    _owner_that_ends(tmp_path)
    assert not Shared(tmp_path).claim()  # claimed by the process that ended
    with pytest.raises(CypherLintUnavailable, match="ended without an answer"):
        Shared(tmp_path).wait()


def test_an_answer_published_by_an_owner_that_ended_is_read(tmp_path: Path) -> None:
    _owner_that_ends(tmp_path, f"s.publish(json.loads({json.dumps(ANSWER)!r}))")
    assert Shared(tmp_path).wait() == ANSWER


class _Failed:
    """A lint's process whose answer cannot be read (a fault injected; the real one answers in every -n 2 run)."""

    def __init__(self, error: Exception) -> None:
        self._error = error

    def answer(self) -> dict[str, Any]:
        raise self._error


@pytest.mark.parametrize("error", [CypherLintUnavailable("lint.mjs exited with 1"),
                                   ValueError("I/O operation on closed file")])
def test_a_lint_that_failed_is_published_as_its_problem(tmp_path: Path, error: Exception) -> None:
    owner = Shared(tmp_path)
    assert owner.claim()
    owner.publish_answer(_Failed(error))  # type: ignore[arg-type]  # Running's one method used
    with pytest.raises(CypherLintUnavailable, match=str(error)):
        Shared(tmp_path).wait()
