"""The data-quality report end to end: `dataQuality` through the generated client and `hub quality`, on a
hand-made world with one planted defect of each kind beside clean records that must not be reported.

As of 2026-01-01, Khuzestan (IR-01: counties IR-01-0001 and IR-01-0002) and Markazi (IR-00: IR-00-0001):

    record(s)                      defect                                           finding
    ya-1, ya-2 (IR-01-0001)        'مرکز علي' / 'مرکز علی' (Arabic ya, ZWNJ)        DUPLICATE_INSTITUTION (name)
    ya-far (IR-01-0002)            the same name in another county                  none
    tel-1, tel-2                   '۰۹۱۲ ۳۴۵ ۶۷۸۹' / '+98 912 345 6789'             DUPLICATE_INSTITUTION (phone)
    no-xy                          no latitude / longitude                          INSTITUTION_WITHOUT_COORDINATES
    no-svc, m-no-svc (IR-00)       offers nothing                                   INSTITUTION_WITHOUT_SERVICES
    unlicensed                     offers svc-y, licensed for svc-x only            OFFER_WITHOUT_LICENCE
    stale / lic-stale              ACTIVE licence expired 2025-06-01, svc-x offered EXPIRED_LICENCE_ON_ACTIVE_SERVICE
                                                                                    + OFFER_WITHOUT_LICENCE
    renewed                        an EXPIRED licence and a licence in force        none
    future / old / backwards       founded 2030; founded 1850; expires before issue DATE_OUT_OF_RANGE (x3)
    a-future (on assessed)         assessment dated 2027-03-01                      DATE_OUT_OF_RANGE
    g-future (solo -> gifted)      an individual's gift dated 2030-05-01            DATE_OUT_OF_RANGE (personal)
    evt-back                       ends before it starts                            DATE_OUT_OF_RANGE
    co-1, co-2 (companies)         'شركت كيان' / 'شرکت کیان'                        DUPLICATE_DONOR (name)
    co-far (IR-00)                 the same name in another province                none
    ind-1, ind-2 (individuals)     '09351112233' / '٠٩٣٥١١١٢٢٣٣'                    DUPLICATE_DONOR (personal)
    idle-co / idle-ind             no gift                                          DONOR_WITHOUT_DONATIONS (1 personal)
    event-giver                    gave to an event only                            none
"""

from __future__ import annotations

import asyncio
import csv
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_model.enums import Label
from graph_model.mutations import create_node, issue_licence, offer_service, record_donation
from graph_model.statements.loading import UPSERT_NODE
from graph_model.stores.embedded import EmbeddedServer
from hub.cli import main as cli
from hub_client import DataQualityKind
from hub_client.exceptions import GraphQLClientGraphQLMultiError
from tests.builders import names
from tests.supervision_world import assess, build_map, client, codes

AS_OF = "2026-01-01"
K1, K2, M1 = "IR-01-0001", "IR-01-0002", "IR-00-0001"

# (kind, keys, field) of every finding, in report order (severity, kind, keys).
PUBLIC = [
    ("OFFER_WITHOUT_LICENCE", ("stale", "svc-x"), None),
    ("OFFER_WITHOUT_LICENCE", ("unlicensed", "svc-y"), None),
    ("EXPIRED_LICENCE_ON_ACTIVE_SERVICE", ("lic-stale", "stale"), None),
    ("DUPLICATE_INSTITUTION", ("tel-1", "tel-2"), None),
    ("DUPLICATE_INSTITUTION", ("ya-1", "ya-2"), None),
    ("DUPLICATE_DONOR", ("co-1", "co-2"), None),
    ("DATE_OUT_OF_RANGE", ("a-future", "assessed"), "date"),
    ("DATE_OUT_OF_RANGE", ("evt-back",), "endsOn"),
    ("DATE_OUT_OF_RANGE", ("future",), "founded"),
    ("DATE_OUT_OF_RANGE", ("lic-backwards", "backwards"), "expiresOn"),
    ("DATE_OUT_OF_RANGE", ("old",), "founded"),
    ("INSTITUTION_WITHOUT_COORDINATES", ("no-xy",), None),
    ("INSTITUTION_WITHOUT_SERVICES", ("m-no-svc",), None),
    ("INSTITUTION_WITHOUT_SERVICES", ("no-svc",), None),
    ("DONOR_WITHOUT_DONATIONS", ("idle-co",), None),
]
PERSONAL = [
    ("DUPLICATE_DONOR", ("ind-1", "ind-2"), None),
    ("DATE_OUT_OF_RANGE", ("g-future", "gifted", "solo"), "date"),
    ("DONOR_WITHOUT_DONATIONS", ("idle-ind",), None),
]
ORDER = ["HIGH", "MEDIUM", "LOW"]
KINDS = [k.value for k in DataQualityKind]


