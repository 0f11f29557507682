"""The planners' coverage map (web/src/Coverage.tsx, CoverageMap.tsx) in Debian's Chromium.

Over the hand-made map of tests/test_api_coverage.py, a viewer opens the coverage view: the map
draws the census-2016 county shapes from the bundled GeoJSON as SVG paths (one ``path[data-key]``
per county, its fill the class's colour), and the class of unmet share of three
counties on the map, and of every county in the table beside it, equals the class of the API's
``unmetShare``: for the default question (the first service, ENHANCED), after another service is
chosen and after the method is changed, each kept in the URL. (That world's IR-01-0001 is not a
census-2016 key, so it is in the table but has no shape.) The OSM/ODbL attribution is on screen.
Nothing is fetched from another host, no console error, no CSP violation. Screenshots are kept
under the test's tmp dir.

The table beside the map is the underserved-areas table: its column headers sort it (by click or
keyboard, the sort kept in the URL), in the order of the API's figures sorted; a row clicked or
entered selects its county, outlined on the map, and a county clicked on the map selects its row;
"Download CSV" fetches the coverage export with the key and saves it, a file whose second row is the
HXL hashtag row and whose figures are the API's.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_model import api_keys
from graph_model.stores.falkordb import FalkorStore
from hub.app import create_app
from hub.settings import Settings
from tests import browser
from tests.test_api_coverage import build_coverage_world

BREAKS = (0.2, 0.4, 0.6, 0.8, 1)  # web/src/measures.ts
COLOURS = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
COVERAGE = """query ($question: CoverageQuestion!) { coverage(question: $question) {
  areas(first: 1000) { key unmetShare } } }"""
CHECKED = ["IR-00-0001", "IR-00-0002", "IR-00-0003"]
# Each county's class of unmet share as drawn: the index of its shape's fill among the classes' colours
# (null for the grey of no figure; null for the whole map before it is drawn).
DRAWN = f"""() => {{
  const colours = {COLOURS!r};
  const map = document.querySelector(".map[data-ready=true]");
  if (!map) return null;
  const drawn = {{}};
  for (const p of map.querySelectorAll("path[data-key]")) {{
    const i = colours.indexOf(p.getAttribute("fill"));
    drawn[p.dataset.key] = i === -1 ? null : i;
  }}
  return drawn;
}}"""


async def coverage(base: str, key: str, query: str, **question: Any) -> dict[str, Any]:
    """The API's ``coverage`` answer to ``question`` for the holder of ``key``."""
    async with httpx.AsyncClient(base_url=base) as http:
        answer = await http.post("/graphql", headers={"authorization": f"Bearer {key}"}, json={
            "query": query, "variables": {"question": question}})
    body = answer.json()
    assert "errors" not in body, body
    return dict(body["data"]["coverage"])


def class_of(share: float) -> int:
    return next((i for i, upper in enumerate(BREAKS) if share < upper), len(BREAKS) - 1)


