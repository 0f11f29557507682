"""`licencePipeline` end to end on a hand-made world, against hand-counted figures.

Every date is relative to the fixed AS_OF, 2026-06-01 (the licences are written through
graph_model's own operations, their changes dated; the pipeline is read through the generated
client). inst-a lies in IR-00, inst-b in IR-01 (tests.builders.build_world); lt-care is valid
5 years, lt-open has no validity.

    licence        holder  what                                         lists
    aip-late       a       AIP issued 2020-01-01, lapsed 2025-01-01     overdue, 516 days
    aip-fresh      a       AIP issued 2024-01-01 (lapses 2029)          -
    aip-open       a       AIP of lt-open issued 2010-01-01             - (no validity: never lapses)
    exp-20         a       ACTIVE, expires 2026-06-21                   expiring 30/60/90, 20 days left
    exp-45         b       ACTIVE, expires 2026-07-16                   expiring 60/90, 45 days left
    exp-90         a       ACTIVE, expires 2026-08-30                   expiring 90, 90 days left
    exp-91         a       ACTIVE, expires 2026-08-31                   - (91 days)
    past           a       ACTIVE, expired 2026-05-31 (not yet marked)  - (not ahead of AS_OF)
    pending        a       ACTIVE, renewal requested 2026-04-02         renewals pending, 60 days
    susp           a       suspended 2025-01-01, reinstated 2025-02-01, suspended 2026-03-03 "fire safety":
                           suspended since 2026-03-03, 90 days
    revoked        b       REVOKED
    expired        b       EXPIRED
    r1, r2, r3     a       renewals after 30, 50 and 100 days           IR-00 median 50 days over 3 (mean 60)
    r4             b       a renewal after 10 days                      IR-01 median 10 days over 1

Counts, country: AIP 3, ACTIVE 10 (exp-20, exp-45, exp-90, exp-91, past, pending, r1-r4),
SUSPENDED 1, REVOKED 1, EXPIRED 1. IR-01 alone: ACTIVE 2 (exp-45, r4), REVOKED 1, EXPIRED 1.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graph_model.enums import Label
from graph_model.mutations import licences as lic
from graph_model.statements.loading import UPSERT_NODE
from graph_model.stores.falkordb import FalkorStore
from hub_client import HubClient
from hub_client.exceptions import GraphQLClientGraphQLMultiError
from tests.asgi import asgi_client
from tests.builders import build_world

AS_OF = "2026-06-01"
TODAY = dt.date(2026, 6, 1)  # what the operations take for today, so no date is "in the future"


async def _issue(store: FalkorStore, key: str, holder: str, issued: str, *, status: str = "ACTIVE",
                 expires: str | None = None, licence_type: str = "lt-care") -> None:
    await lic.issue_licence(store, key=key, holder=holder, licence_type=licence_type, services=["svc-care"],
                            issued_on=issued, status=status, expires_on=expires, by="test")


async def build(store: FalkorStore) -> None:
    await build_world(store)
    await _issue(store, "aip-late", "inst-a", "2020-01-01", status="AGREEMENT_IN_PRINCIPLE")
    await _issue(store, "aip-fresh", "inst-a", "2024-01-01", status="AGREEMENT_IN_PRINCIPLE")
    await _issue(store, "aip-open", "inst-a", "2010-01-01", status="AGREEMENT_IN_PRINCIPLE", licence_type="lt-open")
    for key, holder, expires in (("exp-20", "inst-a", "2026-06-21"), ("exp-45", "inst-b", "2026-07-16"),
                                 ("exp-90", "inst-a", "2026-08-30"), ("exp-91", "inst-a", "2026-08-31"),
                                 ("past", "inst-a", "2026-05-31")):
        await _issue(store, key, holder, "2021-01-01", expires=expires)
    await _issue(store, "pending", "inst-a", "2024-01-01")
    await lic.request_licence_renewal(store, "pending", on="2026-04-02", today=TODAY)
    await _issue(store, "susp", "inst-a", "2022-01-01")
    await lic.suspend_licence(store, "susp", on="2025-01-01", reason="old", today=TODAY)
    await lic.reinstate_licence(store, "susp", on="2025-02-01", today=TODAY)
    await lic.suspend_licence(store, "susp", on="2026-03-03", reason="fire safety", by="key:inspector", today=TODAY)
    await _issue(store, "revoked", "inst-b", "2022-01-01")
    await lic.revoke_licence(store, "revoked", on="2023-01-01", reason="fraud", today=TODAY)
    await _issue(store, "expired", "inst-b", "2015-01-01")
    await store.write(UPSERT_NODE[Label.LICENCE], rows=[{"key": "expired", "props": {"status": "EXPIRED"}}])
    for key, holder, asked, renewed in (("r1", "inst-a", "2025-01-01", "2025-01-31"),
                                        ("r2", "inst-a", "2025-03-01", "2025-04-20"),
                                        ("r3", "inst-a", "2025-05-01", "2025-08-09"),
                                        ("r4", "inst-b", "2025-02-01", "2025-02-11")):
        await _issue(store, key, holder, "2024-01-01")
        await lic.request_licence_renewal(store, key, on=asked, today=TODAY)
        await lic.renew_licence(store, key, on=renewed, today=TODAY)


async def _pipeline(store: FalkorStore, role: str = "supervisor", provinces: tuple[str, ...] = (),
                    province: str | None = None) -> Any:
    async with asgi_client(store, role=role, provinces=provinces) as http:
        hub = HubClient(url="http://hub/graphql", http_client=http)  # type: ignore[arg-type]
        return (await hub.licence_pipeline(province=province, as_of=AS_OF, first=20)).licence_pipeline


def _keys(page: Any) -> list[str]:
    return [item.key for item in page.items]


async def test_the_country_equals_the_hand_count(store: FalkorStore) -> None:
    await build(store)
    p = await _pipeline(store)
    assert (p.as_of, p.provinces) == (AS_OF, None)
    assert (p.agreements_in_principle, p.active, p.suspended_count, p.expired, p.revoked) == (3, 10, 1, 1, 1)
    assert (p.expiring_within_30, p.expiring_within_60, p.expiring_within_90) == (1, 2, 3)
    assert (p.overdue_agreements.total, _keys(p.overdue_agreements)) == (1, ["aip-late"])
    (late,) = p.overdue_agreements.items
    assert (late.deadline, late.days_overdue) == ("2025-01-01", 516)
    assert (_keys(p.expiring_30), [i.days_left for i in p.expiring_30.items]) == (["exp-20"], [20])
    assert (_keys(p.expiring), [i.days_left for i in p.expiring.items]) == (["exp-20", "exp-45", "exp-90"],
                                                                           [20, 45, 90])
    assert p.expiring.items[1].province == "IR-01"
    (pending,) = p.renewals_pending.items
    assert (p.renewals_pending.total, pending.key, pending.renewal_requested_on, pending.days_waiting) == (
        1, "pending", "2026-04-02", 60)
    (susp,) = p.suspended.items
    assert (susp.key, susp.suspended_since, susp.days_suspended, susp.reason, susp.suspended_by) == (
        "susp", "2026-03-03", 90, "fire safety", "key:inspector")
    assert [(t.province, t.median_days, t.renewals) for t in p.renewal_times] == [("IR-00", 50.0, 3),
                                                                                  ("IR-01", 10.0, 1)]


async def test_first_caps_a_list_but_not_its_total(store: FalkorStore) -> None:
    await build(store)
    async with asgi_client(store, role="admin") as http:
        hub = HubClient(url="http://hub/graphql", http_client=http)  # type: ignore[arg-type]
        p = (await hub.licence_pipeline(as_of=AS_OF, first=2)).licence_pipeline
    assert (p.expiring.total, _keys(p.expiring)) == (3, ["exp-20", "exp-45"])


async def test_a_scoped_supervisor_sees_only_its_provinces(store: FalkorStore) -> None:
    await build(store)
    mine = await _pipeline(store, provinces=("IR-01",))
    asked = await _pipeline(store, provinces=("IR-01",), province="IR-01")
    for p in (mine, asked):
        assert p.provinces == ["IR-01"]
        assert (p.agreements_in_principle, p.active, p.suspended_count, p.expired, p.revoked) == (0, 2, 0, 1, 1)
        assert (p.expiring_within_30, p.expiring_within_60, p.expiring_within_90) == (0, 1, 1)
        assert (_keys(p.expiring), p.renewals_pending.total, p.suspended.total) == (["exp-45"], 0, 0)
        assert [(t.province, t.median_days, t.renewals) for t in p.renewal_times] == [("IR-01", 10.0, 1)]
    with pytest.raises(GraphQLClientGraphQLMultiError) as refused:
        await _pipeline(store, provinces=("IR-01",), province="IR-00")
    assert [(e.extensions or {})["code"] for e in refused.value.errors] == ["FORBIDDEN"]
    markazi = await _pipeline(store, province="IR-00")  # an unscoped supervisor asks for one province
    assert (markazi.provinces, markazi.active, markazi.suspended_count, markazi.revoked) == (["IR-00"], 8, 1, 0)
    with pytest.raises(GraphQLClientGraphQLMultiError) as unknown:
        await _pipeline(store, province="IR-99")
    assert [(e.extensions or {})["code"] for e in unknown.value.errors] == ["NOT_FOUND"]


async def test_a_viewer_is_refused(store: FalkorStore) -> None:
    await build(store)
    for role in ("viewer", "editor", "planner"):
        with pytest.raises(GraphQLClientGraphQLMultiError) as refused:
            await _pipeline(store, role=role)
        assert [(e.extensions or {})["code"] for e in refused.value.errors] == ["FORBIDDEN"], role
