"""Alerts end to end: the GraphQL field through the generated client, the CSV export, and `hub alerts`.

As of 2026-01-01 in Khuzestan (every institution but a-never had an office visit on 2025-10-01, so
none is overdue a visit unless said):

    institution  what                                                    alert                            severity
    a-soon       ACTIVE licence expiring 2026-01-20 (19 days)            LICENCE_EXPIRING                 HIGH
    a-later      ACTIVE licence expiring 2026-03-01 (59 days)            LICENCE_EXPIRING                 MEDIUM
    a-lapsed     licence EXPIRED on 2024-01-01, still offers svc-x       LICENCE_EXPIRED_IN_SERVICE       HIGH
    a-actions    open actions due 2025-10-01 (92 days late),             ACTION_OVERDUE                   HIGH
                 2025-12-01 (31 days late)                               ACTION_OVERDUE                   MEDIUM
    a-renewal    ACTIVE licence, renewal requested 2025-08-01 (153 days)  RENEWAL_PENDING                  MEDIUM
    a-overdue    last visit 2024-11-01 (+12 months: 2025-11-01)          VISIT_OVERDUE                    MEDIUM
    a-never      RESIDENTIAL_CARE never visited                          VISIT_OVERDUE                    HIGH

Order: HIGH first, then kind, institution and subject.
"""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import pytest

from graph_model.enums import Label
from graph_model.mutations import create_node, issue_licence, offer_service
from graph_model.statements.loading import UPSERT_NODE
from graph_model.stores.embedded import EmbeddedServer
from hub.cli import main as cli
from tests.asgi import asgi_client
from tests.builders import names
from tests.supervision_world import action, assess, build_map, client, institution

AS_OF = "2026-01-01"
EXPECTED = [
    ("HIGH", "ACTION_OVERDUE", "a-actions", "act-late", "2025-10-01"),
    ("HIGH", "LICENCE_EXPIRED_IN_SERVICE", "a-lapsed", "lic-lapsed", "2024-01-01"),
    ("HIGH", "LICENCE_EXPIRING", "a-soon", "lic-soon", "2026-01-20"),
    ("HIGH", "VISIT_OVERDUE", "a-never", "a-never", None),
    ("MEDIUM", "ACTION_OVERDUE", "a-actions", "act-recent", "2025-12-01"),
    ("MEDIUM", "LICENCE_EXPIRING", "a-later", "lic-later", "2026-03-01"),
    ("MEDIUM", "RENEWAL_PENDING", "a-renewal", "lic-renewal", "2025-08-01"),
    ("MEDIUM", "VISIT_OVERDUE", "a-overdue", "a-overdue", "2025-11-01"),
]


async def build_alerts_world(store: Any) -> None:
    await build_map(store)
    await create_node(store, Label.SERVICE, {"key": "svc-x", "domain": "SOCIAL", **names("X")})
    await create_node(store, Label.LICENCE_TYPE, {"key": "lt-x", "validityYears": 5, "services": ["svc-x"],
                                                  **names("X")})
    for key in ("a-soon", "a-later", "a-lapsed", "a-actions", "a-renewal"):
        await institution(store, key)
        await assess(store, f"v-{key}", key, "COUNTY", 80, "2025-10-01")
    await institution(store, "a-overdue")
    await assess(store, "v-a-overdue", "a-overdue", "COUNTY", 80, "2024-11-01")
    await institution(store, "a-never", kind="RESIDENTIAL_CARE")
    for holder, key, expires in (("a-soon", "lic-soon", "2026-01-20"), ("a-later", "lic-later", "2026-03-01"),
                                 ("a-lapsed", "lic-lapsed", "2024-01-01"), ("a-renewal", "lic-renewal", "2026-12-31")):
        await issue_licence(store, holder=holder, licence_type="lt-x", services=["svc-x"], issued_on="2021-01-01",
                            expires_on=expires, key=key)
    await offer_service(store, "a-lapsed", "svc-x", capacity=5)
    # EXPIRED is set by time, not by an operation (as in tests/test_api_coverage.py)
    await store.write(UPSERT_NODE[Label.LICENCE], rows=[{"key": "lic-lapsed", "props": {"status": "EXPIRED"}}])
    await store.write(UPSERT_NODE[Label.LICENCE], rows=[{"key": "lic-renewal",
                                                         "props": {"renewalRequestedOn": "2025-08-01"}}])
    await action(store, "act-late", "v-a-actions", "2025-10-01")
    await action(store, "act-recent", "v-a-actions", "2025-12-01")
    await action(store, "act-future", "v-a-actions", "2026-02-01")
    await action(store, "act-done", "v-a-actions", "2025-09-01", status="DONE")


