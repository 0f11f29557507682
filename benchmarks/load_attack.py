"""The attacker of `benchmarks/load.py --attack` (issue 15): one attack a second from its own key, a
watcher sampling `/healthz` and a cheap query of a third key, and the comparison of the phases."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from rich.console import Console
from rich.table import Table

CHEAP = "{ provinces(first: 5) { totalCount nodes { key } } }"
WHAT_IF = ("query($q: CoverageQuestion!, $c: [CoverageChangeInput!]!) { coverageWhatIf(question: $q, changes: $c) "
           "{ after { need } } }")


def bearer(secret: str, subject: str, role: str = "planner") -> dict[str, str]:
    claims = {"sub": subject, "role": role, "provinces": "*", "exp": int(time.time()) + 24 * 3600}
    return {"Authorization": f"Bearer {jwt.encode(claims, secret, algorithm='HS256')}"}


@dataclass
class Outcomes:
    """Per attack: how it was answered (``LIMIT_EXCEEDED/list``, ``200``...), and how fast."""

    answers: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class Watch:
    healthz: list[float] = field(default_factory=list)
    cheap: list[float] = field(default_factory=list)
    failures: int = 0


def _answer(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    errors = body.get("errors") or []
    if not errors:
        return f"HTTP {response.status_code} ok"
    extensions = errors[0].get("extensions") or {}
    return f"HTTP {response.status_code} {extensions.get('code')}/{extensions.get('limit', '-')}"


def payloads(institutions: list[str], services: list[str]) -> dict[str, Any]:
    """The attacks, their bodies encoded once (a 1 MB body costs the client too)."""
    ids = [base64.b64encode(f"Institution:{institutions[i % len(institutions)]}".encode()).decode()
           for i in range(29_000)]
    aliased = " ".join(f"b{i}: brokers(metric: BETWEENNESS, scope: {{jalaliYear: {1370 + i}}}) {{ nodes }}"
                       for i in range(30))
    changes = [{"closeInstitution": institutions[i % len(institutions)]} for i in range(11_000)]
    return {
        "29,000 ids": json.dumps({"query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
                                  "variables": {"ids": ids}}).encode(),
        "90,000 enum values": json.dumps({
            "query": "query($f: InstitutionFilter) { institutions(filter: $f) { totalCount } }",
            "variables": {"f": {"kind": ["SCHOOL"] * 90_000}}}).encode(),
        "30 aliased brokers": json.dumps({"query": "{ " + aliased + " }"}).encode(),
        "4 analyses at once": None,  # built per send: fresh windows, so nothing is cached
        "11,000 what-if changes": json.dumps({"query": WHAT_IF, "variables": {
            "q": {"service": services[0]}, "c": changes}}).encode(),
    }


async def _send(client: httpx.AsyncClient, name: str, body: bytes, headers: dict[str, str],
                outcomes: Outcomes) -> None:
    started = time.perf_counter()
    try:
        response = await client.post("/graphql", content=body, headers={**headers, "content-type": "application/json"})
        answer = _answer(response)
    except httpx.HTTPError as exc:
        answer = f"transport {type(exc).__name__}"
    outcomes.latencies[name].append((time.perf_counter() - started) * 1000)
    outcomes.answers[name][answer] += 1


async def attacker(client: httpx.AsyncClient, secret: str, institutions: list[str], services: list[str],
                   stop: float, outcomes: Outcomes) -> None:
    """One attack a second (the four analyses are one attack sent as four requests), never awaiting
    an answer before the next second's attack."""
    headers = bearer(secret, "load-attacker")
    bodies = payloads(institutions, services)
    windows = itertools.count()
    sent: list[asyncio.Task[None]] = []
    for name in itertools.cycle(bodies):
        if time.monotonic() >= stop:
            break
        if bodies[name] is None:
            for _ in range(4):
                year = 1300 + next(windows) % 400
                query = f"{{ brokers(metric: BETWEENNESS, scope: {{jalaliYear: {year}}}) {{ nodes edges }} }}"
                sent.append(asyncio.ensure_future(_send(client, name, json.dumps({"query": query}).encode(), headers,
                                                        outcomes)))
        else:
            sent.append(asyncio.ensure_future(_send(client, name, bodies[name], headers, outcomes)))
        await asyncio.sleep(1.0)
    await asyncio.gather(*sent)


async def watch(client: httpx.AsyncClient, secret: str, stop: float, watched: Watch) -> None:
    """`/healthz` and a cheap query of another key, every 0.2 s."""
    headers = bearer(secret, "load-watcher", "viewer")
    while time.monotonic() < stop:
        started = time.perf_counter()
        health = await client.get("/healthz")
        watched.healthz.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        cheap = await client.post("/graphql", json={"query": CHEAP}, headers=headers)
        watched.cheap.append((time.perf_counter() - started) * 1000)
        if health.status_code != 200 or cheap.status_code != 200 or "errors" in cheap.json():
            watched.failures += 1
        await asyncio.sleep(0.2)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def compare(console: Console, before: dict[str, list[float]], before_errors: dict[str, int],
            after: dict[str, list[float]], after_errors: dict[str, int], outcomes: Outcomes, watched: Watch) -> bool:
    """The well-behaved clients without and with the attacker; the attacks' answers; the watcher."""
    table = Table(title="well-behaved clients, without and with the attacker")
    for heading in ("phase", "requests", "errors", "p50 ms", "p99 ms"):
        table.add_column(heading, justify="left" if heading == "phase" else "right")
    figures = {}
    for phase, latencies, errors in (("without", before, before_errors), ("with", after, after_errors)):
        every = [v for values in latencies.values() for v in values]
        figures[phase] = (sum(errors.values()), _p(every, 0.99))
        table.add_row(phase, f"{len(every) + figures[phase][0]:,}", str(figures[phase][0]),
                      f"{statistics.median(every):,.1f}", f"{figures[phase][1]:,.1f}")
    console.print(table)
    attacks = Table(title="the attacks (one a second, key load-attacker)")
    for heading in ("attack", "sent", "answers", "p50 ms", "max ms"):
        attacks.add_column(heading, justify="left" if heading in ("attack", "answers") else "right")
    for name, answers in outcomes.answers.items():
        times = outcomes.latencies[name]
        attacks.add_row(name, str(sum(answers.values())), ", ".join(f"{k} x{v}" for k, v in answers.most_common()),
                        f"{statistics.median(times):,.1f}", f"{max(times):,.1f}")
    console.print(attacks)
    console.print(f"watcher, every 0.2 s during the attack: /healthz p50 {_p(watched.healthz, 0.5):.1f} ms, "
                  f"p99 {_p(watched.healthz, 0.99):.1f} ms, max {max(watched.healthz):.1f} ms "
                  f"({len(watched.healthz)} samples); cheap query of another key p50 {_p(watched.cheap, 0.5):.1f} ms, "
                  f"p99 {_p(watched.cheap, 0.99):.1f} ms, max {max(watched.cheap):.1f} ms; failures {watched.failures}")
    ratio = figures["with"][1] / figures["without"][1]
    met = figures["with"][0] == 0 and ratio <= 2.0
    console.print(f"errors with the attacker: {figures['with'][0]}; p99 with / without: {ratio:.2f} "
                  f"(target <= 2) -> {'met' if met else 'MISSED'}")
    return met
