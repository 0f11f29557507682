"""The national profile: the organisation's scale, deterministic from a seed.

About 21,000 institutions (the articles' national figure) over all 31 provinces, roughly in
proportion to population, with the article provinces exactly as in the demo; 100,000 donors
and 500,000 gifts over 2021-2025; about 400 councils, 5,000 events and 40,000 licences.

A few counties are deliberately underserved so planners' gap analysis has something true to
find: in each county below, no institution offers the listed services (zero capacity), while
the county's need for the groups those services serve is as large as anywhere.
"""

from __future__ import annotations

from seed.articles import KHUZESTAN_CENTRES, MARKAZI_CENTRES, SOUTH_KHORASAN_INSTITUTIONS
from seed.dataset import Dataset
from seed.scale import Scale, build_profile

NATIONAL_INSTITUTIONS = 21_000

# county key -> services with zero capacity there. Mostly remote, poorer counties (Sistan and
# Baluchestan, Hormozgan, southern Kerman, Kohgiluyeh, Ilam), where gaps are plausible.
UNDERSERVED_COUNTIES: dict[str, tuple[str, ...]] = {
    "IR-11-1106": ("svc-residential-disability", "svc-home-rehab"),  # Saravan
    "IR-11-1108": ("svc-elderly-day-care", "svc-residential-elderly", "svc-home-rehab"),  # Sarbaz
    "IR-11-1107": ("svc-disability-day-care", "svc-addiction-outpatient"),  # Nikshahr
    "IR-22-2213": ("svc-residential-disability", "svc-disability-day-care", "svc-home-rehab"),  # Bashagard
    "IR-22-2206": ("svc-residential-disability", "svc-elderly-day-care"),  # Jask
    "IR-08-0815": ("svc-home-rehab", "svc-addiction-outpatient"),  # Rudbar-e Jonubi
    "IR-08-0816": ("svc-disability-day-care", "svc-elderly-day-care"),  # Qaleh Ganj
    "IR-17-1705": ("svc-residential-elderly", "svc-home-rehab"),  # Bahmai
    "IR-16-1603": ("svc-addiction-outpatient", "svc-positive-life"),  # Dehloran
    "IR-04-0417": ("svc-early-childhood", "svc-disability-day-care"),  # Showt
    "IR-27-2712": ("svc-home-rehab", "svc-women-heads-empowerment"),  # Maraveh Tappeh
    "IR-09-0934": ("svc-elderly-day-care", "svc-residential-elderly"),  # Joghatai
    "IR-12-1209": ("svc-disability-day-care", "svc-residential-disability"),  # Sarvabad
}

NATIONAL_SCALE = Scale(
    other_institutions=NATIONAL_INSTITUTIONS - KHUZESTAN_CENTRES - MARKAZI_CENTRES - SOUTH_KHORASAN_INSTITUTIONS,
    min_per_province=0, min_per_county=2,
    extra_licence_prob=0.7, agreement_prob=0.28, assessments_per_institution=1.4,
    partnerships=8_000, donors=100_000, donations=500_000, event_donations=5_000,
    county_councils=275, county_councils_within=(), persons_per_province=25, events=4_995,
    withheld=UNDERSERVED_COUNTIES,
)


def build_national(seed: int = 2026) -> Dataset:
    return build_profile("national", seed, NATIONAL_SCALE)