async def test_the_coverage_map_draws_the_apis_classes(store: FalkorStore, tmp_path: Path) -> None:
    await build_coverage_world(store)
    _, viewer = await api_keys.create(store, "viewer", note="web map test")
    expect = browser.expect()
    shots = tmp_path / "screenshots"
    async with (browser.serve(create_app(Settings(), store=store)) as served,
                browser.chromium() as (page, seen)):
        async def api(service: str, method: str) -> dict[str, int]:
            answer = await coverage(served.base, viewer, COVERAGE, service=service, method=method)
            return {a["key"]: class_of(a["unmetShare"]) for a in answer["areas"]}

        async def shows(want: dict[str, int]) -> dict[str, int | None]:
            """Wait until the map draws ``want``'s classes for the CHECKED counties; what it draws."""
            await page.wait_for_function(
                f"want => {{ const drawn = ({DRAWN})(); return drawn && want.keys.every("
                "k => drawn[k] === want.classes[k]); }",
                arg={"keys": CHECKED, "classes": want}, timeout=10_000)
            rows = page.locator("[data-figures=coverage] tbody tr")
            await expect(rows).to_have_count(len(want))
            assert dict(await browser.settled(rows, CLASSES, lambda got: dict(got) == want)) == want
            return dict(await page.evaluate(f"({DRAWN})()"))

        await browser.sign_in(page, served.base + "/", viewer)
        await page.get_by_role("button", name="نقشه پوشش").click()
        assert page.url == served.base + "/?view=coverage"
        await expect(page.get_by_label("روش")).to_have_value("ENHANCED")
        await expect(page.get_by_label("خدمت یا گروه هدف")).to_have_value("service:svc-care")  # the first service
        await expect(page.get_by_text("© OpenStreetMap contributors, ODbL")).to_be_visible()

        drawn = await shows(await api("svc-care", "ENHANCED"))
        assert len(drawn) == 429, len(drawn)  # the census-2016 counties
        assert {k for k, v in drawn.items() if v is not None} == {"IR-00-0001", "IR-00-0002", "IR-00-0003",
                                                                  "IR-00-0004"}  # only those with figures
        await page.screenshot(path=shots / "1-coverage-default.png", full_page=True)

        # Another service, then another method: each kept in the URL, the map and table recoloured.
        await page.get_by_label("خدمت یا گروه هدف").select_option("service:svc-home")
        assert page.url == served.base + "/?view=coverage&service=svc-home"
        enhanced = await api("svc-home", "ENHANCED")
        await shows(enhanced)
        await page.get_by_label("روش").select_option("RATIO")
        assert page.url == served.base + "/?view=coverage&service=svc-home&method=RATIO"
        ratio = await api("svc-home", "RATIO")
        assert {k: ratio[k] for k in CHECKED} != {k: enhanced[k] for k in CHECKED}  # the map did change
        await shows(ratio)
        await page.screenshot(path=shots / "2-coverage-home-ratio.png", full_page=True)

        assert await page.evaluate("window.__cspViolations") == []  # (the next load starts a new list)

        # The URL alone brings the view back.
        await page.goto(served.base + "/?view=coverage&service=svc-home&method=RATIO&lang=en")
        await expect(page.get_by_label("Method")).to_have_value("RATIO")
        await shows(ratio)

        browser.assert_no_trouble(served.base, seen)
        assert await page.evaluate("window.__cspViolations") == []


FIGURES = """query ($question: CoverageQuestion!) { coverage(question: $question) {
  areas(first: 1000) { key rank need reached shortfall unmetShare } } }"""
KEYS = "rows => rows.map(r => r.dataset.key)"
CLASSES = "rows => rows.map(r => [r.dataset.key, Number(r.dataset.class)])"
SELECTED_ON_MAP = """key => document.querySelector(".map").dataset.selected === key
  && document.querySelectorAll(".map .selected-outline").length === 1"""


