"""`importFile` end to end: files uploaded through the generated client (a GraphQL multipart request)
to the real ASGI app over the embedded store; the report as typed data, the graph, the audit entry,
and the HTTP rules of uploads (hub/http/uploads.py, hub/http/body_limit.py): CSRF header, sizes,
the `map`, malformed bodies."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpx

from graph_model import audit, version
from graph_model.enums import Label
from graph_model.queries import by_keys
from graph_model.stores.falkordb import FalkorStore
from hub.app import create_app
from hub.auth.principal import Principal, Role
from hub.settings import Limits, Settings
from hub_client import HubClient
from hub_client.base_model import Upload
from hub_client.import_file import ImportFile, ImportFileImportFileImportReport, ImportFileImportFileValidationError
from tests.asgi import TEST_JWT_KEY, asgi_client, token
from tests.builders import build_world, snapshot
from tests.test_import_files import csv_bytes, xlsx

PREFLIGHT = {"GraphQL-Require-Preflight": "1"}
GIFTS = [["donor", "institution", "amount", "date", "purpose"],
         ["donor-1", "inst-a", "1,000,000", "2024-01-10", "food"],
         ["donor-1", "inst-b", "250000", "1402/11/01", ""],
         ["donor-1", "inst-a", "-5", "2024-02-01", "bad"],          # row 4: negative amount
         ["donor-1", "inst-b", "3000", "2024-03-01", "school"]]
DONORS = [["key", "nameFa", "nameEn", "kind", "province"],
          ["donor-7", "بنیاد مهر", "Mehr Foundation", "FOUNDATION", "IR-00"],
          ["donor-8", "شرکت نور", "Noor Co", "COMPANY", "IR-01"]]
QUERY = ("mutation ImportFile($kind: String!, $file: Upload!) { importFile(kind: $kind, file: $file) "
         "{ __typename ... on ImportReport { created written } } }")


@contextlib.asynccontextmanager
async def client(store: FalkorStore, role: str = "admin", provinces: Iterable[str] = (),
                 settings: Settings | None = None) -> AsyncIterator[tuple[HubClient, httpx.AsyncClient]]:
    async with asgi_client(store, settings=settings, role=role, provinces=provinces) as http:
        http.headers.update(PREFLIGHT)
        yield HubClient(url="http://hub/graphql", http_client=http), http  # type: ignore[arg-type]  # codegen's protocol


def report(response: ImportFile) -> ImportFileImportFileImportReport:
    """The report a successful upload answers (fails with the typed error otherwise)."""
    value = response.import_file
    assert isinstance(value, ImportFileImportFileImportReport), value
    return value


def upload(data: bytes, name: str) -> Upload:
    return Upload(filename=name, content=io.BytesIO(data), content_type="application/octet-stream")


async def gifts(store: FalkorStore) -> list[str]:
    return [r for r in (await snapshot(store))[3] if "DONATED_TO" in r]


async def test_an_admin_imports_donors_and_donations_and_reads_the_report_and_the_graph(store: FalkorStore) -> None:
    await build_world(store)
    before, given = await version.current(store), len(await gifts(store))
    async with client(store) as (api, _):
        done = report(await api.import_file("donors", upload(csv_bytes(DONORS), "donors.csv")))
        assert (done.kind, done.file, done.rows, done.created, done.written, done.problems) == (
            "donors", "donors.csv", 2, 2, True, [])
        assert done.sha_256 == hashlib.sha256(csv_bytes(DONORS)).hexdigest()
        assert done.size == len(csv_bytes(DONORS))
        good = [GIFTS[0], GIFTS[1], GIFTS[2], ["donor-7", "inst-b", "5000", "2024-03-01", "x"]]
        done = report(await api.import_file("donations", upload(csv_bytes(good), "gifts.csv")))
        assert (done.created, done.written) == (3, True), done
        again = report(await api.import_file("donations", upload(csv_bytes(good), "gifts.csv")))
        assert (again.unchanged, again.created, again.written) == (3, 0, False), again
    found = await by_keys(store, Label.DONOR, ["donor-7", "donor-8"])
    assert found["donor-8"]["nameEn"] == "Noor Co" and found["donor-7"]["nameFa"] == "بنیاد مهر"
    assert len(await gifts(store)) == given + 3
    assert await version.current(store) != before  # the writes bumped the graph version


async def test_a_bad_row_in_the_middle_is_reported_with_row_and_column_and_nothing_is_written(
        store: FalkorStore) -> None:
    await build_world(store)
    before = await snapshot(store)
    async with client(store) as (api, _):
        done = report(await api.import_file("donations", upload(csv_bytes(GIFTS, bom=True), "gifts.csv")))
    assert (done.written, done.rejected, done.created) == (False, 1, 3)
    [problem] = done.problems
    assert (problem.row, problem.column, problem.value, problem.code) == (4, "amount", "-5", "negative")
    assert problem.message_en and problem.message_fa
    assert await snapshot(store) == before


async def test_skip_invalid_writes_the_valid_rows(store: FalkorStore) -> None:
    await build_world(store)
    async with client(store) as (api, _):
        done = report(await api.import_file("donations", upload(csv_bytes(GIFTS), "gifts.csv"),
                                      skip_invalid=True))
    assert (done.written, done.rejected, done.created) == (True, 1, 3), done


async def test_a_dry_run_reports_and_writes_nothing(store: FalkorStore) -> None:
    await build_world(store)
    before = await snapshot(store)
    async with client(store) as (api, _):
        done = report(await api.import_file("donors", upload(csv_bytes(DONORS), "donors.csv"), dry_run=True))
    assert (done.dry_run, done.created, done.written) == (True, 2, False), done
    assert await snapshot(store) == before


async def test_an_xlsx_upload_with_persian_headers(store: FalkorStore) -> None:
    await build_world(store)
    data = xlsx([["نیکوکار", "موسسه", "مبلغ", "تاریخ", "بابت"],
                 ["donor-1", "inst-a", "۱۲٬۵۰۰٬۰۰۰", "۱۴۰۳/۰۱/۰۱", "جهیزیه"]])
    async with client(store) as (api, _):
        done = report(await api.import_file("donations", upload(data, "هدایا.xlsx")))
    assert (done.created, done.written) == (1, True), done
    assert any("12500000" in g and "2024-03-20" in g for g in await gifts(store))


async def test_a_scoped_editors_row_for_another_province_is_rejected(store: FalkorStore) -> None:
    await build_world(store)
    before = await snapshot(store)
    rows = [["donor", "institution", "amount", "date"],
            ["donor-1", "inst-a", "100", "2024-01-01"],    # inst-a is in IR-00
            ["donor-1", "inst-b", "200", "2024-01-01"]]    # inst-b is in IR-01
    async with client(store, role="editor", provinces=["IR-00"]) as (api, _):
        done = report(await api.import_file("donations", upload(csv_bytes(rows), "g.csv")))
    assert [(p.row, p.column, p.code) for p in done.problems] == [(3, "institution", "province")]
    assert not done.written and await snapshot(store) == before


async def test_a_viewer_is_refused_and_the_refusal_is_audited(store: FalkorStore) -> None:
    await build_world(store)
    before = await snapshot(store)
    async with client(store, role="viewer") as (_, http):
        response = await http.post("/graphql", **form(QUERY, csv_bytes(DONORS), "donors.csv"))
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    assert await snapshot(store) == before
    [entry] = await audit.entries(store, limit=5, operation="importFile")
    assert entry.outcome == "FORBIDDEN"


async def test_unknown_kind_and_extension_are_typed_errors(store: FalkorStore) -> None:
    await build_world(store)
    async with client(store) as (api, _):
        kind = (await api.import_file("spaceships", upload(csv_bytes(DONORS), "d.csv"))).import_file
        ext = (await api.import_file("donors", upload(csv_bytes(DONORS), "d.pdf"))).import_file
    assert isinstance(kind, ImportFileImportFileValidationError) and [f.field for f in kind.fields] == ["kind"]
    assert isinstance(ext, ImportFileImportFileValidationError) and [f.field for f in ext.fields] == ["file"]
    async with client(store) as (_, http):  # a JSON request cannot carry a file: a value given instead is refused
        text = QUERY.replace("__typename", "__typename ... on MutationError { fields { field } }", 1)
        body = (await http.post("/graphql", json={"query": text, "variables": {"kind": "donors",
                                                                               "file": "donors.csv"}})).json()
    assert body["data"]["importFile"] == {"__typename": "ValidationError", "fields": [{"field": "file"}]}, body


async def test_the_audit_entry_has_name_size_sha256_and_counts_never_the_content(store: FalkorStore) -> None:
    await build_world(store)
    data = csv_bytes(DONORS)
    async with client(store) as (api, _):
        await api.import_file("donors", upload(data, "donors.csv"))
    [entry] = await audit.entries(store, limit=5, operation="importFile")
    assert entry.outcome == "ok" and entry.subject == "jwt:tester" and entry.role == "admin"
    values = json.loads(entry.values)
    assert values["kind"] == "donors"
    assert values["file"] == {"filename": "donors.csv", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert values["report"]["created"] == 2 and values["report"]["written"] is True
    assert "Mehr Foundation" not in entry.values and "donor-7" not in entry.values


def form(query: str, data: bytes, name: str, *, files_map: Any = None, variables: Any = None,
         headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A hand-made multipart request (for what the generated client would never send)."""
    operations = {"query": query, "variables": variables if variables is not None else {"kind": "donors",
                                                                                          "file": None}}
    return {"data": {"operations": json.dumps(operations),
                     "map": json.dumps(files_map if files_map is not None else {"0": ["variables.file"]})},
            "files": {"0": (name, data, "text/csv")}, "headers": headers or {}}


