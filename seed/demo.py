"""The demo profile: every fact of the articles, small enough to load in about a second.

All 31 provinces and 429 counties, the catalogue, the three article provinces in full
(Khuzestan's 820 centres, Markazi's 107, South Khorasan's 118 with the Hazrat Ali Akbar
institute), the named councils, officials, mawkibs and meetings, a few hundred donors and their
gifts, and a generated layer of 800 centres over the other 28 provinces (one in 25 of the
national profile's), by population: 12 a province and the rest in proportion, 15 in Semnan to
98 in Tehran. Each kind is spread over counties by population, and each province's capital and
largest county have a full-service flagship of each kind they hold (``Scale.sample``). With two to twelve
centres a province instead, coverage ranked Tehran, Mashhad and Isfahan worst, with no capacity
at all; now the gaps fall in smaller counties, as planners would expect. Supervision data
(seed/supervision.py) is on the same scale: 740 structured assessments, and the planted cases with
fewer assessments than in ``national``.
"""

from __future__ import annotations

from seed.articles import ARTICLE_PROVINCES
from seed.dataset import Dataset
from seed.scale import Scale, build_profile

DEMO_SEED = 1403

DEMO_SCALE = Scale(
    other_institutions=800, min_per_province=12, min_per_county=0,
    extra_licence_prob=0.1, agreement_prob=0.05, assessments_per_institution=0.4,
    partnerships=150, donors=300, donations=1500, event_donations=40,
    county_councils=12, county_councils_within=ARTICLE_PROVINCES, persons_per_province=3, events=60,
    sample=True,
)


def build_demo() -> Dataset:
    return build_profile("demo", DEMO_SEED, DEMO_SCALE)
