"""The planners' web app at / (web/, built into hub/static/app): its HTTP headers, and the app itself
in Debian's Chromium driven by Playwright (tests/browser.py).

The browser test signs in with a viewer key as a planner would: the page is Persian and right to
left, the English switch changes labels and direction, the role the API gives is shown, and the
dashboard's figures for the country and for a province (a deep link) equal the API's, withheld ones
shown as withheld; axe-core finds no serious or critical accessibility violation on the sign-in form
and either dashboard. Nothing is fetched from another host, nothing is logged as an error, no CSP
violation. Screenshots of each step are kept under the test's tmp dir.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from graph_model import api_keys
from graph_model.enums import Label
from graph_model.mutations import create_node, record_donation
from graph_model.stores.falkordb import FalkorStore
from hub.app import create_app
from hub.http import web_app
from hub.settings import Settings
from tests import browser
from tests.asgi import asgi_client
from tests.builders import build_world, names

OVERVIEW = """query ($province: String) { overview(province: $province) {
  institutionsByKind { kind count } totals { institutions }
  donations(calendar: JALALI) { amount donations suppressed years { year amount donations donors suppressed } } } }"""
PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789", "٬,")  # digits to ASCII; group separators dropped


async def test_the_page_and_assets_carry_cache_and_security_headers(store: FalkorStore) -> None:
    async with asgi_client(store, role=None) as http:  # static files: no credentials needed
        page = await http.get("/")
        assets = [await http.get(f"{web_app.ASSETS}/{f.name}") for f in (web_app.BUILD / "assets").iterdir()]
        missing = await http.get(f"{web_app.ASSETS}/index-00000000.js")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "no-cache"
    assert assets and all(a.status_code == 200 for a in assets)
    assert {a.headers["cache-control"] for a in assets} == {"public, max-age=31536000, immutable"}
    # Scripts, styles and outlines travel gzipped (httpx asks for gzip and undoes it): smaller by far.
    compressible = [a for a in assets if a.url.path.endswith((".js", ".css", ".geojson")) and len(a.content) > 1024]
    assert len(compressible) >= 4, [a.url.path for a in assets]  # scripts, styles, both outlines
    for a in compressible:
        assert a.headers.get("content-encoding") == "gzip", a.url
        assert a.num_bytes_downloaded < len(a.content) / 2, a.url
    assert missing.status_code == 404 and "immutable" not in missing.headers.get("cache-control", "")
    for response in (page, *assets):
        assert response.headers["content-security-policy"] == web_app.CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
    policy = dict(p.strip().split(" ", 1) for p in web_app.CONTENT_SECURITY_POLICY.split(";"))
    assert set(policy.values()) == {"'self'", "'none'"}  # the hub's own origin, nothing inline, no data:


async def world(store: FalkorStore) -> None:
    """build_world, with donations in two Jalali years: 1402 includes an individual's gift (withheld
    from a viewer), 1403 only a company's."""
    await build_world(store)
    await create_node(store, Label.DONOR, {"key": "donor-ind", "kind": "INDIVIDUAL", "province": "IR-00",
                                           **names("Private person")})
    await record_donation(store, donor="donor-ind", amount=1_000_000, date="2024-01-01", institution="inst-a")
    await record_donation(store, donor="donor-1", amount=5_000_000, date="2024-01-02", institution="inst-a")
    await record_donation(store, donor="donor-1", amount=7_250_000_000, date="2024-06-01", institution="inst-b")


def shown(text: str) -> int | None:
    """A figure as the Persian page shows it: Persian digits only (None: withheld)."""
    if text == "محرمانه":
        return None
    assert not any(c.isascii() and c.isdigit() for c in text), f"a Latin digit in Persian mode: {text!r}"
    return int(text.translate(PERSIAN_DIGITS))


async def figures_on_page(page: Any) -> dict[str, Any]:
    """The dashboard's tables, read back into the API's shape."""
    kinds = await page.locator("[data-figures=institutions] tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.kind, r.querySelector('td').textContent])")
    total = await page.locator("[data-figures=institutions] tfoot td").text_content()
    years = await page.locator("[data-figures=donations] tbody tr[data-year]").evaluate_all(
        "rows => rows.map(r => [r.dataset.year, r.querySelector('th').textContent,"
        " ...[...r.querySelectorAll('td')].map(td => td.textContent)])")
    donations = await page.locator("[data-figures=donations] tfoot td").all_text_contents()
    return {
        "institutionsByKind": [{"kind": k, "count": shown(n)} for k, n in kinds],
        "totals": {"institutions": shown(total or "")},
        "years": [{"year": shown(label), "amount": shown(a), "donations": shown(n), "donors": shown(d),
                   "key": int(key)} for key, label, a, n, d in years],
        "amount": shown(donations[0]), "donations": shown(donations[1]),
    }


