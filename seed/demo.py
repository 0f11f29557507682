"""The demo profile: every fact of the articles, small enough to load in seconds.

All 31 provinces and 429 counties, the catalogue, the three article provinces in full
(Khuzestan's 820 centres, Markazi's 107, South Khorasan's 118 with the Hazrat Ali Akbar
institute), the named councils, officials, mawkibs and meetings, and a thin generated layer
elsewhere: a couple of centres per province, a few hundred donors and their gifts.
"""

from __future__ import annotations

from seed.articles import ARTICLE_PROVINCES
from seed.dataset import Dataset
from seed.scale import Scale, build_profile

DEMO_SEED = 1403

DEMO_SCALE = Scale(
    other_institutions=112, min_per_province=2, min_per_county=0,
    extra_licence_prob=0.1, agreement_prob=0.05, assessments_per_institution=0.4,
    partnerships=150, donors=300, donations=1500, event_donations=40,
    county_councils=12, county_councils_within=ARTICLE_PROVINCES, persons_per_province=3, events=60,
)


def build_demo() -> Dataset:
    return build_profile("demo", DEMO_SEED, DEMO_SCALE)