async def test_the_underserved_table_sorts_selects_and_downloads(store: FalkorStore, tmp_path: Path) -> None:
    await build_coverage_world(store)
    _, viewer = await api_keys.create(store, "viewer", note="web table test")
    expect = browser.expect()
    shots = tmp_path / "screenshots"
    async with (browser.serve(create_app(Settings(), store=store)) as served,
                browser.chromium() as (page, seen)):
        areas: list[dict[str, Any]] = (await coverage(served.base, viewer, FIGURES, service="svc-home",
                                                      method="RATIO"))["areas"]
        rows = page.locator("[data-figures=coverage] tbody tr")

        async def in_order(keys: list[str]) -> None:
            """The table shows these rows in this order (it redraws a moment after the URL changes)."""
            assert await browser.settled(rows, KEYS, keys) == keys

        def sorted_by(field: str, descending: bool = False) -> list[str]:
            return [a["key"] for a in sorted(areas, key=lambda a: ((-1 if descending else 1) * a[field], a["rank"]))]

        base = served.base + "/?lang=en&view=coverage&service=svc-home&method=RATIO"
        await browser.sign_in(page, served.base + "/?view=coverage&service=svc-home&method=RATIO&lang=en", viewer)
        await expect(rows).to_have_count(len(areas))
        await in_order(sorted_by("rank"))
        assert len(set(sorted_by("shortfall"))) > 1 and sorted_by("shortfall") != sorted_by("rank")

        # Sorting: a click on a header, again for descending; Enter on a header; the URL keeps it.
        shortfall = page.locator("button[data-sort=shortfall]")
        await shortfall.click()
        await expect(page.locator("th[aria-sort=ascending] button[data-sort=shortfall]")).to_have_count(1)
        assert page.url == base + "&sort=shortfall"
        await in_order(sorted_by("shortfall"))
        await shortfall.click()
        assert page.url == base + "&sort=-shortfall"
        await expect(page.locator("th[aria-sort=descending]")).to_have_count(1)
        await in_order(sorted_by("shortfall", descending=True))
        await page.locator("button[data-sort=unmetShare]").focus()
        await page.keyboard.press("Enter")
        assert page.url == base + "&sort=unmetShare"
        await in_order(sorted_by("unmetShare"))
        await page.screenshot(path=shots / "3-table-sorted.png", full_page=True)

        # Selection: a row clicked, a row entered, a county clicked on the map.
        await page.wait_for_selector(".map[data-ready=true]")
        await rows.and_(page.locator("[data-key='IR-00-0002']")).click()
        assert page.url == base + "&sort=unmetShare&county=IR-00-0002"
        await expect(page.locator("tr.selected")).to_have_attribute("data-key", "IR-00-0002")
        await page.wait_for_function(SELECTED_ON_MAP, arg="IR-00-0002")
        assert not await page.evaluate(SELECTED_ON_MAP, "IR-00-0001")
        await rows.and_(page.locator("[data-key='IR-00-0003']")).focus()
        await page.keyboard.press("Enter")
        await expect(page.locator("tr[aria-current=true]")).to_have_attribute("data-key", "IR-00-0003")
        await page.wait_for_function(SELECTED_ON_MAP, arg="IR-00-0003")
        assert not await page.evaluate(SELECTED_ON_MAP, "IR-00-0002")
        await page.locator(".map path[data-key='IR-00-0004']").click()
        await expect(page.locator("tr.selected")).to_have_attribute("data-key", "IR-00-0004")
        assert page.url.endswith("&county=IR-00-0004")
        await page.wait_for_function(SELECTED_ON_MAP, arg="IR-00-0004")
        await page.screenshot(path=shots / "4-table-selected.png", full_page=True)

        # The download: the export of this question, fetched with the key, saved as a file.
        async with page.expect_download() as downloading:
            await page.get_by_role("button", name="Download CSV").click()
        download = await downloading.value
        assert download.suggested_filename == "coverage-svc-home-county.csv"
        saved = Path(await download.path()).read_text(encoding="utf-8-sig")
        table = list(csv.reader(io.StringIO(saved)))
        assert table[1][0].startswith("#") and "#inneed" in table[1] and "#reached" in table[1], table[1]
        header = table[0]
        by_key = {row[header.index("County code")]: row for row in table[2:]}
        assert by_key.keys() == {a["key"] for a in areas}
        for a in areas:
            row = by_key[a["key"]]
            assert int(row[header.index("Rank")]) == a["rank"]
            assert float(row[header.index("People in need")]) == pytest.approx(a["need"], abs=0.5)
            assert float(row[header.index("Reached")]) == pytest.approx(a["reached"], abs=0.01)
            assert float(row[header.index("Shortfall")]) == pytest.approx(a["shortfall"], abs=0.01)
            assert float(row[header.index("Unmet share")]) == pytest.approx(a["unmetShare"] * 100, abs=0.01)
            assert row[header.index("Method")] == "RATIO"
        exports = [url for _, url, _ in seen.requests if "/export/" in url]
        assert exports == [served.base + "/export/coverage.csv?service=svc-home&method=RATIO&level=COUNTY"], exports

        browser.assert_no_trouble(served.base, seen)
        assert await page.evaluate("window.__cspViolations") == []


DETAIL = """query ($question: CoverageQuestion!) { coverage(question: $question) {
  asOf radiusKm
  areas(first: 1000) { key rank need capacity unlicensedCapacity reached target shortfall unmetShare nearestKm
    needs { targetGroupKey people source override }
    providers(first: 10) { institutionKey capacity distanceKm weight institution { nameEn county { key } } } } } }"""
PROVINCES = """query ($question: CoverageQuestion!) { coverage(question: $question) {
  areas(first: 1000) { key unmetShare shortfall } } }"""


def en(value: float, digits: int = 2) -> str:
    """A figure as the English app shows it (en-GB, at most ``digits`` decimals)."""
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


