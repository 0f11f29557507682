"""The planners' web app in a real browser on `national` (issue 17): JavaScript of the first view, the
map's first paint and a method change, against the issue's budgets.

    .venv/bin/python benchmarks/web.py [--runs 5] [--data-dir /tmp/hubnat] [--json web.json]

Budgets (issue 17): at most 350 KB of gzipped JavaScript for the first view (the map's code included),
the map painted at most 1.5 s after navigation starts, a method change painted within 500 ms. The
script measures and prints; it asserts nothing and exits 0 whatever the figures.

An empty data folder (a temporary one unless --data-dir) is seeded with `national` first
(`hub seed --profile national`, about a minute); a planner key is made with `hub keys create`
(note "benchmarks/web.py"; revoked at the end) and `hub serve` runs in a subprocess on a loopback
port with every setting at its default (the app's files are served as they are built: the server
does not compress).
Debian's Chromium runs headless through Playwright with the tests' command line
(tests/browser.py), one browser for the whole script and a fresh context (empty cache, empty
storage) for every page load; the key is put into sessionStorage before the app's scripts run, as
if the planner had signed in earlier in the tab.

Each run asks about another service (the hub's services by key, one per run), so the server's cache
has never seen that run's coverage questions: the hub keeps each coverage table per question, and a
first ask computes it. One untimed warm-up visit (the app's default, the first service) comes first,
so that no run pays for the server's once-per-process reads or the OS's file cache. A run:

1. `/` (the dashboard) in a fresh context, until its figures are shown: every response the page
   had by then, by kind. JavaScript counts against the budget gzipped at level 9 (Python's zlib;
   GNU `gzip -9` comes within 0.2%); what the server sent is recorded as well (content-encoding
   and body bytes). CSS, fonts and GeoJSON are listed beside it, not counted.
2. `/?view=coverage&service=S` in a fresh context: the same, until the map has drawn the answer's
   colours; and the map's first paint: in-page time (performance.now(), whose origin is the start of
   the navigation) when the frame holding the coloured shapes has been painted. The map sets a
   non-empty `data-question` on `.map[data-ready=true]` in the commit that colours its shapes; a
   MutationObserver sees the commit, a requestAnimationFrame waits for the frame it is drawn in and
   a message posted from that callback runs after the frame's paint. The app's own
   `performance.mark("hub:map-painted")` (set in an effect just after the commit) is kept beside it.
   The server answers this first ask cold.
3. In that page, the method changes ENHANCED -> TWO_STEP -> RATIO -> NEAREST -> ENHANCED, then the
   same cycle again: each from the `input` event of the `#method` select (in-page time) to the
   painted frame of the new question's colours, committed after its /graphql answer arrived (the
   render right after the choice already names the new question over the old colours: see
   PAINTED_AFTER). The first ask of TWO_STEP, RATIO and NEAREST is a
   server cache miss; every later one (ENHANCED, asked at load, and the second cycle) is a hit, and
   the two are reported apart.
4. `/?view=coverage&service=S` again in a fresh context: the first paint when the server has the
   answer cached (the browser's cache is empty again).

Reported: p50 and p99 (with five runs, the slowest) of each, against its target; the files of each
first view; where the first paint's and the method changes' time goes (in-page times of the
document, the scripts, the outlines, the coverage question and its answer, the commit, the frame);
console errors and warnings, CSP violations and requests
to another host (expected: none). The load average is printed at the start and after each run:
figures taken on a busy machine are not comparable (the machine this was written on has 2 cores).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from playwright.async_api import Browser, ConsoleMessage, Page, Response, async_playwright
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM_ARGS, RECORD_CSP_VIOLATIONS  # noqa: E402  (one command line for both)

HUB = [sys.executable, "-m", "hub.cli"]
TOKEN = re.compile(r"hub_[0-9a-f]{12}_[A-Za-z0-9_-]+")
SESSION_KEY = "hub.apiKey"  # web/src/session.ts
JS_BUDGET_KB = 350
FIRST_PAINT_TARGET_MS = 1500
METHOD_CHANGE_TARGET_MS = 500
# The map opens on ENHANCED (the app's default); the cycle asks each other method once, then comes back.
CYCLE = ("TWO_STEP", "RATIO", "NEAREST", "ENHANCED")
CYCLES = 2
MARKED = '(question) => performance.getEntriesByName("hub:map-painted").some((m) => m.detail === question)'
DASHBOARD_READY = 'table[data-figures="institutions"]'
console = Console(width=130)

# Runs before the app's scripts in every page: records each painted question and each method choice
# on the page's own clock (origin: the navigation's start).
INSTRUMENT = """
window.__bench = { paints: [], choices: [], dashboard: null };
(() => {
  let shown = "";
  const afterPaint = (record) => requestAnimationFrame(() => {
    // The callback's own argument is the frame's scheduled start, which may precede the commit.
    const frame = performance.now();
    // A message posted in the frame's rAF callback is handled after that frame is painted.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => record(frame, performance.now());
    channel.port2.postMessage(null);
  });
  const check = () => {
    const map = document.querySelector('.map[data-ready="true"]');
    const question = map ? map.getAttribute("data-question") || "" : "";
    if (question !== shown) {
      shown = question;
      if (question) {
        const committed = performance.now();
        afterPaint((frame, painted) => window.__bench.paints.push({ question, committed, frame, painted }));
      }
    }
    if (!window.__bench.dashboard && document.querySelector('table[data-figures="institutions"]')) {
      const committed = performance.now();
      window.__bench.dashboard = { committed };
      afterPaint((frame, painted) => Object.assign(window.__bench.dashboard, { frame, painted }));
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["data-question", "data-ready"] });
  document.addEventListener("input", (event) => {
    if (event.target.id === "method") {
      window.__bench.choices.push({ method: event.target.value, at: performance.now() });
    }
  }, true);
})();
"""

# After a method's choice: when the /graphql answer asked for it arrived (the view asks nothing else then),
# once it has.
ANSWERED = """(from) => performance.getEntriesByType("resource")
  .filter((r) => new URL(r.name).pathname === "/graphql" && r.startTime >= from)
  .map((r) => ({ sent: r.startTime, firstByte: r.responseStart, end: r.responseEnd }))[0]"""
# The painted frame of a method's colours committed after its answer arrived. Not the first change of
# `data-question`: the render that follows the choice already names the new question while the shapes
# still have the previous answer's colours (Coverage.tsx passes the new question with the old answer
# until useQuery's loading state; the app's mark fires for it too), then the shapes turn grey until
# the new colours come with the answer.
PAINTED_AFTER = """([method, after]) => window.__bench.paints.find(
  (p) => JSON.parse(p.question)[0].method === method && p.committed >= after)"""

# What the page knew when the map was painted: the app's marks and the resource timings.
TIMINGS = """() => ({
  marks: performance.getEntriesByName("hub:map-painted").map((m) => ({ at: m.startTime, question: m.detail })),
  document: { responseEnd: performance.getEntriesByType("navigation")[0].responseEnd },
  resources: performance.getEntriesByType("resource").map((r) => ({
    url: r.name, start: r.startTime, firstByte: r.responseStart, end: r.responseEnd })),
})"""


@dataclass
class File:
    """One response of a first view."""

    path: str
    kind: str  # js, css, font, geojson, html, graphql, other
    raw: int  # the body as the page got it, decoded
    gzip9: int  # that body gzipped at level 9
    encoding: str  # the content-encoding the server sent ("identity" when none)
    sent: int  # body bytes received (encoded, as sent)


@dataclass
class Run:
    service: str
    dashboard_files: list[File] = field(default_factory=list)
    coverage_files: list[File] = field(default_factory=list)
    dashboard_shown_ms: float = 0.0
    first_paint_cold_ms: float = 0.0
    first_paint_cold_mark_ms: float = 0.0
    first_paint_warm_ms: float = 0.0
    first_paint_warm_mark_ms: float = 0.0
    breakdown: dict[str, float] = field(default_factory=dict)  # in-page ms of the cold first load
    changes: list[dict[str, Any]] = field(default_factory=list)  # method, first (server miss), ms
    load_average: float = 0.0  # the 1-minute load average as the run ended
    problems: list[str] = field(default_factory=list)


def kind_of(url: str, resource_type: str) -> str:
    path = urlsplit(url).path
    if path.endswith((".js", ".mjs")) or resource_type == "script":
        return "js"
    if path.endswith(".css") or resource_type == "stylesheet":
        return "css"
    if path.endswith((".woff2", ".woff", ".ttf")) or resource_type == "font":
        return "font"
    if path.endswith(".geojson"):
        return "geojson"
    if path == "/graphql":
        return "graphql"
    return "html" if resource_type == "document" else "other"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# The hub: seeded folder, key, server.

def seed_if_empty(data_dir: Path, env: dict[str, str]) -> None:
    if (data_dir / "appendonlydir").exists():
        console.print(f"data folder {data_dir}: already seeded, reused")
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    console.print(f"seeding national into {data_dir} ...")
    started = time.perf_counter()
    subprocess.run([*HUB, "seed", "--profile", "national"], env=env, check=True, cwd=ROOT)
    console.print(f"seeded national in {time.perf_counter() - started:.1f} s")


def make_key(env: dict[str, str]) -> str:
    made = subprocess.run([*HUB, "keys", "create", "--role", "planner", "--all-provinces",
                           "--note", "benchmarks/web.py"], cwd=ROOT, env=env, capture_output=True, text=True)
    found = TOKEN.search(made.stdout)
    if made.returncode != 0 or found is None:
        raise SystemExit(f"hub keys create failed:\n{made.stdout}{made.stderr}")
    return found.group(0)


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([*HUB, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)


def wait_ready(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 300
    with httpx.Client(timeout=10) as http:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"hub serve ended with status {server.returncode}; see {log}")
            try:
                if http.get(f"{base}/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise SystemExit(f"hub serve not ready after 300 s; see {log}")


def services_of(base: str, token: str) -> list[str]:
    query = "{ services(first: 100, orderBy: KEY) { nodes { key } } }"
    body = httpx.post(f"{base}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"},
                      timeout=60).json()
    return [node["key"] for node in body["data"]["services"]["nodes"]]


# The browser.

class Visit:
    """A page in a fresh browser context, signed in, recording what it loads and anything it
    complains about."""

    def __init__(self, browser: Browser, base: str, token: str, problems: list[str]) -> None:
        self.browser, self.base, self.token, self.problems = browser, base, token, problems
        self.responses: list[Response] = []
        self.recording = True

    async def __aenter__(self) -> Page:
        self.context = await self.browser.new_context()
        page = await self.context.new_page()
        await page.add_init_script(f"sessionStorage.setItem({json.dumps(SESSION_KEY)}, {json.dumps(self.token)});")
        await page.add_init_script(RECORD_CSP_VIOLATIONS)
        await page.add_init_script(INSTRUMENT)
        host = urlsplit(self.base).netloc

        def answered(response: Response) -> None:
            if self.recording:
                self.responses.append(response)

        def requested(url: str) -> None:
            if urlsplit(url).netloc != host:
                self.problems.append(f"request to another host: {url}")

        def logged(message: ConsoleMessage) -> None:
            if message.type in ("error", "warning"):
                self.problems.append(f"console {message.type}: {message.text}")

        page.on("response", answered)
        page.on("request", lambda r: requested(r.url))
        page.on("console", logged)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page = page
        return page

    async def __aexit__(self, *exc: object) -> None:
        violations = await self.page.evaluate("window.__cspViolations")
        self.problems += [f"CSP violation: {v}" for v in violations]
        await self.context.close()

    async def files(self) -> list[File]:
        """The responses had so far (recording stops here), each with its sizes."""
        self.recording = False
        files = []
        for response in self.responses:
            body = await response.body() if response.status == 200 else b""
            sizes = await response.request.sizes()
            files.append(File(path=urlsplit(response.url).path,
                              kind=kind_of(response.url, response.request.resource_type),
                              raw=len(body), gzip9=len(gzip.compress(body, 9)),
                              encoding=response.headers.get("content-encoding", "identity"),
                              sent=sizes["responseBodySize"]))
        return files


async def first_painted(page: Page) -> dict[str, Any]:
    """The first paint record, once there is one."""
    # Functions, not expressions: Playwright would eval() an expression, which the app's CSP refuses.
    await page.wait_for_function("() => window.__bench.paints.length > 0", timeout=120_000)
    return await page.evaluate("window.__bench.paints[0]")


async def dashboard(browser: Browser, base: str, token: str, run: Run) -> None:
    visit = Visit(browser, base, token, run.problems)
    async with visit as page:
        await page.goto(f"{base}/")
        await page.wait_for_selector(DASHBOARD_READY, timeout=120_000)
        run.dashboard_files = await visit.files()
        await page.wait_for_function("() => window.__bench.dashboard && window.__bench.dashboard.painted")
        run.dashboard_shown_ms = await page.evaluate("window.__bench.dashboard.painted")


async def first_paint(browser: Browser, base: str, token: str, run: Run, url: str, *, cold: bool) -> None:
    visit = Visit(browser, base, token, run.problems)
    async with visit as page:
        await page.goto(url)
        paint = await first_painted(page)
        await page.wait_for_function(MARKED, arg=paint["question"])
        timings = await page.evaluate(TIMINGS)
        mark = next(m["at"] for m in timings["marks"] if m["question"] == paint["question"])
        if not cold:
            run.first_paint_warm_ms, run.first_paint_warm_mark_ms = paint["painted"], mark
            return
        run.coverage_files = await visit.files()
        run.first_paint_cold_ms, run.first_paint_cold_mark_ms = paint["painted"], mark
        resources = [r for r in timings["resources"] if r["end"] <= paint["committed"]]

        def ends(kind: str) -> float:
            return max((r["end"] for r in resources if kind_of(r["url"], "") == kind), default=0.0)

        answer = max((r for r in resources if kind_of(r["url"], "") == "graphql"), key=lambda r: r["end"])
        run.breakdown = {"document received": timings["document"]["responseEnd"],
                         "scripts received (last)": ends("js"), "outlines received (GeoJSON)": ends("geojson"),
                         "coverage asked (the last /graphql)": answer["start"],
                         "coverage answer's first byte": answer["firstByte"],
                         "coverage answer received": answer["end"],
                         "shapes coloured (commit)": paint["committed"], "the app's mark": mark,
                         "frame began (requestAnimationFrame)": paint["frame"],
                         "frame painted": paint["painted"]}
        await method_changes(page, run)


async def method_changes(page: Page, run: Run) -> None:
    """The cycle of methods, CYCLES times, in the loaded coverage view."""
    asked = {"ENHANCED"}  # the view opened on it
    for _ in range(CYCLES):
        for method in CYCLE:
            await page.select_option("#method", method)
            choice = (await page.evaluate("window.__bench.choices"))[-1]
            answer = await (await page.wait_for_function(ANSWERED, arg=choice["at"], timeout=120_000)).json_value()
            paint = await (await page.wait_for_function(PAINTED_AFTER, arg=[method, answer["end"]],
                                                        timeout=120_000)).json_value()
            run.changes.append({"method": method, "first": method not in asked,
                                "sent_ms": answer["sent"] - choice["at"],
                                "first_byte_ms": answer["firstByte"] - choice["at"],
                                "answer_ms": answer["end"] - choice["at"],
                                "commit_ms": paint["committed"] - choice["at"],
                                "frame_ms": paint["frame"] - choice["at"], "ms": paint["painted"] - choice["at"]})
            asked.add(method)


async def one_run(browser: Browser, base: str, token: str, service: str) -> Run:
    run = Run(service=service)
    await dashboard(browser, base, token, run)
    url = f"{base}/?view=coverage&service={quote(service)}"
    await first_paint(browser, base, token, run, url, cold=True)
    await first_paint(browser, base, token, run, url, cold=False)
    return run


# The report.

def total(files: list[File], kind: str, attribute: str) -> int:
    return sum(getattr(f, attribute) for f in files if f.kind == kind)


def verdict(p50: float, p99: float, target: float) -> str:
    if p99 <= target:
        return "[green]yes[/]"
    return "[yellow]p50 only[/]" if p50 <= target else "[red]NO[/]"


def report(runs: list[Run]) -> dict[str, Any]:
    rows: list[tuple[str, str, list[float], float | None]] = [
        ("JavaScript, first view /?view=coverage (gzip -9)", "KB",
         [total(r.coverage_files, "js", "gzip9") / 1000 for r in runs], JS_BUDGET_KB),
        ("JavaScript, first view / (gzip -9)", "KB", [total(r.dashboard_files, "js", "gzip9") / 1000 for r in runs],
         JS_BUDGET_KB),
        ("map first paint, answer not cached on the server", "ms", [r.first_paint_cold_ms for r in runs],
         FIRST_PAINT_TARGET_MS),
        ("map first paint, answer cached on the server", "ms", [r.first_paint_warm_ms for r in runs],
         FIRST_PAINT_TARGET_MS),
        ("method change, first ask of the method (server miss)", "ms",
         [c["ms"] for r in runs for c in r.changes if c["first"]], METHOD_CHANGE_TARGET_MS),
        ("method change, asked before (server hit)", "ms",
         [c["ms"] for r in runs for c in r.changes if not c["first"]], METHOD_CHANGE_TARGET_MS),
        ("  the app's mark, first paint (not cached)", "ms", [r.first_paint_cold_mark_ms for r in runs], None),
        ("  dashboard figures painted", "ms", [r.dashboard_shown_ms for r in runs], None),
    ]
    table = Table(title=f"web app budgets on national, {len(runs)} runs (in-page time from navigation start)")
    for heading in ("measure", "n", "p50", "p99/max", "min", "target", "met?"):  # KB: 1,000 bytes
        table.add_column(heading, justify="left" if heading == "measure" else "right")
    summary: dict[str, Any] = {}
    for name, unit, values, target in rows:
        p50, p99 = statistics.median(values), percentile(values, 0.99)
        table.add_row(name, str(len(values)), f"{p50:,.1f} {unit}", f"{p99:,.1f} {unit}", f"{min(values):,.1f} {unit}",
                      "" if target is None else f"{target:,} {unit}",
                      "" if target is None else verdict(p50, p99, target))
        summary[name] = {"unit": unit, "n": len(values), "p50": p50, "p99": p99, "min": min(values), "target": target}
    console.print(table)

    for title, files in (("first view /?view=coverage", runs[0].coverage_files),
                         ("first view /", runs[0].dashboard_files)):
        listing = Table(title=f"{title}: what the page loaded until ready (run 1)")
        for heading in ("file", "kind", "raw B", "gzip -9 B", "sent as", "sent B"):
            listing.add_column(heading, justify="left" if heading in ("file", "kind", "sent as") else "right")
        for f in sorted(files, key=lambda f: (f.kind, f.path)):
            listing.add_row(f.path, f.kind, f"{f.raw:,}", f"{f.gzip9:,}", f.encoding, f"{f.sent:,}")
        for kind in ("js", "css", "font", "geojson"):
            if any(f.kind == kind for f in files):
                listing.add_row(f"all {kind}", "", f"{total(files, kind, 'raw'):,}", f"{total(files, kind, 'gzip9'):,}",
                                "", f"{total(files, kind, 'sent'):,}", style="bold")
        console.print(listing)
    differing = [r.service for r in runs if [asdict(f) for f in r.coverage_files if f.kind == "js"]
                 != [asdict(f) for f in runs[0].coverage_files if f.kind == "js"]]
    if differing:
        console.print(f"[yellow]the coverage view's JavaScript differed from run 1's in the runs of {differing}[/]")

    steps = Table(title="where the first paint's time goes (answer not cached; in-page ms from navigation start)")
    for heading in ("step", "p50", "max"):
        steps.add_column(heading, justify="left" if heading == "step" else "right")
    medians = {step: statistics.median(r.breakdown[step] for r in runs) for step in runs[0].breakdown}
    for step in sorted(medians, key=medians.__getitem__):
        steps.add_row(step, f"{medians[step]:,.0f}", f"{max(r.breakdown[step] for r in runs):,.0f}")
    console.print(steps)

    split = Table(title="method changes: ms from the choice to ... (p50 / max)")
    split.add_column("server cache")
    steps_of = {"request sent": "sent_ms", "answer's first byte": "first_byte_ms", "answer received": "answer_ms",
                "colours committed": "commit_ms", "frame began": "frame_ms",
                "frame painted": "ms"}
    for heading in steps_of:
        split.add_column(heading, justify="right")
    for label, first in (("miss (first ask)", True), ("hit (asked before)", False)):
        changes = [c for r in runs for c in r.changes if c["first"] == first]
        split.add_row(label, *(f"{statistics.median(c[k] for c in changes):,.0f} / {max(c[k] for c in changes):,.0f}"
                               for k in steps_of.values()))
    console.print(split)

    by_method = Table(title="method changes, each (ms from the choice to the painted frame; * server miss)")
    by_method.add_column("service")
    for n, method in enumerate(CYCLE * CYCLES):
        by_method.add_column(f"{method} {n // len(CYCLE) + 1}", justify="right")
    for r in runs:
        by_method.add_row(r.service, *(f"{c['ms']:,.0f}{'*' if c['first'] else ''}" for c in r.changes))
    console.print(by_method)
    return summary


async def measure(base: str, token: str, services: list[str], runs: int) -> tuple[list[Run], str]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            console.print(f"Chromium {browser.version}; warm-up with {services[0]} (untimed)")
            await one_run(browser, base, token, services[0])
            done = []
            for n in range(runs):
                service = services[1 + n % (len(services) - 1)]
                if n == len(services) - 1:
                    console.print("[yellow]more runs than services: later runs ask questions the server has cached[/]")
                run = await one_run(browser, base, token, service)
                run.load_average = os.getloadavg()[0]
                done.append(run)
                console.print(f"run {n + 1}/{runs} ({service}, load average {run.load_average:.2f}): first paint "
                              f"{run.first_paint_cold_ms:,.0f} ms cold, {run.first_paint_warm_ms:,.0f} ms warm; "
                              "method changes " + ", ".join(f"{c['ms']:,.0f}" for c in run.changes) + " ms")
            return done, browser.version
        finally:
            await browser.close()


def main(args: argparse.Namespace, data_dir: Path) -> None:
    env = {**os.environ, "HUB_DATA_DIR": str(data_dir)}
    console.print(f"{os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
                  f"{args.runs} runs; data folder {data_dir}")
    seed_if_empty(data_dir, env)
    token = make_key(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = data_dir / "web-benchmark.log"  # hub serve's output
    started = time.perf_counter()
    server = serve(env, port, log)
    try:
        wait_ready(base, server, log)
        console.print(f"hub serve ready in {time.perf_counter() - started:.1f} s (log {log})")
        services = services_of(base, token)
        runs, version = asyncio.run(measure(base, token, services, args.runs))
    finally:
        # The key was only for this script: revoked (through the running server's store) so that
        # repeated runs leave no live keys behind.
        subprocess.run([*HUB, "keys", "revoke", token.split("_")[1]], cwd=ROOT, env=env, capture_output=True,
                       check=False)
        server.send_signal(signal.SIGTERM)  # serve stops the embedded server it started
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
    summary = report(runs)
    problems = sorted({p for r in runs for p in r.problems})
    console.print(f"console errors or warnings, CSP violations, requests to another host: {len(problems)}")
    for problem in problems:
        console.print(f"[red]{problem}[/]", highlight=False)
    load_after = os.getloadavg()
    console.print(f"load average after: {' '.join(f'{x:.2f}' for x in load_after)}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "cores": os.cpu_count(), "chromium": version, "load_average_after": load_after, "summary": summary,
            "problems": problems, "runs": [asdict(r) for r in runs]}, indent=1, ensure_ascii=False))
        console.print(f"figures written to {args.json}")


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--runs", type=int, default=5)
    cli.add_argument("--data-dir", type=Path, help="a folder seeded with national, or an empty one to seed "
                                                   "(default: a temporary one, seeded)")
    cli.add_argument("--json", help="write every figure to this file")
    arguments = cli.parse_args()
    if arguments.data_dir is not None:
        main(arguments, arguments.data_dir.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="hub-web-") as folder:
            main(arguments, Path(folder))
    sys.exit(0)