def _rank(x: tuple[str, tuple[str, ...], str | None]) -> str:
    from graph_model.quality.findings import SEVERITY, Kind

    kind = Kind(x[0])
    return f"{ORDER.index(SEVERITY[kind].value)}{list(Kind).index(kind):02d}|{'|'.join(x[1])}/{x[2] or ''}"


EVERYTHING = sorted(PUBLIC + PERSONAL, key=_rank)
PUBLIC = sorted(PUBLIC, key=_rank)
# Individual donors' keys, names and phones: what a caller without the personal right must never receive.
SECRETS = ("ind-1", "ind-2", "idle-ind", "solo", "g-future", "Hidden One", "Hidden Two", "Idle Person",
           "Solo Giver", "0935", "٠٩٣٥", "09351112233", "پنهان یک", "پنهان دو", "خیر بیکار", "خیر تنها")


async def inst(store: Any, key: str, county: str = K1, *, fa: str | None = None, xy: bool = True,
               **props: Any) -> None:
    where = {"lat": 31.3, "lon": 48.7} if xy else {}
    await create_node(store, Label.INSTITUTION, {"key": key, "kind": "DAY_CARE", "county": county,
                                                 "nameEn": f"Centre {key}", "nameFa": fa or f"مرکز {key}",
                                                 **where, **props})


async def licensed(store: Any, key: str, service: str = "svc-x", **kw: Any) -> None:
    """``key`` offers ``service`` under a licence in force."""
    await offer_service(store, key, service, capacity=10)
    await issue_licence(store, holder=key, licence_type="lt-x", services=[service], issued_on="2024-01-01",
                        expires_on="2028-01-01", key=f"lic-{key}-{service}", **kw)


async def donor(store: Any, key: str, kind: str, en: str, fa: str, province: str = "IR-01", *,
                gives: bool = True, **props: Any) -> None:
    await create_node(store, Label.DONOR, {"key": key, "kind": kind, "province": province, "nameEn": en,
                                           "nameFa": fa, **props})
    if gives:
        await record_donation(store, donor=key, amount=1_000_000, date="2025-03-01", institution="clean",
                              key=f"gift-{key}")


