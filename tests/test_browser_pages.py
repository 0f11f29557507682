"""tests.browser.chromium: one Chromium serves the session, and each page is in a browser context of its
own, so nothing a test leaves in the browser (storage, cookies, cached responses) reaches the next."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from tests import browser


async def cacheable(_: Request) -> HTMLResponse:
    return HTMLResponse("<!doctype html><title>page</title><p>page</p>", headers={"cache-control": "max-age=3600"})


async def test_a_page_finds_nothing_an_earlier_page_left() -> None:
    async with browser.serve(Starlette(routes=[Route("/", cacheable)])) as served:
        async with browser.chromium() as (first, _):
            await first.goto(served.base + "/")
            await first.evaluate("() => { localStorage.setItem('left', '1'); document.cookie = 'left=1; max-age=60'; }")
            assert await first.evaluate("() => [localStorage.getItem('left'), document.cookie]") == ["1", "left=1"]
            launched = first.context.browser
        async with browser.chromium() as (second, _):
            await second.goto(served.base + "/")
            assert await second.evaluate("() => [localStorage.getItem('left'), document.cookie]") == [None, ""]
            assert second.context.browser is launched and launched.is_connected()  # the same Chromium
    assert served.answered.count(("GET", "/", 200)) == 2  # the second page's cache was empty too