async def test_a_form_post_without_the_preflight_header_is_refused_unread(store: FalkorStore) -> None:
    await build_world(store)
    before = await snapshot(store)
    async with client(store) as (_, http):
        del http.headers["GraphQL-Require-Preflight"]
        response = await http.post("/graphql", **form(QUERY, csv_bytes(DONORS), "donors.csv"))
        assert response.status_code == 400, response.text
        assert "GraphQL-Require-Preflight" in response.json()["errors"][0]["message"]
        # and without credentials (what a cross-site form can send): 401 before anything
        del http.headers["Authorization"]
        anonymous = await http.post("/graphql", **form(QUERY, csv_bytes(DONORS), "donors.csv", headers=PREFLIGHT))
        assert anonymous.status_code == 401
    assert await snapshot(store) == before


async def test_over_size_uploads_are_refused_413(store: FalkorStore) -> None:
    await build_world(store)
    small = Settings(limits=dataclasses.replace(Limits(), upload_bytes=1000, body_bytes=2000))
    big = csv_bytes([*DONORS, *[[f"d-{i}", "نام", "Name", "COMPANY", "IR-00"] for i in range(400)]])
    assert len(big) > small.limits.upload_bytes + small.limits.body_bytes  # over the whole body's limit
    async with client(store, settings=small) as (_, http):
        declared = await http.post("/graphql", **form(QUERY, big, "donors.csv"))
        assert declared.status_code == 413, declared.text
        assert declared.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert "HUB_UPLOAD_MAX_BYTES" in declared.json()["errors"][0]["message"]

        request = http.build_request("POST", "/graphql", **form(QUERY, big, "donors.csv"))
        body = request.read()

        sent = []

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it is read
            for at in range(0, len(body), 500):
                sent.append(at)
                yield body[at:at + 500]

        streamed = await http.post("/graphql", content=chunks(),
                                   headers={"content-type": request.headers["content-type"]})
        assert streamed.status_code == 413, streamed.text
        # refused once past the limit (3,000 bytes), not after reading the 13 kB body
        assert len(sent) * 500 <= small.limits.upload_bytes + small.limits.body_bytes + 500 < len(body)
        # a file over its own limit in a body within the whole body's limit
        one = csv_bytes([*DONORS, *[[f"d-{i}", "نام", "Name", "COMPANY", "IR-00"] for i in range(40)]])
        assert small.limits.upload_bytes < len(one) and len(one) + 1000 < small.limits.upload_bytes + 2000
        file_over = await http.post("/graphql", **form(QUERY, one, "donors.csv"))
        assert file_over.status_code == 413, file_over.text
    assert await audit.count(store, operation="importFile") == 0