async def build_quality_world(store: Any) -> None:
    await build_map(store)
    for key in ("svc-x", "svc-y"):
        await create_node(store, Label.SERVICE, {"key": key, "domain": "SOCIAL", **names(key)})
    await create_node(store, Label.LICENCE_TYPE, {"key": "lt-x", "validityYears": 5, "services": ["svc-x", "svc-y"],
                                                  **names("X")})
    for key in ("clean", "renewed", "assessed", "gifted", "backwards"):
        await inst(store, key, founded="2010-05-01", phone="061-3333-0000" if key == "clean" else None)
        await licensed(store, key)
    await inst(store, "ya-1", fa="مرکز علي\u200cاکبر")  # Arabic ya and a ZWNJ
    await inst(store, "ya-2", fa="مرکز علیاکبر")
    await inst(store, "ya-far", K2, fa="مرکز علی‌اکبر")
    await inst(store, "tel-1", phone="۰۹۱۲ ۳۴۵ ۶۷۸۹")
    await inst(store, "tel-2", K2, phone="+98 912 345 6789")
    await inst(store, "no-xy", xy=False)
    await inst(store, "no-svc")
    await inst(store, "m-no-svc", M1)
    await inst(store, "unlicensed")
    await inst(store, "stale")
    await inst(store, "future", founded="2030-01-01")
    await inst(store, "old", founded="1850-01-01")
    for key in ("ya-1", "ya-2", "ya-far", "tel-1", "tel-2", "no-xy", "unlicensed", "future", "old"):
        await licensed(store, key)
    await offer_service(store, "unlicensed", "svc-y", capacity=5)
    await offer_service(store, "stale", "svc-x", capacity=5)
    await issue_licence(store, holder="stale", licence_type="lt-x", services=["svc-x"], issued_on="2020-06-01",
                        expires_on="2025-06-01", key="lic-stale")  # still ACTIVE: nobody marked it
    await issue_licence(store, holder="renewed", licence_type="lt-x", services=["svc-x"], issued_on="2019-01-01",
                        expires_on="2024-01-01", key="lic-old-renewed")
    await store.write(UPSERT_NODE[Label.LICENCE], rows=[{"key": "lic-old-renewed", "props": {"status": "EXPIRED"}}])
    await issue_licence(store, holder="backwards", licence_type="lt-x", services=["svc-y"], issued_on="2022-01-01",
                        expires_on="2023-01-01", key="lic-backwards")
    # An import typed the expiry before the issue day (no mutation would take it).
    await store.write(UPSERT_NODE[Label.LICENCE], rows=[{"key": "lic-backwards", "props": {
        "expiresOn": "2021-01-01", "status": "EXPIRED"}}])
    await assess(store, "a-ok", "assessed", "COUNTY", 80, "2025-10-01")
    await assess(store, "a-future", "assessed", "COUNTY", 80, "2027-03-01")
    await create_node(store, Label.EVENT, {"key": "evt-ok", "kind": "MAWKIB", "startsOn": "2026-08-20",
                                           "county": K1, **names("Mawkib")})
    await create_node(store, Label.EVENT, {"key": "evt-back", "kind": "MAWKIB", "startsOn": "2024-08-20",
                                           "county": K1, **names("Back")})
    await store.write(UPSERT_NODE[Label.EVENT], rows=[{"key": "evt-back", "props": {"endsOn": "2024-08-10"}}])
    await donor(store, "co-1", "COMPANY", "Kian Co", "شركت كيان")
    await donor(store, "co-2", "COMPANY", "Kian Company", "شرکت کیان")
    await donor(store, "co-far", "COMPANY", "Kian Markazi", "شرکت کیان", "IR-00")
    await donor(store, "co-clean", "COMPANY", "Other Co", "شرکت دیگر", phone="021-5555-1234")
    await donor(store, "ind-1", "INDIVIDUAL", "Hidden One", "پنهان یک", phone="09351112233")
    await donor(store, "ind-2", "INDIVIDUAL", "Hidden Two", "پنهان دو", phone="٠٩٣٥١١١٢٢٣٣")
    await donor(store, "idle-co", "COMPANY", "Idle Co", "شرکت بیکار", gives=False)
    await donor(store, "idle-ind", "INDIVIDUAL", "Idle Person", "خیر بیکار", gives=False)
    await donor(store, "solo", "INDIVIDUAL", "Solo Giver", "خیر تنها")
    # A donor whose only gift went to an event has given: no finding.
    await donor(store, "event-giver", "COMPANY", "Event Giver", "خیر رویداد", gives=False)
    await record_donation(store, donor="event-giver", amount=2_000, date="2025-02-01", event="evt-ok",
                          key="g-event")
    await record_donation(store, donor="solo", amount=5_000, date="2025-01-01", institution="gifted", key="g-future")
    # A gift dated in the future (a Jalali year typed as Gregorian, say) as an import would leave it.
    from graph_model.cypher import statement
    await store.write(statement("test_quality_gift_date", "MATCH ()-[g:DONATED_TO]->() WHERE g.key = $key "
                                "SET g.date = $date", write=True, register=False), key="g-future", date="2030-05-01")