def as_shown(api: dict[str, Any]) -> dict[str, Any]:
    """The API's overview as the page should show it (withheld figures: None)."""
    d = api["donations"]
    return {
        "institutionsByKind": api["institutionsByKind"], "totals": api["totals"],
        "years": [{"year": y["year"], "amount": None if y["suppressed"] else int(y["amount"]),
                   "donations": y["donations"], "donors": y["donors"], "key": y["year"]} for y in d["years"]],
        "amount": None if d["suppressed"] else int(d["amount"]), "donations": d["donations"],
    }


async def test_a_viewer_signs_in_and_sees_the_apis_figures(store: FalkorStore, tmp_path: Path) -> None:
    await world(store)
    _, viewer = await api_keys.create(store, "viewer", note="web app test")
    expect = browser.expect()
    shots = tmp_path / "screenshots"
    async with browser.serve(create_app(Settings(), store=store)) as served, browser.chromium() as (page, seen):
        async def api(province: str | None) -> dict[str, Any]:
            async with httpx.AsyncClient(base_url=served.base) as http:
                answer = await http.post("/graphql", json={"query": OVERVIEW, "variables": {"province": province}},
                                         headers={"authorization": f"Bearer {viewer}"})
            body = answer.json()
            assert "errors" not in body, body
            return as_shown(body["data"]["overview"])

        html = page.locator("html")
        await page.goto(served.base + "/")
        await expect(page.get_by_label("کلید API")).to_be_visible(timeout=20_000)
        await expect(html).to_have_attribute("dir", "rtl")
        await expect(html).to_have_attribute("lang", "fa")
        await page.screenshot(path=shots / "1-sign-in-fa.png")
        await browser.assert_accessible(page, "the sign-in form")

        await page.get_by_role("button", name="English").click()
        await expect(html).to_have_attribute("dir", "ltr")
        await expect(html).to_have_attribute("lang", "en")
        await expect(page.get_by_label("API key")).to_be_visible()
        await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        assert page.url == served.base + "/?lang=en"
        await page.screenshot(path=shots / "2-sign-in-en.png")
        await page.get_by_role("button", name="فارسی").click()
        await expect(html).to_have_attribute("dir", "rtl")

        await page.get_by_label("کلید API").fill(viewer)
        await page.get_by_role("button", name="ورود").click()
        await expect(page.locator("[data-role]")).to_have_text("بیننده")
        await expect(page.locator("[data-role]")).to_have_attribute("data-role", "VIEWER")
        await expect(page.locator("[data-figures=donations] tbody tr[data-year]")).to_have_count(2)
        country = await figures_on_page(page)
        assert country == await api(None)
        assert [y["key"] for y in country["years"]] == [1402, 1403]
        assert country["years"][0]["amount"] is None  # an individual's gift: withheld from a viewer
        assert country["totals"]["institutions"] == 2
        await page.screenshot(path=shots / "3-dashboard-country.png", full_page=True)
        await browser.assert_accessible(page, "the country's dashboard")

        # A province: chosen from the list, kept in the URL, and the URL alone brings it back.
        await page.get_by_label("محدوده").select_option("IR-01")
        assert page.url == served.base + "/?province=IR-01"
        await expect(page.locator("[data-figures=institutions] tfoot td")).to_have_text("۱")
        assert await figures_on_page(page) == await api("IR-01")
        await page.goto(served.base + "/?province=IR-01&lang=en")  # a deep link; the key is kept (sessionStorage)
        await expect(page.get_by_label("Area")).to_have_value("IR-01")
        await expect(page.locator("[data-role]")).to_have_text("Viewer")
        await expect(page.get_by_role("table", name="Institutions by kind")).to_be_visible()
        await page.screenshot(path=shots / "4-dashboard-province-en.png", full_page=True)
        await browser.assert_accessible(page, "a province's dashboard in English")

        browser.assert_no_trouble(served.base, seen)
        assert await page.evaluate("window.__cspViolations") == []
        sent = [headers.get("authorization") for _, url, headers in seen.requests if url == served.base + "/graphql"]
        assert sent and set(sent) == {f"Bearer {viewer}"}  # every API call carried the key, nothing else did
        assert viewer not in await page.evaluate("JSON.stringify(localStorage)")
