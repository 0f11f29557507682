"""Every statement the hub may send to Neo4j passes Neo4j's own linter.

Neo4j cannot run here, so ``tools/cypher-lint`` (Neo4j's parser and semantic analysis,
compiled to JavaScript) stands in for it: syntax, semantics, parameters that the statement
does not declare and functions Neo4j does not have. Each statement is linted as Cypher 5
and as Cypher 25. Needs node and ``npm ci --prefix tools/cypher-lint --no-audit --no-fund``.

One node process lints every registered statement and the negative controls together. In a
whole test session it is started when the tests are collected and these tests run last
(tests/conftest.py), so its minutes of CPU overlap the other tests.
``test_neo4j_accepts_every_statement`` fails once, naming every statement Neo4j rejects
with its diagnostics; when the linter cannot run at all (node or the package missing or
broken) it fails with that one message, and the other tests that need the linter skip,
pointing at it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest

from graph_model.cypher import Statement, all_statements
from graph_model.enums import Label, Rel

try:
    from tests.cypher_lint import (
        ERROR, INSTALL_HINT, LINT_DIR, PACKAGE, CypherLintUnavailable, Running, Shared, describe, diagnostics)
except ImportError:  # tests/ on sys.path rather than the repository root
    from cypher_lint import (  # type: ignore[import-not-found, no-redef]
        ERROR, INSTALL_HINT, LINT_DIR, PACKAGE, CypherLintUnavailable, Running, Shared, describe, diagnostics)

STATEMENTS = all_statements()
FOR_NEO4J = [s for s in STATEMENTS if s.dialect in ("both", "neo4j")]

# Negative controls: each must draw at least one error, or the check proves nothing.
# Built with Statement(...) directly: statement(...) would register them.
CONTROLS: dict[str, tuple[Statement, str]] = {
    "syntax_error": (
        Statement("control_syntax_error", "MATCH (n:Province RETURN n.key AS key"),
        "Invalid input",
    ),
    "undeclared_parameter": (
        Statement("control_undeclared_parameter",
                  "MATCH (n:Province) WHERE n.key = $key AND n.nameEn = $name RETURN n.key AS key",
                  params=("key",)),
        "Parameter $name is not defined",
    ),
    "undefined_variable": (
        Statement("control_undefined_variable",
                  "MATCH (n:Province) WHERE n.key = $key RETURN m.key AS key", params=("key",)),
        "Variable `m` not defined",
    ),
    "falkordb_only_function": (
        Statement("control_falkordb_only_function",
                  "MATCH (n:Province) WHERE n.key = $key RETURN toJSON(properties(n)) AS json",
                  params=("key",)),
        "Function toJSON is not present",
    ),
}


MAIN_TEST = "test_neo4j_accepts_every_statement"


@dataclass(frozen=True)
class Linted:
    """The linter's diagnostics per statement name, or why it could not give them."""

    diagnostics: dict[str, list[dict]]
    problem: str | None = None


# The node process the session started in the background for this module (tests/conftest.py), if any.
BACKGROUND: Running | None = None
# Under pytest-xdist, the run's one lint (tests/conftest.py): the process that claimed it has BACKGROUND, and
# a thread of it publishes the answer as soon as the node process ends.
SHARED: Shared | None = None


def linted_statements() -> list[Statement]:
    """What the lint is given: every statement for Neo4j, and the negative controls."""
    return [*FOR_NEO4J, *(control for control, _ in CONTROLS.values())]


@pytest.fixture(scope="module")
def linted() -> Linted:
    """One node process lints the statements and the controls together: the one the session started
    in the background, or one started here."""
    global BACKGROUND
    try:
        if SHARED is not None:  # one of the run's processes lints, and publishes its answer as it ends
            return Linted(diagnostics(SHARED.wait()))
        running, BACKGROUND = BACKGROUND or Running(linted_statements()), None
        return Linted(diagnostics(running.answer()))
    except (CypherLintUnavailable, ValueError) as error:
        return Linted({}, f"Neo4j's Cypher linter could not run, so no statement was checked:\n{error}")