async def test_malformed_multipart_and_bad_maps_are_400(store: FalkorStore) -> None:
    await build_world(store)
    data = csv_bytes(DONORS)
    async with client(store) as (_, http):
        cases = {
            "unknown path": form(QUERY, data, "d.csv", files_map={"0": ["variables.other"]}),
            "not a variable": form(QUERY, data, "d.csv", files_map={"0": ["query"]}),
            "deep path": form(QUERY, data, "d.csv", files_map={"0": ["variables.file.x"]}),
            "unknown field": form(QUERY, data, "d.csv", files_map={"9": ["variables.file"]}),
            "two paths": form(QUERY, data, "d.csv", files_map={"0": ["variables.file", "variables.file"]}),
            "map not JSON": {**form(QUERY, data, "d.csv"), "data": {"operations": json.dumps(
                {"query": QUERY, "variables": {"kind": "donors", "file": None}}), "map": "{"}},
            "a String variable": form("mutation($kind: String!, $file: String!) { __typename }", data, "d.csv"),
            "placeholder not null": form(QUERY, data, "d.csv", variables={"kind": "donors", "file": "x"}),
        }
        for why, request in cases.items():
            response = await http.post("/graphql", **request)
            assert response.status_code == 400, (why, response.text)
            assert response.json()["errors"][0]["message"], why
        two_files = form(QUERY, data, "d.csv")
        two_files["files"] = [("0", ("d.csv", data, "text/csv")), ("1", ("e.csv", data, "text/csv"))]
        assert (await http.post("/graphql", **two_files)).status_code == 400
        ctype = "multipart/form-data; boundary=xyz"
        garbage = await http.post("/graphql", content=b"--xyz\r\nnot a part\r\n\r\n", headers={"content-type": ctype})
        assert garbage.status_code == 400, garbage.text
        no_boundary = await http.post("/graphql", content=b"abc", headers={"content-type": "multipart/form-data"})
        assert no_boundary.status_code == 400, no_boundary.text
        # a JSON request still works as before; a form elsewhere or urlencoded still 415
        plain = await http.post("/graphql", json={"query": "{ __typename }"})
        assert plain.status_code == 200 and plain.json() == {"data": {"__typename": "Query"}}
        urlencoded = await http.post("/graphql", data={"query": "{ __typename }"})
        assert urlencoded.status_code == 415
    assert await audit.count(store, operation="importFile") == 0


