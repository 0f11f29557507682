"""The what-if panel of the coverage view (web/src/WhatIf.tsx) in Debian's Chromium.

Over the hand-made map of tests/test_api_coverage.py (whose IR-00-000x counties have census-2016
shapes), a planner (a key with the PLAN right, narrowed to IR-00) builds what-ifs:

- places added at a county clicked on the map: that county's row in "areas that changed" carries the
  figures of the API's ``coverageWhatIf`` for the same change, every row does, and the county's colour on
  the map turns to its after class (the Before/After toggle shows the before class again);
- places added at a point picked on the map (a click on a county's shape in pick mode): the point in the
  URL lies inside that shape, and the API's answer for it names that county among the changed areas;
- an institution closed (chosen among the selected county's, or found by name) with another norm;
- the URL alone reopens the what-if; Clear brings back the plain map.

The graph's version and node counts are the same afterwards: nothing was written. A viewer (no PLAN)
opening the same URL finds no element of the panel in the page and the plain map. Nothing is fetched
from another host, no console error or warning, no CSP violation; screenshots under the test's tmp dir.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from graph_model import api_keys, queries
from graph_model.stores.falkordb import FalkorStore
from graph_model.version import current
from hub.app import create_app
from hub.settings import Settings
from tests import browser
from tests.test_api_coverage import build_coverage_world
from tests.test_web_map import COLOURS, class_of

COUNTIES_GEOJSON = Path(__file__).parent.parent / "web" / "src" / "geo" / "counties.simplified.geojson"
# The question the view asks by default: the first service, ENHANCED, counties.
QUESTION = {"service": "svc-care"}
WHAT_IF = """query ($question: CoverageQuestion!, $changes: [CoverageChangeInput!]!, $normAfter: Float) {
  coverageWhatIf(question: $question, changes: $changes, normAfter: $normAfter) {
    changed { shortfallChange
      before { key shortfall unmetShare reached } after { shortfall unmetShare reached } } } }"""
PLAIN = """query ($question: CoverageQuestion!) {
  coverage(question: $question) { areas(first: 1000) { key unmetShare } } }"""
# A point inside a county's shape (the grid point of its bounding box nearest the centre that lies in
# the fill), in the page's coordinates, for a mouse click; null while something else is drawn there.
INSIDE = """key => {
  const path = document.querySelector(`.map path.area[data-key="${key}"]`);
  const box = path.getBBox();
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  let best = null;
  for (let i = 1; i < 60; i++) for (let j = 1; j < 60; j++) {
    const p = new DOMPoint(box.x + box.width * i / 60, box.y + box.height * j / 60);
    const d = (p.x - cx) ** 2 + (p.y - cy) ** 2;
    if (path.isPointInFill(p) && (!best || d < best.d)) best = { p, d };
  }
  const screen = best.p.matrixTransform(path.getScreenCTM());
  return document.elementFromPoint(screen.x, screen.y) === path ? [screen.x, screen.y] : null;
}"""
FILL = """key => document.querySelector(`.map[data-ready=true] path.area[data-key="${key}"]`)?.getAttribute("fill")"""
# The rows of "areas that changed" (county level: name, province, shortfall, change, unmet share, reached).
ROWS = """rows => rows.map(r => { const c = r.querySelectorAll("td"); return {
  key: r.dataset.key, shortfall: [Number(c[1].dataset.before), Number(c[1].dataset.after)],
  change: Number(c[2].dataset.change), unmetShare: [Number(c[3].dataset.before), Number(c[3].dataset.after)],
  reached: [Number(c[4].dataset.before), Number(c[4].dataset.after)] }; })"""


def inside(lat: float, lon: float, county: str) -> bool:
    """Whether the point lies in the county's shape (ray casting over its rings, holes included)."""
    shapes = json.loads(COUNTIES_GEOJSON.read_text(encoding="utf-8"))["features"]
    geometry = next(f["geometry"] for f in shapes if f["properties"].get("key") == county)
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    crossings = 0
    for ring in (ring for polygon in polygons for ring in polygon):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                crossings += 1
    return crossings % 2 == 1


