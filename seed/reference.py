"""The real reference geography: Iran's 31 provinces and 429 counties of the 2016 census.

Read from the CSVs beside this module (see ``data/SOURCES.md``). Province keys are ISO
3166-2 codes ("IR-06"); county keys join the province code and the census county code
("IR-06-0603") so a county key names its province without a lookup.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph_model.enums import Label, Rel
from seed.dataset import Dataset

DATA_DIR = Path(__file__).parent / "data"
SOURCE = ("Census 2016 (Statistical Centre of Iran); centroids © OpenStreetMap contributors (ODbL)")


@dataclass(frozen=True)
class Province:
    key: str
    name_fa: str
    name_en: str
    capital_en: str
    population: int
    counties_count: int
    age0to14: int
    age60plus: int
    lat: float
    lon: float


@dataclass(frozen=True)
class County:
    key: str
    province_key: str
    name_fa: str
    name_en: str
    population: int
    male: int
    female: int
    age0to14: int
    age60plus: int
    lat: float
    lon: float
    wikidata: str
    centroid_source: str


class Reference:
    """Provinces and counties in file order, with lookups by key."""

    def __init__(self, provinces: tuple[Province, ...], counties: tuple[County, ...]) -> None:
        self.provinces = provinces
        self.counties = counties
        self._provinces = {p.key: p for p in provinces}
        self._counties = {c.key: c for c in counties}
        self._by_province: dict[str, tuple[County, ...]] = {
            p.key: tuple(c for c in counties if c.province_key == p.key) for p in provinces}

    def province(self, key: str) -> Province:
        return self._provinces[key]

    def county(self, key: str) -> County:
        return self._counties[key]

    def counties_of(self, province_key: str) -> tuple[County, ...]:
        return self._by_province[province_key]


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def load_reference() -> Reference:
    """Parse both CSVs once per process; the result is immutable, so sharing it is safe."""
    provinces = tuple(
        Province(key=r["code"], name_fa=r["name_fa"], name_en=r["name_en"], capital_en=r["capital_en"],
                 population=int(r["population_2016"]), counties_count=int(r["counties_2016"]),
                 age0to14=int(r["age_0_14"]), age60plus=int(r["age_60_plus"]),
                 lat=float(r["lat"]), lon=float(r["lon"]))
        for r in _read("provinces_2016.csv"))
    counties = tuple(
        County(key=f"{r['province_code']}-{r['county_code']}", province_key=r["province_code"],
               name_fa=r["name_fa"], name_en=r["name_en"], population=int(r["population_2016"]),
               male=int(r["male"]), female=int(r["female"]), age0to14=int(r["age_0_14"]),
               age60plus=int(r["age_60_plus"]), lat=float(r["lat"]), lon=float(r["lon"]),
               wikidata=r["wikidata"], centroid_source=r["centroid_source"])
        for r in _read("counties_2016.csv"))
    return Reference(provinces=provinces, counties=counties)


def _fold(name: str) -> str:
    # OSM spellings vary ("Khoramshahr" vs "Khorramshahr", "Dasht-e-Azadegan" vs
    # "Dasht-e Azadegan"): compare letters only, with doubled letters collapsed.
    letters = re.sub(r"[^a-z]", "", name.lower())
    return re.sub(r"(.)\1+", r"\1", letters)


def county_key(province_key: str, name_en: str, ref: Reference | None = None) -> str:
    """The key of the county called ``name_en`` (spelling-tolerant) in ``province_key``."""
    ref = ref or load_reference()
    wanted = _fold(name_en)
    matches = [c.key for c in ref.counties_of(province_key) if _fold(c.name_en) == wanted]
    if len(matches) != 1:
        raise KeyError(f"no single county {name_en!r} in {province_key} (found {matches})")
    return matches[0]


def add_reference(ds: Dataset, ref: Reference | None = None) -> Reference:
    """Write the Province and County rows and the IN_PROVINCE links into ``ds``."""
    ref = ref or load_reference()
    for p in ref.provinces:
        ds.node(Label.PROVINCE, p.key, nameFa=p.name_fa, nameEn=p.name_en, population=p.population,
                age0to14=p.age0to14, age60plus=p.age60plus, lat=p.lat, lon=p.lon,
                capitalEn=p.capital_en, countiesCount=p.counties_count, source=SOURCE, generated=False)
    for c in ref.counties:
        props = dict(nameFa=c.name_fa, nameEn=c.name_en, population=c.population, age0to14=c.age0to14,
                     age60plus=c.age60plus, lat=c.lat, lon=c.lon, provinceKey=c.province_key,
                     male=c.male, female=c.female, centroidSource=c.centroid_source,
                     source=SOURCE, generated=False)
        if c.wikidata:  # one county has no Wikidata id; leave the property out, not empty
            props["wikidata"] = c.wikidata
        ds.node(Label.COUNTY, c.key, **props)
        ds.rel(Rel.IN_PROVINCE, c.key, c.province_key)
    return ref