async def test_a_key_running_heavy_work_may_not_start_an_import_too(store: FalkorStore) -> None:
    """The per-key count of heavy work (hub.execution.concurrency) holds imports: with the key's one
    place taken (as a running import or network analysis takes it), an upload is refused at once,
    audited, and writes nothing; once the place is free, it runs."""
    await build_world(store)
    settings = Settings(limits=dataclasses.replace(Limits(), concurrent_analytics=1), jwt_key=TEST_JWT_KEY,
                        jwt_algorithm="HS256")
    app = create_app(settings, store=store)
    before = await snapshot(store)
    async with app.router.lifespan_context(app) as state:
        assert state is not None

        async def with_state(scope: Any, receive: Any, send: Any) -> None:
            scope["state"] = dict(state)
            await app(scope, receive, send)

        headers = {"Authorization": f"Bearer {token('admin')}", **PREFLIGHT}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=with_state), base_url="http://hub",
                                     headers=headers) as http:
            async with state["gate"].hold(Principal(Role.ADMIN, subject="jwt:tester")):
                busy = await http.post("/graphql", **form(QUERY, csv_bytes(DONORS), "donors.csv"))
                assert busy.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED", busy.text
                assert await snapshot(store) == before
            free = await http.post("/graphql", **form(QUERY, csv_bytes(DONORS), "donors.csv"))
            assert free.json()["data"]["importFile"] == {"__typename": "ImportReport", "created": 2, "written": True}
    assert [e.outcome for e in await audit.entries(store, limit=5, operation="importFile")] == ["ok", "LIMIT_EXCEEDED"]