async def test_a_planner_runs_what_ifs_and_nothing_is_written(store: FalkorStore, tmp_path: Path) -> None:
    await build_coverage_world(store)
    _, planner = await api_keys.create(store, "planner", ["IR-00"], note="web what-if test")
    version, counts = await current(store), await queries.node_counts(store)
    expect = browser.expect()
    shots = tmp_path / "screenshots"
    async with (browser.serve(create_app(Settings(), store=store)) as served,
                browser.chromium() as (page, seen)):
        async def api(changes: list[dict[str, Any]], norm: float | None = None,
                      question: dict[str, str] = QUESTION) -> list[dict[str, Any]]:
            async with httpx.AsyncClient(base_url=served.base) as http:
                answer = await http.post("/graphql", headers={"authorization": f"Bearer {planner}"}, json={
                    "query": WHAT_IF, "variables": {"question": question, "changes": changes, "normAfter": norm}})
            body = answer.json()
            assert "errors" not in body, body
            return [{"key": c["before"]["key"], "shortfall": [c["before"]["shortfall"], c["after"]["shortfall"]],
                     "change": c["shortfallChange"],
                     "unmetShare": [c["before"]["unmetShare"], c["after"]["unmetShare"]],
                     "reached": [c["before"]["reached"], c["after"]["reached"]]}
                    for c in body["data"]["coverageWhatIf"]["changed"]]

        changed = page.locator("[data-figures=what-if-changed] tbody tr")

        async def shows(want: list[dict[str, Any]]) -> None:
            """Wait until the table of changed areas lists ``want``'s areas; its figures are the API's."""
            await expect(changed).to_have_count(len(want))
            await expect(changed.first).to_have_attribute("data-key", want[0]["key"])
            assert await changed.evaluate_all(ROWS) == want

        async def click_in(county: str) -> None:
            await page.locator(f".map path.area[data-key='{county}']").scroll_into_view_if_needed()
            await page.evaluate("document.fonts.ready.then(() => true)")  # no reflow to come
            point = await page.wait_for_function(INSIDE, arg=county)
            x, y = await point.json_value()
            await page.mouse.click(x, y)

        async def fill_of(county: str, cls: int) -> None:
            await page.wait_for_function(f"key => ({FILL})(key) === {COLOURS[cls]!r}", arg=county, timeout=10_000)

        base = served.base + "/?lang=en&view=coverage&province=IR-00"
        await browser.sign_in(page, base, planner)
        await expect(page.get_by_role("heading", name="What-if")).to_be_visible()
        await expect(page.get_by_text("Nothing is written")).to_be_visible()
        await page.wait_for_selector(".map[data-ready=true]")
        await expect(page.locator("[data-figures=coverage] tbody tr")).to_have_count(4)

        # Places added at a county clicked on the map.
        await click_in("IR-00-0003")
        await expect(page).to_have_url(base + "&county=IR-00-0003")
        await fill_of("IR-00-0003", 4)  # nothing reaches it: all its need unmet
        await page.locator("#what-if-places").fill("200")
        await page.get_by_role("button", name="Add at the selected county").click()
        await expect(page.locator(".what-if-changes li")).to_have_text(["Add 200 places at County 3 Remove"])
        await page.get_by_role("button", name="Run").click()
        await expect(page).to_have_url(base + "&county=IR-00-0003&add=IR-00-0003:200")
        added = await api([{"addCapacity": {"capacity": 200, "county": "IR-00-0003"}}])
        await shows(added)
        third = next(c for c in added if c["key"] == "IR-00-0003")
        assert third["change"] < 0 and class_of(third["unmetShare"][1]) != class_of(third["unmetShare"][0])
        await fill_of("IR-00-0003", class_of(third["unmetShare"][1]))  # the after class
        await page.screenshot(path=shots / "1-added-at-county.png", full_page=True)
        await page.get_by_label("Before", exact=True).check()
        await fill_of("IR-00-0003", class_of(third["unmetShare"][0]))
        await page.screenshot(path=shots / "2-before.png", full_page=True)
        await page.get_by_label("After", exact=True).check()
        await fill_of("IR-00-0003", class_of(third["unmetShare"][1]))
        # A row of the table selects its county.
        await changed.and_(page.locator("[data-key='IR-00-0004']")).click()
        await expect(page).to_have_url(base + "&county=IR-00-0004&add=IR-00-0003:200")
        await expect(page.locator("[data-figures=what-if-changed] tr[aria-current=true]")).to_have_attribute(
            "data-key", "IR-00-0004")

        # Places added at a point picked on the map: a click on IR-00-0001's shape in pick mode.
        await page.get_by_role("button", name="Pick a point on the map").click()
        await expect(page.locator(".map.picking")).to_have_count(1)
        await click_in("IR-00-0001")
        assert page.url.endswith("&county=IR-00-0004&add=IR-00-0003:200")  # a pick selects nothing
        await expect(page.locator(".map circle.mark")).to_have_count(1)
        await page.locator("#what-if-places").fill("40")
        await page.get_by_role("button", name="Add at the picked point").click()
        await expect(page.locator(".map circle.mark")).to_have_count(1)  # the change's point
        await page.get_by_role("button", name="Run").click()
        await expect(page).to_have_url(re.compile(r"&add=IR-00-0003:200&addAt=[^&]+$"))
        params = parse_qsl(urlsplit(page.url).query)
        assert [name for name, _ in params][-2:] == ["add", "addAt"]
        where, places = params[-1][1].split(":")
        lat, lon = map(float, where.split(","))
        assert places == "40" and inside(lat, lon, "IR-00-0001"), (lat, lon)
        both = await api([{"addCapacity": {"capacity": 200, "county": "IR-00-0003"}},
                          {"addCapacity": {"capacity": 40, "lat": lat, "lon": lon}}])
        assert "IR-00-0001" in [c["key"] for c in both]
        await shows(both)
        await page.screenshot(path=shots / "3-added-at-point.png", full_page=True)

        # Clear: the plain map again, no what-if in the URL.
        await page.get_by_role("button", name="Clear").click()
        await expect(page).to_have_url(base + "&county=IR-00-0004")
        await expect(changed).to_have_count(0)
        await fill_of("IR-00-0003", 4)
        await expect(page.locator(".map circle.mark")).to_have_count(0)

        # An institution closed, among the providers reaching the selected county, and another norm.
        await page.locator("[data-figures=coverage] tbody tr[data-key='IR-00-0001']").click()
        closable = page.locator("#what-if-close option")
        await expect(closable).to_have_text(["–", "Centre 1"])  # licensed, offering day care, in that county
        await page.get_by_label("Find by name").fill("centre")
        await expect(closable).to_have_text(["–", "Centre 1", "Centre 2"])  # inst-3 unlicensed, inst-4 expired
        await page.get_by_label("Institution (of the selected county").select_option("inst-1")
        await page.get_by_role("button", name="Close it").click()
        await page.get_by_label("Norm after the changes").fill("500")
        await expect(page.locator(".what-if-changes li")).to_have_text(["Close Centre 1 Remove"])
        await page.get_by_role("button", name="Run").click()
        await expect(page).to_have_url(base + "&county=IR-00-0001&close=inst-1&norm=500")
        closed = await api([{"closeInstitution": "inst-1"}], norm=500)
        first = next(c for c in closed if c["key"] == "IR-00-0001")
        assert first["shortfall"][1] > first["shortfall"][0]
        await shows(closed)
        await fill_of("IR-00-0001", class_of(first["unmetShare"][1]))
        await page.screenshot(path=shots / "4-closed-norm.png", full_page=True)

        # The URL alone reopens the what-if (in Persian this time).
        await page.goto(served.base + "/?view=coverage&province=IR-00&county=IR-00-0001&close=inst-1&norm=500")
        await shows(closed)
        await fill_of("IR-00-0001", class_of(first["unmetShare"][1]))
        await expect(page.get_by_role("heading", name="چه می‌شود اگر…")).to_be_visible()
        await expect(page.locator(".what-if-changes li")).to_have_text(["تعطیلی نام حذف"])
        await expect(page.locator("#what-if-norm")).to_have_value("500")
        await page.screenshot(path=shots / "5-reopened-fa.png", full_page=True)

        # A target group's question: the places added name their service (among those serving the group).
        group = served.base + "/?lang=en&view=coverage&province=IR-00&group=tg-elderly&county=IR-00-0004"
        await page.goto(group)
        await page.locator("#what-if-places").fill("30")
        add = page.get_by_role("button", name="Add at the selected county")
        await expect(add).to_be_disabled()  # no service chosen yet
        await expect(page.locator("#what-if-service option")).to_have_text(["–", "Home care"])
        await page.locator("#what-if-service").select_option("svc-home")
        await add.click()
        await expect(page.locator(".what-if-changes li")).to_have_text(["Add 30 places at County 4 (Home care) Remove"])
        await page.get_by_role("button", name="Run").click()
        await expect(page).to_have_url(group + "&add=IR-00-0004:30:svc-home")
        await shows(await api([{"addCapacity": {"capacity": 30, "county": "IR-00-0004", "service": "svc-home"}}],
                              question={"targetGroup": "tg-elderly"}))

        # An API error is shown in the panel, and the changes stay listed (inst-3 offers no home care).
        await page.goto(served.base + "/?view=coverage&lang=en&service=svc-home&province=IR-00&close=inst-3")
        await expect(page.get_by_role("alert")).to_contain_text("offers none of the services asked")
        await expect(page.locator(".what-if-changes li")).to_have_text(["Close inst-3 Remove"])
        await page.screenshot(path=shots / "6-refused.png", full_page=True)

        browser.assert_no_trouble(served.base, seen)
        assert await page.evaluate("window.__cspViolations") == []
    assert await current(store) == version and await queries.node_counts(store) == counts


