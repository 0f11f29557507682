"""The planted cases of the seed come out where they should in the ranking, the plan and the alerts.

Written against the keys the seed part plants in Khuzestan (IR-06), on the seed's TODAY (2026-11-23):
``inst-planted-self-inflated`` (DAY_CARE, recent SELF scores ~95, office scores ~40) is flagged as a
disagreement with an office score far below its self-assessment; ``inst-planted-never-visited``
(RESIDENTIAL_CARE, never an office visit) is due in the month's plan as NEVER_VISITED near the top and
raises a HIGH visit alert; ``lic-planted-stuck-renewal`` (renewal requested 365 days ago, nothing
after) raises a HIGH RENEWAL_PENDING alert. It fails until the seed part (issue 19, item 6) is merged:
the planted records arrive with it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from hub_client.enums import InstitutionKind
from tests.stores import fresh_store
from tests.supervision_world import client

PROFILE = "demo"
TODAY = "2026-11-23"
INFLATED, NEVER, STUCK = "inst-planted-self-inflated", "inst-planted-never-visited", "lic-planted-stuck-renewal"


@pytest.fixture(scope="module")
async def seeded(server: EmbeddedServer) -> AsyncIterator[FalkorStore]:
    async with fresh_store(server, PROFILE) as store:
        yield store


async def test_self_inflated_centre_is_flagged_in_the_ranking(seeded: Any) -> None:
    async with client(seeded) as api:
        found, after = None, None
        while found is None:
            page = (await api.institution_ranking(scope="IR-06", kind=InstitutionKind.DAY_CARE, as_of=TODAY,
                                                  first=100, after=after)).institution_ranking
            found = next((e.node for e in page.edges if e.node.key == INFLATED), None)
            assert found is not None or page.page_info.has_next_page, f"{INFLATED} is not in IR-06's ranking"
            after = page.page_info.end_cursor
    assert found.disagreement
    assert found.latest_self_score is not None and found.latest_self_score >= 90
    assert found.office_score is not None and found.office_score <= 50


async def test_never_visited_residential_centre_is_due_near_the_top_of_the_plan(seeded: Any) -> None:
    async with client(seeded) as api:
        plan = (await api.supervision_plan(province="IR-06", from_=TODAY, until="2026-12-22",
                                           first=100)).supervision_plan
        entries = list(plan.entries)
        while len(entries) < plan.total:
            entries += (await api.supervision_plan(province="IR-06", from_=TODAY, until="2026-12-22", first=100,
                                                   after=entries[-1].order)).supervision_plan.entries
    entry = next((x for x in entries if x.key == NEVER), None)
    assert entry is not None, f"{NEVER} is not in IR-06's plan"
    assert "NEVER_VISITED" in {r.key.value for r in entry.reasons} and entry.last_visit is None
    assert entry.risk >= 60  # NEVER_VISITED 40 x 1.5 for a residential centre
    assert all(x.risk >= entry.risk for x in entries[:entry.order - 1])


async def test_never_visited_and_stuck_renewal_raise_high_alerts(seeded: Any) -> None:
    async with client(seeded) as api:
        first = (await api.alerts(scope="IR-06", as_of=TODAY)).alerts
        items = list(first.items)
        while len(items) < first.total:
            items += (await api.alerts(scope="IR-06", as_of=TODAY, after=len(items))).alerts.items
    kinds = {(a.kind.value, a.severity.value, a.subject_key) for a in items}
    assert ("VISIT_OVERDUE", "HIGH", NEVER) in kinds
    assert ("RENEWAL_PENDING", "HIGH", STUCK) in kinds