async def test_a_clicked_county_shows_the_apis_figures_at_both_levels(store: FalkorStore, tmp_path: Path) -> None:
    """The detail of a county clicked on the map (need figure by figure with its source, capacity
    licensed and not, reached, target, shortfall, rank, nearest provider, the providers reaching it
    with distance and weight) equals the API's; a provider's name selects its own county; the
    tooltip names the county under the pointer with its figure; radius and day typed in (the day in
    Solar Hijri with Persian digits) are asked of the API and kept in the URL; coloured by shortfall
    the classes rise with the figure; at province level the provinces are drawn and tabled with the
    API's figures."""
    await build_coverage_world(store)
    _, viewer = await api_keys.create(store, "viewer", note="web detail test")
    expect = browser.expect()
    shots = tmp_path / "screenshots"
    async with (browser.serve(create_app(Settings(), store=store)) as served,
                browser.chromium() as (page, seen)):
        async def api(query: str, **question: Any) -> dict[str, Any]:
            return await coverage(served.base, viewer, query, service="svc-care", **question)

        base = served.base + "/?lang=en&view=coverage&service=svc-care&method=TWO_STEP"
        await browser.sign_in(page, base, viewer)
        await page.wait_for_selector(".map[data-ready=true]")

        # Radius, then the day as a planner types it: Solar Hijri in Persian digits (1405/09/02 = 2026-11-23).
        await page.get_by_label("Radius (km)").fill("100")
        await page.get_by_label("Radius (km)").press("Enter")
        assert page.url == base + "&radius=100"
        await page.get_by_label("Licences in force on").fill("۱۴۰۵/۰۹/۰۲")
        await page.get_by_label("Licences in force on").press("Enter")
        assert page.url == base + "&radius=100&date=%DB%B1%DB%B4%DB%B0%DB%B5%2F%DB%B0%DB%B9%2F%DB%B0%DB%B2"
        report = await api(DETAIL, method="TWO_STEP", radiusKm=100, asOf="2026-11-23")
        assert report["asOf"] == "2026-11-23" and report["radiusKm"] == 100
        await expect(page.locator(".question-summary time")).to_have_attribute("datetime", "2026-11-23")
        await expect(page.locator(".question-summary")).to_contain_text("Radius (km): 100")

        # A county clicked on the map: its detail equals the API's.
        area = next(a for a in report["areas"] if a["key"] == "IR-00-0002")
        assert area["providers"] and area["needs"]
        await page.locator(".map path[data-key='IR-00-0002']").click()
        detail = page.locator(".area-detail[data-key='IR-00-0002']")
        await expect(detail.locator("h3")).to_have_text("County 2")
        shown = {f: await detail.locator(f"[data-figure={f}] dd").inner_text()
                 for f in ("need", "capacity", "unlicensedCapacity", "reached", "target", "shortfall", "unmetShare",
                           "rank", "nearestKm")}
        assert shown == {"need": en(area["need"]), "capacity": en(area["capacity"]),
                         "unlicensedCapacity": en(area["unlicensedCapacity"]), "reached": en(area["reached"]),
                         "target": en(area["target"]), "shortfall": en(area["shortfall"]),
                         "unmetShare": en(area["unmetShare"] * 100, 1) + "%", "rank": en(area["rank"]),
                         "nearestKm": en(area["nearestKm"])}
        needs = detail.locator("[data-figures=needs] tbody tr")
        await expect(needs).to_have_count(len(area["needs"]))
        for need in area["needs"]:
            row = needs.and_(page.locator(f"[data-group='{need['targetGroupKey']}']"))
            await expect(row.locator("td").nth(0)).to_have_text(en(need["people"]))
            await expect(row.locator("td").nth(2)).to_contain_text(need["source"].removeprefix("default: "))
            await expect(row.locator("td").nth(2)).to_contain_text(
                "planner's figure" if need["override"] else "census default")
        providers = detail.locator("[data-figures=providers] tbody tr")
        await expect(providers).to_have_count(len(area["providers"]))
        for i, provider in enumerate(area["providers"]):  # strongest weight first, as the API orders them
            row = providers.nth(i)
            await expect(row).to_have_attribute("data-institution", provider["institutionKey"])
            await expect(row.locator("th")).to_have_text(provider["institution"]["nameEn"])
            cells = await row.locator("td").all_inner_texts()
            assert cells == [en(provider["capacity"]), en(provider["distanceKm"]), en(provider["weight"], 4)]
        await page.screenshot(path=shots / "5-county-detail.png", full_page=True)
        # A provider's name selects its own county.
        elsewhere = next(p for p in area["providers"] if p["institution"]["county"]["key"] != "IR-00-0002")
        await providers.and_(page.locator(f"[data-institution='{elsewhere['institutionKey']}']")).locator(
            "button").click()
        await expect(page.locator(".area-detail")).to_have_attribute(
            "data-key", elsewhere["institution"]["county"]["key"])

        # The tooltip under the pointer.
        await page.locator(".map path[data-key='IR-00-0003']").hover()
        three = next(a for a in report["areas"] if a["key"] == "IR-00-0003")
        await expect(page.locator(".map .tooltip")).to_have_text(
            f"County 3: Unmet share {en(three['unmetShare'] * 100, 1)}%")

        # Finding a county by name as typed on an Arabic keyboard (Arabic-Indic digit), or with a stray non-joiner.
        rows = page.locator("[data-figures=coverage] tbody tr")
        await page.get_by_label("Find a county or province").fill("شهرستان ٣")
        await expect(rows).to_have_count(1)
        await expect(rows).to_have_attribute("data-key", "IR-00-0003")
        await page.get_by_label("Find a county or province").fill("شهرستان\u200c")  # a stray non-joiner
        await expect(rows).to_have_count(len(report["areas"]))
        await page.get_by_label("Find a county or province").fill("")

        # Coloured by shortfall: a larger shortfall never gets a lighter class.
        await page.get_by_label("Colour by").select_option("shortfall")
        assert "&measure=shortfall" in page.url
        await expect(page.locator("[data-figures=coverage] caption")).to_contain_text("Coverage by county")
        await expect(rows).to_have_count(len(report["areas"]))
        shortfall = {a["key"]: a["shortfall"] for a in report["areas"]}
        ordered = sorted(shortfall, key=lambda k: shortfall[k])

        def monotone(got: list[list[Any]]) -> bool:
            classes = dict(got)
            return [classes[k] for k in ordered] == sorted(classes[k] for k in ordered)

        classes = dict(await browser.settled(rows, CLASSES, monotone))
        assert [classes[k] for k in ordered] == sorted(classes[k] for k in ordered), (shortfall, classes)
        assert len(set(classes.values())) > 1

        # Province level: province shapes, coloured and tabled with the API's figures.
        await page.get_by_label("Areas").select_option("PROVINCE")
        assert "&level=PROVINCE" in page.url
        provinces = await api(PROVINCES, method="TWO_STEP", radiusKm=100, asOf="2026-11-23", level="PROVINCE")
        await expect(page.locator(".map[data-level=PROVINCE] path.area")).to_have_count(31)
        await expect(rows).to_have_count(2)
        tabled = await rows.evaluate_all(KEYS)
        assert sorted(tabled) == sorted(a["key"] for a in provinces["areas"]) == ["IR-00", "IR-01"]
        worst = max(provinces["areas"], key=lambda a: a["shortfall"])
        best = min(provinces["areas"], key=lambda a: a["shortfall"])
        worst_class = await page.locator(f".map path[data-key='{worst['key']}']").get_attribute("data-class")
        best_class = await page.locator(f".map path[data-key='{best['key']}']").get_attribute("data-class")
        assert int(worst_class or -1) > int(best_class or -1)
        await page.locator(".map path[data-key='IR-01']").click()
        await expect(page.locator(".area-detail")).to_have_attribute("data-key", "IR-01")
        await page.screenshot(path=shots / "6-province-level.png", full_page=True)

        browser.assert_no_trouble(served.base, seen)
        assert await page.evaluate("window.__cspViolations") == []


