"""A real browser on the real app: the ASGI app served by uvicorn on a loopback port (in the test's
own event loop, where the store's client lives) and Debian's Chromium driven by Playwright.

Playwright's own browser downloads (``playwright install``) are not used: machines without internet
access cannot fetch them, so Playwright launches the system's ``/usr/bin/chromium`` (apt-get install
chromium). Every request the page makes, every console message and every Content-Security-Policy
violation is recorded, so a test can say the page fetched nothing from elsewhere and logged no error.

``assert_accessible`` runs axe-core (npm, installed into web/node_modules by ``npm ci --prefix web``)
in the page and fails on its serious and critical violations.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.types import ASGIApp

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# Runs before the page's own scripts (injected by the browser, so the page's CSP does not apply).
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""


@dataclass
class Served:
    """The app on ``base`` (``http://127.0.0.1:<port>``) and what it answered: (method, path, status)."""

    base: str
    answered: list[tuple[str, str, int]] = field(default_factory=list)


@contextlib.asynccontextmanager
async def serve(app: ASGIApp) -> AsyncIterator[Served]:
    """Serve ``app`` (its lifespan runs) on a free loopback port until the block ends."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    served = Served(f"http://127.0.0.1:{sock.getsockname()[1]}")

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        async def record(message: Any) -> None:
            if message["type"] == "http.response.start":
                served.answered.append((scope["method"], scope["path"], message["status"]))
            await send(message)
        await app(scope, receive, record if scope["type"] == "http" else send)

    server = uvicorn.Server(uvicorn.Config(recording, log_level="warning", lifespan="on"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if serving.done():
                pytest.fail(f"uvicorn did not start: {serving.exception()!r}")
            await asyncio.sleep(0.05)
        yield served
    finally:
        server.should_exit = True
        await serving
        sock.close()


@dataclass
class Recorded:
    """What a page did: its requests (method, url, headers), console messages (type, text) and
    uncaught errors."""

    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _playwright() -> Any:
    try:
        import playwright.async_api
    except ImportError:
        pytest.fail("Playwright is needed for this test: .venv/bin/pip install -e '.[test]'")
    return playwright.async_api


WAIT_S = 30  # how long a test waits for the page before failing: a busy machine is slow, not wrong


def expect() -> Any:
    """Playwright's ``expect`` (assertions that wait, up to WAIT_S), imported only by the tests that drive
    a browser."""
    expect = _playwright().expect
    expect.set_options(timeout=WAIT_S * 1000)
    return expect


async def settled(elements: Any, script: str, want: Any) -> Any:
    """What ``script`` gives over the elements of the ``elements`` locator once it equals ``want`` (or
    ``want(it)`` is true, for a function), waiting up to WAIT_S while the page redraws; else the last
    thing it gave, for the caller's assertion to show."""
    done = want if callable(want) else (lambda got: got == want)
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while True:
        got = await elements.evaluate_all(script)
        if done(got) or asyncio.get_running_loop().time() > deadline:
            return got
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def chromium(extra_args: Sequence[str] = ()) -> AsyncIterator[tuple[Any, Recorded]]:
    """A new page (``playwright.async_api.Page``) in a headless Debian Chromium, and its record;
    ``extra_args`` are added to the command line. The page is in a browser context of its own (its
    own cookies, storage and cache), in the browser this event loop launched for that command line."""
    browser = await _launched(tuple(extra_args))
    recorded = Recorded()
    context = await browser.new_context()
    try:
        context.set_default_timeout(2 * WAIT_S * 1000)
        page = await context.new_page()
        await page.add_init_script(RECORD_CSP_VIOLATIONS)
        page.on("request", lambda r: recorded.requests.append((r.method, r.url, r.headers)))
        page.on("console", lambda m: recorded.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: recorded.errors.append(str(e)))
        yield page, recorded
    finally:
        await context.close()


# Playwright and a Chromium per event loop and command line, launched when first asked for and
# closed by ``close_all`` (tests/conftest.py, at the session's end): starting both took about a
# second of CPU and of waiting, for each of a dozen tests.
_LAUNCHED: dict[tuple[asyncio.AbstractEventLoop, tuple[str, ...]], tuple[Any, Any]] = {}


async def _launched(extra_args: tuple[str, ...]) -> Any:
    place = (asyncio.get_running_loop(), extra_args)
    found = _LAUNCHED.get(place)
    if found is not None and found[1].is_connected():
        return found[1]
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not shutil.which(executable):
        pytest.fail("Debian's chromium is needed for this test: apt-get install -y chromium")
    playwright = await _playwright().async_playwright().start()
    try:
        browser = await playwright.chromium.launch(executable_path=executable, args=[*CHROMIUM_ARGS, *extra_args],
                                                   headless=True)
    except BaseException:
        await playwright.stop()
        raise
    if found is not None:  # a browser that crashed or was closed: its Playwright goes with it
        await found[0].stop()
    _LAUNCHED[place] = (playwright, browser)
    return browser


async def close_all() -> None:
    """Close the browsers (and their Playwright) this event loop launched."""
    loop = asyncio.get_running_loop()
    for place in [place for place in _LAUNCHED if place[0] is loop]:
        playwright, browser = _LAUNCHED.pop(place)
        try:
            await browser.close()
        finally:
            await playwright.stop()


AXE = Path(__file__).resolve().parent.parent / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")  # the bar (none of these); moderate and minor ones do not fail


async def axe(page: Any, *, context: str | None = None) -> list[dict[str, Any]]:
    """axe-core's violations in ``page`` (or in the elements matching the selector ``context``), each
    ``{id, impact, help, helpUrl, nodes: [{target, failureSummary}]}``, under its default rules (WCAG 2.x
    A and AA and best practices).

    axe is evaluated through DevTools (Runtime.evaluate), not added as a <script>: the page's CSP allows
    only its own scripts and would refuse an inline one (and log the violation the tests look for).
    A new document needs it again; a change of view in the app keeps it."""
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        if not AXE.is_file():
            pytest.fail(f"axe-core is missing ({AXE}): npm ci --prefix web --no-audit --no-fund --loglevel=error")
        devtools = await page.context.new_cdp_session(page)
        try:
            loaded = await devtools.send("Runtime.evaluate", {"expression": AXE.read_text(encoding="utf-8")})
        finally:
            await devtools.detach()
        assert "exceptionDetails" not in loaded, loaded["exceptionDetails"]
    return list(await page.evaluate("""async context => {
      const found = await axe.run(context ?? document, { resultTypes: ["violations"] });
      return found.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({ target: n.target.map(String), failureSummary: n.failureSummary })) }));
    }""", context))


def described(violations: list[dict[str, Any]]) -> str:
    """Violations one per line, each node's target (CSS selector) and what to fix under it."""
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({v['helpUrl']})")
        lines += [f"    {' '.join(n['target'])}: {' / '.join(n['failureSummary'].splitlines()[1:]).strip()}"
                  for n in v["nodes"]]
    return "\n".join(lines)


async def assert_accessible(page: Any, where: str) -> None:
    """Fail, naming ``where`` and each node, when axe finds a serious or critical violation in ``page``."""
    blocking = [v for v in await axe(page) if v["impact"] in BLOCKING]
    assert not blocking, f"accessibility violations on {where}:\n{described(blocking)}"


async def sign_in(page: Any, url: str, key: str) -> None:
    """Open ``url`` (its ``lang=en`` or not says the sign-in page's language) and sign in with ``key``."""
    english = "lang=en" in url
    await page.goto(url)
    await page.get_by_label("API key" if english else "کلید API").fill(key)
    await page.get_by_role("button", name="Sign in" if english else "ورود").click()


def assert_no_trouble(base: str, seen: Recorded, *, console: Sequence[str] = ()) -> None:
    """The page fetched nothing from a host but ``base``'s, threw nothing, and logged no error or
    warning but the ``console`` lines expected."""
    foreign = [url for _, url, _ in seen.requests if not url.startswith(base + "/")]
    assert not foreign, foreign
    assert not seen.errors, seen.errors
    logged = [text for kind, text in seen.console if kind in ("error", "warning")]
    assert logged == list(console), logged
