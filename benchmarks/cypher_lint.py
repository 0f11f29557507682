"""What Neo4j's linter costs: tests/test_cypher_lint.py's lint of every registered statement, timed.

    .venv/bin/python benchmarks/cypher_lint.py [--workers N] [--java-assertions] [--slowest 5]

Lints the statements the hub may send to Neo4j the way the test does (one node process,
``tools/cypher-lint/lint.mjs``, each statement as Cypher 5 and Cypher 25) and prints the
statement count, the distinct texts linted, the node process's worker threads, the wall
time, the milliseconds per statement (wall) and per distinct text (time spent linting it,
both versions, summed over the threads), the CPU time node used, and the slowest texts.
``--java-assertions`` runs the package's compiled Java with its assertions on (as the
package ships; see lint.mjs) and ``--workers`` overrides one thread per core.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph_model.cypher import all_statements  # noqa: E402
from tests.cypher_lint import run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="Time the lint of every statement by Neo4j's linter.")
    parser.add_argument("--workers", type=int, default=None, help="worker threads (default: one per core)")
    parser.add_argument("--java-assertions", action="store_true", help="the compiled Java's assertions on")
    parser.add_argument("--slowest", type=int, default=5, help="how many of the slowest texts to list")
    args = parser.parse_args()

    statements = [s for s in all_statements() if s.dialect in ("both", "neo4j")]
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    answer = run(statements, workers=args.workers, java_assertions=args.java_assertions)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    info = answer["run"]
    rejected = [r["name"] for r in answer["results"] if r["diagnostics"]]
    slowest: dict[str, tuple[int, list[str]]] = {}
    texts = {s.name: s.text for s in statements}
    for result in answer["results"]:
        key = texts[result["name"]]
        slowest.setdefault(key, (result["ms"], []))[1].append(result["name"])
    print(f"linter              {answer['linter']} ({', '.join(answer['cypherVersions'])})")
    print(f"load average        {load:.2f} (1 min, at the start)")
    print(f"statements          {info['statements']}")
    print(f"distinct texts      {info['distinct']}")
    print(f"node                1 process, {info['workers']} worker threads, Java assertions "
          f"{'on' if info['javaAssertions'] else 'off'}, parse shared by the versions: {info['sharedParse']}")
    print(f"wall                {wall:.1f} s (node's own count: {info['wallMs'] / 1000:.1f} s)")
    print(f"ms per statement    {1000 * wall / info['statements']:.0f} (wall)")
    print(f"ms per text         {info['lintMs'] / info['distinct']:.0f} (linting it as both versions, one thread)")
    print(f"node CPU            {cpu:.1f} s")
    print(f"rejected            {len(rejected)}{': ' + ', '.join(rejected) if rejected else ''}")
    for ms, names in sorted(slowest.values(), reverse=True)[:args.slowest]:
        print(f"  {ms:6d} ms  {len(texts[names[0]]):5d} chars  {', '.join(names)}")


if __name__ == "__main__":
    main()
