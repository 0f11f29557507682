"""The state a profile builder threads through its steps: the dataset plus light indexes.

Later steps (offers, licences, donations, councils) need to find institutions by county
and province without scanning the row lists, so every institution, council, event and donor
is also recorded here as a small tuple.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import NamedTuple

from graph_model.enums import InstitutionKind, Label, Rel
from seed.dataset import Dataset
from seed.naming import Keys, Serials, institution_names
from seed.reference import Reference

# Residential kinds carry a head count of residents; the others do not.
RESIDENTIAL_KINDS = frozenset({InstitutionKind.RESIDENTIAL_CARE, InstitutionKind.DISABLED_ELDERLY_CARE})


class Inst(NamedTuple):
    key: str
    county: str
    province: str
    kind: InstitutionKind
    founded: str | None
    residents: int | None


class CouncilRef(NamedTuple):
    key: str
    province: str | None  # None for a national council
    county: str | None  # set for a county council


class EventRef(NamedTuple):
    key: str
    province: str
    starts_on: str


@dataclass
class World:
    ds: Dataset
    ref: Reference
    keys: Keys = field(default_factory=Keys)
    serials: Serials = field(default_factory=Serials)
    institutions: list[Inst] = field(default_factory=list)
    councils: list[CouncilRef] = field(default_factory=list)
    events: list[EventRef] = field(default_factory=list)
    offers: dict[str, list[str]] = field(default_factory=dict)  # institution -> its services
    # Centres that run every service of their kind, each under a licence in force (a province's
    # full-service centres in a small sample: seed.generator.mark_flagships).
    flagships: set[str] = field(default_factory=set)

    def by_province(self) -> dict[str, list[Inst]]:
        out: dict[str, list[Inst]] = {p.key: [] for p in self.ref.provinces}
        for inst in self.institutions:
            out[inst.province].append(inst)
        return out

    def by_county(self) -> dict[str, list[Inst]]:
        out: dict[str, list[Inst]] = {c.key: [] for c in self.ref.counties}
        for inst in self.institutions:
            out[inst.county].append(inst)
        return out


def jitter(rng: random.Random, lat: float, lon: float, spread: float = 0.06) -> tuple[float, float]:
    """A point near a county centroid: close enough for maps, never a real address."""
    return (round(lat + rng.uniform(-spread, spread), 4), round(lon + rng.uniform(-spread, spread), 4))


def add_generated_institution(world: World, rng: random.Random, county_key: str,
                              kind: InstitutionKind, founded: str, source: str,
                              residents: int | None = None) -> Inst:
    county = world.ref.county(county_key)
    province = world.ref.province(county.province_key)
    name_en, name_fa = institution_names(kind, province.name_en, province.name_fa,
                                         world.serials.next(province.key))
    lat, lon = jitter(rng, county.lat, county.lon)
    props: dict[str, object] = {"nameFa": name_fa, "nameEn": name_en, "kind": kind.value,
                                "lat": lat, "lon": lon, "founded": founded,
                                "generated": True, "source": source}
    if residents is not None:
        props["residents"] = residents
    key = world.keys.next("inst")
    world.ds.nodes.setdefault(Label.INSTITUTION, []).append({"key": key, "props": props})
    world.ds.rel(Rel.LOCATED_IN, key, county_key)
    inst = Inst(key, county_key, province.key, kind, founded, residents)
    world.institutions.append(inst)
    return inst