@pytest.fixture
async def world(store: Any) -> Any:
    await build_alerts_world(store)
    return store


async def test_alerts_with_severity_subjects_and_both_languages(world: Any) -> None:
    async with client(world) as api:
        found = (await api.alerts(scope="IR-01", as_of=AS_OF)).alerts
    assert (found.total, found.high, found.as_of) == (8, 4, AS_OF)
    assert [(a.severity.value, a.kind.value, a.institution_key, a.subject_key, a.on) for a in found.items] == EXPECTED
    soon = found.items[2]
    assert "19 days" in soon.message_en and "۱۹" not in soon.message_en and "منقضی" in soon.message_fa
    assert soon.on_jalali == "1404/10/30" and soon.county_key == "IR-01-0001"
    async with client(world) as api:
        two = (await api.alerts(scope="IR-01", as_of=AS_OF, first=2, after=3)).alerts
    assert two.total == 8 and [a.institution_key for a in two.items] == ["a-never", "a-actions"]


async def test_alerts_csv_has_the_hxl_row_and_the_same_alerts(world: Any) -> None:
    async with asgi_client(world, role="supervisor") as http:
        response = await http.get("/export/alerts.csv", params={"scope": "IR-01", "asOf": AS_OF})
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
        assert rows[0][:2] == ["Severity", "Alert"] and rows[1][:3] == ["#severity", "#meta+alert+type", "#adm1+code"]
        assert [(r[0], r[1], r[6], r[9], r[10] or None) for r in rows[2:]] == EXPECTED
        assert all(r[2] == "IR-01" for r in rows[2:])
        unknown = await http.get("/export/alerts.csv", params={"province": "IR-01"})
        assert unknown.status_code == 400
    async with asgi_client(world, role="viewer") as http:
        assert (await http.get("/export/alerts.csv")).status_code == 403
    async with asgi_client(world, role="supervisor", provinces=["IR-00"]) as http:
        assert (await http.get("/export/alerts.csv", params={"scope": "IR-01"})).status_code == 403
        mine = await http.get("/export/alerts.csv", params={"asOf": AS_OF})
        assert mine.status_code == 200 and len(list(csv.reader(io.StringIO(mine.text)))) == 2  # header rows only


async def test_hub_alerts_prints_them_for_cron(world: Any, server: EmbeddedServer, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HUB_DATA_DIR", str(server.data_dir))
    monkeypatch.setenv("HUB_GRAPH", world.graph_name)
    capsys.readouterr()
    assert await asyncio.to_thread(cli.main, ["alerts", "--province", "IR-01", "--as-of", AS_OF]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0] == "8 alert(s) on 2026-01-01 in IR-01"
    assert [line.split()[:4] for line in lines[1:]] == [[s, k, i, x] for s, k, i, x, _ in EXPECTED]
    assert await asyncio.to_thread(cli.main, ["alerts", "--province", "IR-01", "--as-of", "1404/10/11",
                                              "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert rows[1][0] == "#severity" and len(rows) == 2 + len(EXPECTED)
    assert await asyncio.to_thread(cli.main, ["alerts", "--province", "IR-99"]) == 1