async def test_a_viewer_sees_no_what_if(store: FalkorStore, tmp_path: Path) -> None:
    await build_coverage_world(store)
    _, viewer = await api_keys.create(store, "viewer", note="web what-if test")
    expect = browser.expect()
    async with (browser.serve(create_app(Settings(), store=store)) as served,
                browser.chromium() as (page, seen)):
        posted: list[str] = []
        page.on("request", lambda r: posted.append(r.post_data or "") if r.method == "POST" else None)
        async with httpx.AsyncClient(base_url=served.base) as http:
            answer = await http.post("/graphql", headers={"authorization": f"Bearer {viewer}"},
                                     json={"query": PLAIN, "variables": {"question": QUESTION}})
        plain = {a["key"]: class_of(a["unmetShare"]) for a in answer.json()["data"]["coverage"]["areas"]}
        # A what-if URL opened with a viewer's key: the plain map, and no trace of the panel.
        await browser.sign_in(page, served.base + "/?lang=en&view=coverage&province=IR-00&county=IR-00-0003"
                              "&add=IR-00-0003:200", viewer)
        await expect(page.locator("[data-figures=coverage] tbody tr")).to_have_count(4)
        await page.wait_for_selector(".map[data-ready=true]")
        for key in ("IR-00-0001", "IR-00-0002", "IR-00-0003", "IR-00-0004"):
            assert await page.evaluate(FILL, key) == COLOURS[plain[key]]
        await expect(page.locator(".area-detail")).to_have_count(1)  # the selected county's detail
        assert await page.locator(".what-if, [id^=what-if], [data-figures=what-if-changed], circle.mark").count() == 0
        for name in ("Run", "Clear", "Pick a point on the map", "Add at the selected county"):
            assert await page.get_by_role("button", name=name).count() == 0
        assert await page.get_by_text("What-if").count() == 0
        await page.screenshot(path=tmp_path / "screenshots" / "viewer.png", full_page=True)
        assert posted and not [body for body in posted if "coverageWhatIf" in body]  # nor asked for
        browser.assert_no_trouble(served.base, seen)
        assert await page.evaluate("window.__cspViolations") == []


@pytest.mark.parametrize(("lat", "lon", "county", "expected"), [
    (34.0, 49.8, "IR-00-0001", True), (35.5, 50.0, "IR-00-0001", False)])
def test_inside(lat: float, lon: float, county: str, expected: bool) -> None:
    assert inside(lat, lon, county) is expected
