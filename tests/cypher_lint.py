"""Run Neo4j's own Cypher linter over statements (a helper for the tests, not a test).

Neo4j cannot run where the tests do, so the statements the hub sends to it are checked
by ``tools/cypher-lint/lint.mjs``, which wraps the npm package
``@neo4j-cypher/language-support``: Neo4j's parser and semantic analysis compiled to
JavaScript. Install it once with::

    npm ci --prefix tools/cypher-lint --no-audit --no-fund

``Running`` (and ``run``, which waits for it) starts one node process for all the statements
it is given; lint.mjs lints each distinct text once, as every Cypher version, in one worker
thread per core (or as many as asked). There is no time limit: on a busy machine the lint is
slow, not broken. When node or the package is missing, or lint.mjs cannot run,
``CypherLintUnavailable`` says so in one message.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from graph_model.enums import Label, MetaLabel, Rel
from graph_model.statements import api_keys, audit, donation_totals, persisted, version
from graph_model.model import NODE_FIELDS, REL_FIELDS

ROOT = Path(__file__).resolve().parents[1]
LINT_DIR = ROOT / "tools" / "cypher-lint"
LINT_SCRIPT = LINT_DIR / "lint.mjs"
PACKAGE = "@neo4j-cypher/language-support"
INSTALL_HINT = "run `npm ci --prefix tools/cypher-lint --no-audit --no-fund` from the repository root"

# Neo4j's built-in functions (Cypher manual, "Functions"; SHOW FUNCTIONS on Neo4j 5) that
# the hub's statements may call. A call to anything else, such as a FalkorDB-only
# function, is an error. Left out on purpose:
#   id          deprecated; use elementId, or better the node's own key
#   exists      exists(n.prop) is gone from Neo4j 5; use `n.prop IS NOT NULL` or EXISTS { }
# Functions that only Cypher 25 has (coll.*, vector(), ...) are not listed either: every
# statement must also be valid Cypher 5.
NEO4J_FUNCTIONS: tuple[str, ...] = (
    # aggregating
    "avg", "collect", "count", "max", "min", "percentileCont", "percentileDisc",
    "stdev", "stdevp", "sum",
    # predicate
    "all", "any", "isEmpty", "none", "single",
    # scalar
    "char_length", "character_length", "coalesce", "elementId", "endNode", "head",
    "last", "length", "nullIf", "properties", "randomUUID", "size", "startNode",
    "timestamp", "toBoolean", "toBooleanOrNull", "toFloat", "toFloatOrNull",
    "toInteger", "toIntegerOrNull", "type", "valueType",
    # list
    "keys", "labels", "nodes", "range", "reduce", "relationships", "reverse", "tail",
    "toBooleanList", "toFloatList", "toIntegerList", "toStringList",
    # numeric, logarithmic, trigonometric
    "abs", "ceil", "floor", "isNaN", "rand", "round", "sign",
    "e", "exp", "log", "log10", "sqrt",
    "acos", "asin", "atan", "atan2", "cos", "cot", "degrees", "haversin", "pi",
    "radians", "sin", "tan",
    # string
    "btrim", "left", "lower", "ltrim", "normalize", "replace", "right", "rtrim",
    "split", "substring", "toLower", "toString", "toStringOrNull", "toUpper", "trim",
    "upper",
    # temporal
    "date", "date.realtime", "date.statement", "date.transaction", "date.truncate",
    "datetime", "datetime.fromepoch", "datetime.fromepochmillis", "datetime.realtime",
    "datetime.statement", "datetime.transaction", "datetime.truncate",
    "localdatetime", "localdatetime.realtime", "localdatetime.statement",
    "localdatetime.transaction", "localdatetime.truncate",
    "localtime", "localtime.realtime", "localtime.statement", "localtime.transaction",
    "localtime.truncate",
    "time", "time.realtime", "time.statement", "time.transaction", "time.truncate",
    "duration", "duration.between", "duration.inDays", "duration.inMonths",
    "duration.inSeconds",
    # spatial
    "point", "point.distance", "point.withinBBox",
    # vector
    "vector.similarity.cosine", "vector.similarity.euclidean",
    # graph and database
    "db.nameFromElementId", "graph.byElementId", "graph.byName", "graph.names",
    "graph.propertiesByName",
    # LOAD CSV
    "file", "linenumber",
)

# Procedures the statements may CALL (e.g. db.index.fulltext.queryNodes for search).
# None yet: any CALL is flagged until the procedure is listed here.
NEO4J_PROCEDURES: tuple[str, ...] = ()

ERROR, WARNING = 1, 2


class StatementLike(Protocol):  # read-only members: graph_model's Statement is a frozen dataclass
    @property
    def name(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def params(self) -> tuple[str, ...]: ...


class CypherLintUnavailable(RuntimeError):
    """The linter cannot run: node or the package is missing, or lint.mjs failed."""


def schema() -> dict[str, list[str]]:
    """Every label, relationship type and property key the hub's graph can hold."""
    keys = {"key", "searchText", *version.PROPERTIES, *audit.PROPERTIES, *api_keys.PROPERTIES,
            *persisted.PROPERTIES, *donation_totals.PROPERTIES}
    for fields in (*NODE_FIELDS.values(), *REL_FIELDS.values()):
        keys.update(fields)
    return {
        "labels": [label.value for label in (*Label, *MetaLabel)],
        "relationshipTypes": [rel.value for rel in Rel],
        "propertyKeys": sorted(keys),
    }


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise CypherLintUnavailable(f"node (Node.js) is not on PATH: install Node.js, then {INSTALL_HINT}")
    package_json = LINT_DIR / "node_modules" / PACKAGE / "package.json"
    if not package_json.is_file():
        raise CypherLintUnavailable(f"the Cypher linter ({PACKAGE}) is not installed: {INSTALL_HINT}")
    return node