async def test_on_the_demo_the_table_draws_the_worst_served_first_and_all_on_demand(demo_store: FalkorStore) -> None:
    """On the demo's 429 counties the table draws the 50 worst served (the API's rank order) and a
    button for the rest; a county ranked lower, clicked on the map, joins the rows selected; "show
    all" draws every county in the API's order."""
    store = demo_store
    _, viewer = await api_keys.create(store, "viewer", note="web demo table test")
    expect = browser.expect()
    async with (browser.serve(create_app(Settings(), store=store)) as served,
                browser.chromium() as (page, seen)):
        answer = await coverage(served.base, viewer, FIGURES, service="svc-home-rehab")
        ranked = [a["key"] for a in sorted(answer["areas"], key=lambda a: a["rank"])]
        assert len(ranked) > 400
        await browser.sign_in(page, served.base + "/?lang=en&view=coverage&service=svc-home-rehab", viewer)
        rows = page.locator("[data-figures=coverage] tbody tr")
        await expect(rows).to_have_count(50)
        assert await rows.evaluate_all(KEYS) == ranked[:50]
        low = ranked[300]
        await page.locator(f".map path[data-key='{low}']").click()
        await expect(rows).to_have_count(51)
        await expect(rows.last).to_have_attribute("data-key", low)
        await expect(rows.last).to_have_attribute("aria-current", "true")
        await page.get_by_role("button", name=f"Show all {len(ranked)} areas").click()
        await expect(rows).to_have_count(len(ranked))
        assert await rows.evaluate_all(KEYS) == ranked
        await expect(page.locator("tr[aria-current=true]")).to_have_attribute("data-key", low)
        browser.assert_no_trouble(served.base, seen)
        assert await page.evaluate("window.__cspViolations") == []