@pytest.fixture
async def world(store: Any) -> Any:
    await build_quality_world(store)
    return store


def seen(report: Any) -> list[tuple[str, tuple[str, ...], str | None]]:
    return [(f.kind.value, tuple(f.keys), f.field) for f in report.findings.nodes]


async def everything(api: Any, **kw: Any) -> tuple[Any, list[Any]]:
    """The report and all its findings, read a page of ``first`` at a time."""
    first = await api.data_quality(as_of=AS_OF, **kw)
    nodes, page = list(first.data_quality.findings.nodes), first.data_quality.findings
    while page.page_info.has_next_page:
        page = (await api.data_quality(as_of=AS_OF, after=page.page_info.end_cursor, **kw)).data_quality.findings
        nodes += page.nodes
    return first.data_quality, nodes


async def test_each_planted_defect_is_found_with_its_keys_and_nothing_clean_is(world: Any) -> None:
    async with client(world, role="editor") as api:
        report = (await api.data_quality(as_of=AS_OF, first=100)).data_quality
    assert seen(report) == EVERYTHING
    assert report.total == report.findings.total_count == len(EVERYTHING)
    assert {(c.kind.value, c.count) for c in report.counts} == {
        (k, sum(1 for x in EVERYTHING if x[0] == k)) for k in KINDS}
    reported = {key for f in report.findings.nodes for key in f.keys}
    for clean in ("clean", "renewed", "ya-far", "co-far", "co-clean", "evt-ok", "a-ok", "lic-old-renewed"):
        assert clean not in reported, clean
    by_id = {tuple(f.keys): f for f in report.findings.nodes}
    ya = by_id[("ya-1", "ya-2")]  # Arabic ya + ZWNJ against Persian ye without it
    assert (ya.county_key, ya.province_key, ya.severity.value) == (K1, "IR-01", "MEDIUM")
    assert "same name (مرکز علي\u200cاکبر)" in ya.message_en and "نام یکسان" in ya.message_fa and ya.fix_en \
        and ya.fix_fa  # the name that matched, as ya-1 spells it
    assert [(s.label, s.key) for s in ya.subjects] == [("Institution", "ya-1"), ("Institution", "ya-2")]
    tel = by_id[("tel-1", "tel-2")]  # Persian digits against +98: two counties, one province
    assert (tel.county_key, tel.province_key) == (None, "IR-01") and "phone" in tel.message_en
    stale = by_id[("lic-stale", "stale")]
    assert stale.severity.value == "HIGH" and "2025-06-01" in stale.message_en and "svc-x" in stale.message_en
    assert [(s.label, s.key) for s in by_id[("g-future", "gifted", "solo")].subjects] == [
        ("Donation", "g-future"), ("Institution", "gifted"), ("Donor", "solo")]


async def test_the_day_decides_what_is_in_the_future(world: Any) -> None:
    async with client(world, role="admin") as api:
        later = (await api.data_quality(as_of="2031-01-01", kinds=[DataQualityKind.DATE_OUT_OF_RANGE],
                                        first=100)).data_quality
    # founded 2030, the 2027 assessment and the 2030 gift are past by 2031; lic-stale is not a date finding
    assert {tuple(f.keys) for f in later.findings.nodes} == {
        ("evt-back",), ("lic-backwards", "backwards"), ("old",)}


