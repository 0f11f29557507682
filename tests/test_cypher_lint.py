"""Every statement the hub may send to Neo4j passes Neo4j's own linter.

Neo4j cannot run here, so ``tools/cypher-lint`` (Neo4j's parser and semantic analysis,
compiled to JavaScript) stands in for it: syntax, semantics, parameters that the statement
does not declare and functions Neo4j does not have. Each statement is linted as Cypher 5
and as Cypher 25. Needs node and ``npm ci --prefix tools/cypher-lint --no-audit --no-fund``.
"""

from __future__ import annotations

import json
import re

import pytest

from graph_model.cypher import Statement, all_statements
from graph_model.enums import Label, Rel

try:
    from tests.cypher_lint import ERROR, LINT_DIR, PACKAGE, describe, lint
except ImportError:  # tests/ on sys.path rather than the repository root
    from cypher_lint import ERROR, LINT_DIR, PACKAGE, describe, lint

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


@pytest.fixture(scope="module")
def diagnostics() -> dict[str, list[dict]]:
    """One node process lints the statements and the controls together."""
    return lint([*FOR_NEO4J, *(control for control, _ in CONTROLS.values())])


@pytest.mark.parametrize("stmt", FOR_NEO4J, ids=[s.name for s in FOR_NEO4J])
def test_neo4j_accepts_statement(stmt: Statement, diagnostics: dict[str, list[dict]]) -> None:
    found = diagnostics[stmt.name]
    assert not found, f"Neo4j's linter rejects statement {stmt.name!r}:\n{describe(stmt.text, found)}"


@pytest.mark.parametrize("case", CONTROLS)
def test_linter_catches(case: str, diagnostics: dict[str, list[dict]]) -> None:
    control, expected = CONTROLS[case]
    found = diagnostics[control.name]
    for version in ("CYPHER 5", "CYPHER 25"):
        errors = [d for d in found if d["cypherVersion"] == version and d["severity"] == ERROR]
        assert any(expected in d["message"] for d in errors), (
            f"{version}: expected an error containing {expected!r}\n{describe(control.text, found)}")


def test_linter_install_matches_pin() -> None:
    """node_modules holds the exact version package.json pins (a stale install lints differently)."""
    pinned = json.loads((LINT_DIR / "package.json").read_text())["dependencies"][PACKAGE]
    installed_json = LINT_DIR / "node_modules" / PACKAGE / "package.json"
    if not installed_json.is_file():
        pytest.fail(f"{PACKAGE} is not installed: run `npm ci --prefix tools/cypher-lint --no-audit --no-fund`")
    installed = json.loads(installed_json.read_text())["version"]
    assert installed == pinned, "run `npm ci --prefix tools/cypher-lint --no-audit --no-fund`"


# Labels and relationship types are the only identifiers spliced into Cypher text, and
# a statement may name them as string literals (count_nodes does); any other literal
# string would be a value that belongs in a parameter.
# The empty string is the neutral default lists sort missing values by (coalesce(n.x, '')).
IDENTIFIERS = {label.value for label in Label} | {rel.value for rel in Rel} | {""}
STRING_LITERAL = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")
DDL = re.compile(r"^\s*(CREATE|DROP)\s+(INDEX|CONSTRAINT|(RANGE|TEXT|POINT|FULLTEXT|VECTOR|LOOKUP)\s+INDEX)\b", re.I)


@pytest.mark.parametrize("stmt", STATEMENTS, ids=[s.name for s in STATEMENTS])
def test_values_travel_as_parameters(stmt: Statement) -> None:
    literals = [a or b for a, b in STRING_LITERAL.findall(stmt.text)]
    assert set(literals) <= IDENTIFIERS, (
        f"{stmt.name}: string literals {sorted(set(literals) - IDENTIFIERS)} belong in parameters")
    if not stmt.params:
        # Without parameters a statement may only be DDL or read the whole graph unfiltered.
        filters = re.search(r"\bWHERE\b|\{", stmt.text, re.I)
        assert DDL.match(stmt.text) or not filters, (
            f"{stmt.name} filters on values but takes no parameters: {stmt.text}")
