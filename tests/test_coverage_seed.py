"""The national profile's deliberately underserved counties, found by the hub end to end.

``seed.national.UNDERSERVED_COUNTIES`` withholds every service of a target group in a few remote
counties. The part of the national profile coverage reads (places, services, institutions, their
offers and licences; no donors or gifts) is loaded through the seed loader, and the generated
client asks ``underservedAreas`` for each withheld group: those counties come first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph_model.enums import Label, Rel
from hub_client import HubClient
from hub_client.enums import CoverageMethod
from hub_client.input_types import CoverageQuestion
from seed.dataset import Dataset
from seed.generator import TODAY
from seed.loader import load
from seed.national import UNDERSERVED_COUNTIES
from tests.asgi import asgi_client
from tests.datasets import national as national_rows

LABELS = (Label.PROVINCE, Label.COUNTY, Label.INSTITUTION, Label.SERVICE, Label.TARGET_GROUP, Label.LICENCE_TYPE,
          Label.LICENCE)
RELS = (Rel.IN_PROVINCE, Rel.LOCATED_IN, Rel.OFFERS, Rel.HOLDS, Rel.LICENSES, Rel.OF_TYPE, Rel.PERMITS, Rel.SERVES)


@pytest.fixture
async def national(store: Any) -> AsyncIterator[HubClient]:
    full = national_rows()
    await load(store, Dataset("national-coverage", {label: full.nodes[label] for label in LABELS},
                              {rel: full.rels[rel] for rel in RELS}))
    async with asgi_client(store) as http:
        yield HubClient(url="http://hub/graphql", http_client=http)  # type: ignore[arg-type]  # codegen's HttpClient protocol: json by position


def withheld(group: str) -> set[str]:
    return {county for county, groups in UNDERSERVED_COUNTIES.items() if group in groups}


async def test_underserved_counties_top_the_ranking(national: HubClient) -> None:
    for group in ("tg-disability", "tg-elderly"):
        expected = withheld(group)
        question = CoverageQuestion(target_group=group, method=CoverageMethod.RATIO, as_of=TODAY.isoformat())
        found = (await national.underserved_areas(question, top=len(expected))).underserved_areas
        assert {a.key for a in found} == expected, group
        assert all(a.capacity == 0 and a.unmet_share == 1 for a in found)
        # Capacity elsewhere in the province: the gap is the county's own.
        report = (await national.coverage(question, first=1000)).coverage
        for area in found:
            assert any(a.capacity > 0 for a in report.areas
                       if a.province_key == area.province_key and a.key != area.key)