class Running:
    """One node process linting statements, started at once; ``answer()`` waits for its JSON answer.

    Its output goes to temporary files, not pipes, so the process never waits for a reader: a test
    session starts it early and reads it when the lint tests run (tests/conftest.py).
    """

    def __init__(self, statements: Iterable[StatementLike], *, functions: Iterable[str] = NEO4J_FUNCTIONS,
                 procedures: Iterable[str] = NEO4J_PROCEDURES, workers: int | None = None,
                 java_assertions: bool = False) -> None:
        batch = [{"name": s.name, "text": s.text, "params": list(s.params)} for s in statements]
        names = [s["name"] for s in batch]
        if len(set(names)) != len(names):
            raise ValueError("statement names must be unique")
        request: dict[str, Any] = {"schema": schema(), "functions": list(functions), "procedures": list(procedures),
                                   "statements": batch, "javaAssertions": java_assertions}
        if workers is not None:
            request["workers"] = workers
        node = _node()
        # held open until answer() or stop(): the process writes to them meanwhile
        self._out = tempfile.TemporaryFile()  # noqa: SIM115
        self._err = tempfile.TemporaryFile()  # noqa: SIM115
        with tempfile.TemporaryFile() as given:
            given.write(json.dumps(request).encode())
            given.seek(0)
            self._process = subprocess.Popen([node, str(LINT_SCRIPT)], stdin=given, stdout=self._out,
                                             stderr=self._err, cwd=LINT_DIR)

    def answer(self) -> dict[str, Any]:
        """lint.mjs's whole JSON answer (waits, without a time limit: a busy machine is slow, not broken)."""
        returncode = self._process.wait()
        self._out.seek(0)
        self._err.seek(0)
        stdout, stderr = self._out.read().decode(), self._err.read().decode(errors="replace")
        self._close()
        if returncode != 0:
            tail = "\n".join(stderr.strip().splitlines()[-20:])
            raise CypherLintUnavailable(f"{LINT_SCRIPT} exited with {returncode}:\n{tail}\n"
                                        f"(if the package is broken or outdated, {INSTALL_HINT})")
        try:
            answer: dict[str, Any] = json.loads(stdout)
        except ValueError as error:
            raise CypherLintUnavailable(f"{LINT_SCRIPT} did not answer one JSON document ({error}): "
                                        f"{stdout[:200]!r}") from None
        return answer

    def stop(self) -> None:
        """Ends the process if it still runs (a session that ends before reading the answer)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._close()

    def _close(self) -> None:
        self._out.close()
        self._err.close()


class Shared:
    """One lint for all the test processes of a run (pytest-xdist's workers): the first to ``claim`` the
    folder lints and ``publish``es its answer, or why it has none, there; the others ``wait`` for it.
    The folder is the run's own (tests/conftest.py makes it and removes it when the run ends)."""

    POLL_S = 0.2

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._answer, self._owner = folder / "answer.json", folder / "owner"

    def claim(self) -> bool:
        """Whether this process is the one to lint (the first to ask)."""
        try:
            handle = os.open(self._owner, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            return False
        with os.fdopen(handle, "w") as owner:
            owner.write(str(os.getpid()))
        return True

    def publish(self, answer: dict[str, Any] | None, problem: str | None = None) -> None:
        """Write the answer (or the problem) whole: the others never read half of it."""
        partial = self.folder / f"answer.{os.getpid()}.part"
        partial.write_text(json.dumps({"answer": answer, "problem": problem}))
        os.replace(partial, self._answer)

    def publish_answer(self, running: Running) -> None:
        """``publish`` the lint's answer, or why there is none, once its node process ends."""
        try:
            self.publish(running.answer())
        except (CypherLintUnavailable, OSError, ValueError) as error:  # a run stopped closes its files under it
            self.publish(None, str(error))

    def wait(self) -> dict[str, Any]:
        """The owner's answer, without a time limit while the owner lives (a busy machine is slow, not broken);
        CypherLintUnavailable when the owner could not lint, or ended without an answer."""
        while True:
            if self._answer.exists():
                given = json.loads(self._answer.read_text())
                if given["problem"] is not None:
                    raise CypherLintUnavailable(given["problem"])
                answer: dict[str, Any] = given["answer"]
                return answer
            if not self._owner_lives() and not self._answer.exists():  # (it may have published as it ended)
                raise CypherLintUnavailable("the test process that ran the lint ended without an answer")
            time.sleep(self.POLL_S)

    def _owner_lives(self) -> bool:
        try:
            pid = int(self._owner.read_text() or 0)
        except (OSError, ValueError):
            pid = 0
        if pid == 0:
            return True  # claimed a moment ago, its pid not written yet
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return self._answer.exists()  # it may have published just before it ended
        except PermissionError:
            pass
        return True


def run(statements: Iterable[StatementLike], *, functions: Iterable[str] = NEO4J_FUNCTIONS,
        procedures: Iterable[str] = NEO4J_PROCEDURES, workers: int | None = None,
        java_assertions: bool = False) -> dict[str, Any]:
    """Lint the statements in one node process; return lint.mjs's whole JSON answer.

    ``workers``: lint.mjs's worker threads (default: one per core). ``java_assertions``: run
    the package's compiled Java with its assertions on (slower; see lint.mjs).
    """
    return Running(statements, functions=functions, procedures=procedures, workers=workers,
                   java_assertions=java_assertions).answer()


def diagnostics(answer: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Diagnostics per statement name from lint.mjs's answer (empty list: Neo4j accepts it); ValueError
    when an allowed name is not a Neo4j built-in according to the linter's catalogue.

    Each diagnostic has ``cypherVersion`` ("CYPHER 5" or "CYPHER 25": every statement is
    linted as both), ``severity`` (1 error, 2 warning), ``message``, ``offsets`` and the
    ``excerpt`` of the text they point at.
    """
    unknown = {version: names for version, found in answer["notInCatalogue"].items()
               for names in [found["functions"] + found["procedures"]] if names}
    if unknown:
        raise ValueError(f"not Neo4j built-ins according to {answer['linter']}: {unknown}")
    return {result["name"]: result["diagnostics"] for result in answer["results"]}


def describe(text: str, diagnostics: list[dict[str, Any]]) -> str:
    """Readable lines for a failure message."""
    lines = [f"    {text}"]
    for d in diagnostics:
        level = {ERROR: "error", WARNING: "warning"}.get(d["severity"], f"severity {d['severity']}")
        start = d.get("offsets", {}).get("start", 0)
        lines.append(f"  [{d['cypherVersion']}] {level} at {start} ({d.get('excerpt', '')!r}): {d['message']}")
    return "\n".join(lines)