def answer(linted: Linted) -> dict[str, list[dict]]:
    """The diagnostics, or a skip pointing at the one test that fails when there are none."""
    if linted.problem is not None:
        pytest.skip(f"the Cypher linter did not run: see {MAIN_TEST}")
    return linted.diagnostics


def test_neo4j_accepts_every_statement(linted: Linted) -> None:
    if linted.problem is not None:
        pytest.fail(linted.problem, pytrace=False)
    rejected = [(stmt, linted.diagnostics[stmt.name]) for stmt in FOR_NEO4J if linted.diagnostics[stmt.name]]
    if rejected:
        report = "\n\n".join(f"{stmt.name}:\n{describe(stmt.text, found)}" for stmt, found in rejected)
        pytest.fail(f"Neo4j's linter rejects {len(rejected)} of {len(FOR_NEO4J)} statements:\n\n{report}",
                    pytrace=False)


@pytest.mark.parametrize("case", CONTROLS)
def test_linter_catches(case: str, linted: Linted) -> None:
    control, expected = CONTROLS[case]
    found = answer(linted)[control.name]
    for version in ("CYPHER 5", "CYPHER 25"):
        errors = [d for d in found if d["cypherVersion"] == version and d["severity"] == ERROR]
        assert any(expected in d["message"] for d in errors), (
            f"{version}: expected an error containing {expected!r}\n{describe(control.text, found)}")


def test_linter_install_matches_pin() -> None:
    """node_modules holds the exact version package.json pins (a stale install lints differently)."""
    pinned = json.loads((LINT_DIR / "package.json").read_text())["dependencies"][PACKAGE]
    installed_json = LINT_DIR / "node_modules" / PACKAGE / "package.json"
    if not installed_json.is_file():
        pytest.skip(f"{PACKAGE} is not installed: see {MAIN_TEST}")
    installed = json.loads(installed_json.read_text())["version"]
    assert installed == pinned, f"{PACKAGE} {installed} is installed, package.json pins {pinned}: {INSTALL_HINT}"


# Labels and relationship types are the only identifiers spliced into Cypher text, and
# a statement may name them as string literals (count_nodes does); any other literal
# string would be a value that belongs in a parameter.
# The empty string is the neutral default lists sort missing values by (coalesce(n.x, '')).
IDENTIFIERS = {label.value for label in Label} | {rel.value for rel in Rel} | {""}
STRING_LITERAL = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")
ABSENCE = re.compile(r"\bWHERE\s+\w+(\.\w+)?\s+IS\s+NULL\b", re.I)
DDL = re.compile(r"^\s*(CREATE|DROP)\s+(INDEX|CONSTRAINT|(RANGE|TEXT|POINT|FULLTEXT|VECTOR|LOOKUP)\s+INDEX)\b", re.I)


@pytest.mark.parametrize("stmt", STATEMENTS, ids=[s.name for s in STATEMENTS])
def test_values_travel_as_parameters(stmt: Statement) -> None:
    literals = [a or b for a, b in STRING_LITERAL.findall(stmt.text)]
    assert set(literals) <= IDENTIFIERS, (
        f"{stmt.name}: string literals {sorted(set(literals) - IDENTIFIERS)} belong in parameters")
    if not stmt.params:
        # Without parameters a statement may only be DDL or read the whole graph unfiltered, or
        # filtered on a property's absence alone (the mirror fills: `WHERE a.countyKey IS NULL`) or
        # on an optional match finding nothing (donors without gifts: `WHERE g IS NULL`).
        unfiltered = ABSENCE.sub(" ", stmt.text)
        filters = re.search(r"\bWHERE\b|\{", unfiltered, re.I)
        assert DDL.match(stmt.text) or not filters, (
            f"{stmt.name} filters on values but takes no parameters: {stmt.text}")