async def test_scope_narrows_and_a_scoped_key_sees_only_its_provinces(world: Any) -> None:
    async with client(world, role="admin") as api:
        county = (await api.data_quality(scope=K2, as_of=AS_OF, first=100)).data_quality
        markazi = (await api.data_quality(scope="IR-00", as_of=AS_OF, first=100)).data_quality
    # a county: its institutions only (tel-2 has no twin inside it), no donor finding
    assert seen(county) == []
    assert seen(markazi) == [("INSTITUTION_WITHOUT_SERVICES", ("m-no-svc",), None)]
    async with client(world, role="editor", provinces=["IR-00"]) as api:
        mine = (await api.data_quality(as_of=AS_OF, first=100)).data_quality
        assert seen(mine) == seen(markazi) and mine.total == 1
        with pytest.raises(GraphQLClientGraphQLMultiError) as refused:
            await api.data_quality(scope="IR-01", as_of=AS_OF, first=20)
        assert codes(refused.value) == {"FORBIDDEN"}
    async with client(world, role="editor", provinces=["IR-01"]) as api:
        khuzestan = (await api.data_quality(as_of=AS_OF, first=100)).data_quality
    assert seen(khuzestan) == [x for x in EVERYTHING if x[1] != ("m-no-svc",)]
    for role in ("viewer", "planner", "council_member"):
        async with client(world, role=role) as api:
            with pytest.raises(GraphQLClientGraphQLMultiError) as refused:
                await api.data_quality(as_of=AS_OF, first=20)
            assert codes(refused.value) == {"FORBIDDEN"}, role


async def test_without_the_personal_right_individual_donors_findings_do_not_exist(world: Any) -> None:
    async with client(world, role="supervisor") as api:
        report, nodes = await everything(api, first=4)
        raw: Any = await api.http_client.post("http://hub/graphql", json={
            "query": "{ dataQuality(asOf: \"2026-01-01\", first: 100) { total counts { kind count } findings { "
                     "totalCount edges { cursor node { id keys messageEn messageFa fixEn fixFa "
                     "subjects { key } } } } } }"})
    assert [(f.kind.value, tuple(f.keys), f.field) for f in nodes] == PUBLIC
    assert report.total == report.findings.total_count == len(PUBLIC)
    counts = {c.kind.value: c.count for c in report.counts}
    assert counts["DUPLICATE_DONOR"] == 1 and counts["DONOR_WITHOUT_DONATIONS"] == 1
    assert counts["DATE_OUT_OF_RANGE"] == 5
    body = raw.text  # the bytes as sent, decoded (UTF-8: Persian unescaped)
    assert raw.status_code == 200 and '"errors"' not in body and "co-1" in body
    for secret in SECRETS:  # as sent, and as JSON would escape it
        assert secret not in body and json.dumps(secret)[1:-1] not in body, secret


async def test_pages_follow_one_another_and_cursors_stay_in_their_view(world: Any) -> None:
    async with client(world, role="admin") as api:
        report, nodes = await everything(api, first=4)
        assert [(f.kind.value, tuple(f.keys), f.field) for f in nodes] == EVERYTHING
        one = (await api.data_quality(as_of=AS_OF, first=1)).data_quality.findings.page_info.end_cursor
        only = (await api.data_quality(as_of=AS_OF, kinds=[DataQualityKind.DUPLICATE_DONOR, DataQualityKind.
                                       DUPLICATE_DONOR], first=1)).data_quality
        assert only.findings.total_count == 2 and only.total == len(EVERYTHING)
        rest = (await api.data_quality(as_of=AS_OF, kinds=[DataQualityKind.DUPLICATE_DONOR], first=5,
                                       after=only.findings.page_info.end_cursor)).data_quality
        assert [tuple(f.keys) for f in only.findings.nodes + rest.findings.nodes] == [("co-1", "co-2"),
                                                                                      ("ind-1", "ind-2")]
        with pytest.raises(GraphQLClientGraphQLMultiError) as bad:
            await api.data_quality(as_of=AS_OF, first=0)
        assert codes(bad.value) == {"VALIDATION_FAILED"}
    async with client(world, role="supervisor") as api:  # an admin's cursor is bound to the personal view
        with pytest.raises(GraphQLClientGraphQLMultiError) as refused:
            await api.data_quality(as_of=AS_OF, after=one, first=20)
        assert codes(refused.value) == {"VALIDATION_FAILED"}


