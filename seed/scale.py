"""One recipe for every profile: reference data, catalogue and article facts first, then the
generated rest at the profile's scale.

Each step draws from its own ``random.Random`` seeded with the profile seed and the step's
name, so changing one step's volume does not reshuffle the others.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from graph_model import collector
from seed.articles import ARTICLE_DONORS, ARTICLE_PROVINCES, add_article_institutions, add_article_network
from seed.catalogue import add_catalogue
from seed.dataset import Dataset
from seed.generator import (add_assessments, add_institution_layer, add_institutions, add_licences, add_offers,
                            add_partnerships, mark_flagships)
from seed.naming import profile_source
from seed.network import add_councils, add_donations, add_donors, add_events
from seed.reference import add_reference
from seed.licence_history import add_licence_history
from seed.world import World


@dataclass(frozen=True)
class Scale:
    other_institutions: int  # outside the three article provinces, whose counts are fixed
    min_per_province: int
    min_per_county: int
    extra_licence_prob: float  # a licence for a centre's second and third services
    agreement_prob: float  # a pending agreement in principle
    assessments_per_institution: float
    partnerships: int
    donors: int
    donations: int  # to institutions and events together
    event_donations: int
    county_councils: int
    county_councils_within: tuple[str, ...]  # provinces for county councils; empty: anywhere
    persons_per_province: int
    events: int  # generated ones, besides the articles' five
    withheld: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # county -> services offered nowhere there
    # A small sample: each kind spread over counties by population, and full-service flagships in
    # every province's main city (seed.generator.add_institution_layer, mark_flagships). False:
    # drawn at random, with min_per_county centres in every county first.
    sample: bool = False


def build_profile(name: str, seed: int, scale: Scale) -> Dataset:
    # A profile is a million acyclic dicts: the cycle collector would scan them again and
    # again while they are built and never free anything, so it pauses for the build.
    with collector.paused():
        return _build(name, seed, scale)


def _build(name: str, seed: int, scale: Scale) -> Dataset:
    ds = Dataset(name)
    world = World(ds, add_reference(ds))
    add_catalogue(ds)
    add_article_institutions(world)
    add_article_network(world)

    def rng(step: str) -> random.Random:
        return random.Random(f"{name}:{seed}:{step}")

    source = profile_source(name)
    if scale.sample:
        add_institution_layer(world, rng("institutions"), scale.other_institutions, ARTICLE_PROVINCES,
                              scale.min_per_province, source)
        mark_flagships(world)
    else:
        add_institutions(world, rng("institutions"), scale.other_institutions, ARTICLE_PROVINCES,
                         scale.min_per_province, scale.min_per_county, source)
    add_offers(world, rng("offers"), scale.withheld)
    add_licences(world, rng("licences"), source, scale.extra_licence_prob, scale.agreement_prob)
    add_assessments(world, rng("assessments"), source, scale.assessments_per_institution)
    # After the planted cases (seed/supervision.py) re-date the licences they hold: every history
    # then ends in the licence's status and starts on its issue day.
    add_licence_history(world, rng("licence-history"), source)
    add_partnerships(world, rng("partnerships"), scale.partnerships)
    donors = add_donors(world, rng("donors"), scale.donors, source, ARTICLE_DONORS)
    add_councils(world, rng("councils"), donors, scale.county_councils, scale.persons_per_province,
                 source, scale.county_councils_within)
    add_events(world, rng("events"), scale.events, source)
    add_donations(world, rng("donations"), donors, scale.donations, scale.event_donations, source)
    return ds