async def test_hub_quality_prints_the_same_findings(world: Any, server: EmbeddedServer, tmp_path: Any,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HUB_DATA_DIR", str(server.data_dir))
    monkeypatch.setenv("HUB_GRAPH", world.graph_name)
    capsys.readouterr()
    out = tmp_path / "quality.csv"
    assert await asyncio.to_thread(cli.main, ["quality", "--as-of", AS_OF, "--csv", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.lstrip().startswith(f"{len(EVERYTHING)} finding(s) in the country")
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [(r["kind"], tuple(r["keys"].split()), r["id"].partition("/")[2] or None) for r in rows] == EVERYTHING
    for r in rows:
        assert " ".join(r["keys"].split()) in text and r["message_fa"] and r["fix_fa"]
    async with client(world, role="admin") as api:
        ids = [f.id for f in (await api.data_quality(as_of=AS_OF, first=100)).data_quality.findings.nodes]
    assert [r["id"] for r in rows] == ids
    assert await asyncio.to_thread(cli.main, ["quality", "--province", "IR-00", "--lang", "fa",
                                              "--as-of", "1404/10/11"]) == 0
    persian = capsys.readouterr().out
    assert "m-no-svc" in persian and "هیچ خدمتی" in persian and "ya-1" not in persian
    assert await asyncio.to_thread(cli.main, ["quality", "--province", "IR-99"]) == 1


def test_phones_compare_by_their_digits_and_one_pair_is_one_finding() -> None:
    from graph_model.quality.checks import duplicate_institutions, phone_digits
    from graph_model.quality.findings import ordered

    assert phone_digits("۰۹۱۲ ۳۴۵ ۶۷۸۹") == phone_digits("+98 (912) 345-6789") == phone_digits("00989123456789") \
        == phone_digits("٠٩١٢٣٤٥٦٧٨٩") == "09123456789"
    assert phone_digits("۱۲۳") == phone_digits(None) == phone_digits("n/a") == ""  # too short to match on
    row = {"county": K1, "province": "IR-01", "nameEn": "Twin", "nameFa": "دوقلو", "phone": "061 1234 5678"}
    # the same pair by Persian name, English name and phone: three groups, one finding
    found = ordered(duplicate_institutions([{**row, "key": "t-2"}, {**row, "key": "t-1"}]))
    assert [(f.kind.value, f.keys) for f in found] == [("DUPLICATE_INSTITUTION", ("t-1", "t-2"))]
    assert "same name (دوقلو)" in found[0].message_en


_NAME_CHARS = st.sampled_from(list("ab |｜ ") + ["ي", "ی", "ك", "۱", "\u200c", "\u064e", "Ｂ", "\u0301"])


@settings(max_examples=400, deadline=None)
@given(fa=st.none() | st.text(_NAME_CHARS, max_size=8), en=st.none() | st.text(_NAME_CHARS, max_size=8))
def test_names_read_off_the_search_text_are_the_names_folded_again(fa: str | None, en: str | None) -> None:
    # The stored search text is split only when that gives the two folded names back: names holding
    # or folding to '|' (the fullwidth ｜ folds to it), a missing or empty name, are folded again.
    from graph_model.quality.checks import folded_names
    from graph_model.text import normalise, search_text

    again = (normalise(fa or ""), normalise(en or ""))
    assert folded_names({"nameFa": fa, "nameEn": en, "folded": search_text(fa, en)}) == again
    assert folded_names({"nameFa": fa, "nameEn": en}) == again  # no search text stored
