"""GraphQL object types for the places and institutions of the first schema."""

from __future__ import annotations

from typing import Any

import strawberry

from hub.context import Info

PROVENANCE_NOTE = "True when the record is generated demo data, not a real figure."


@strawberry.type(description="A province (استان), from the 2016 census.")
class Province:
    key: str = strawberry.field(description="ISO 3166-2 code, e.g. IR-06 for Khuzestan.")
    name_fa: str = strawberry.field(description="Name in Persian.")
    name_en: str = strawberry.field(description="Name in English.")
    capital_en: str | None = strawberry.field(description="Capital city, in English.")
    population: int | None = strawberry.field(description="Population, 2016 census.")
    age0to14: int | None = strawberry.field(description="People aged 0–14, 2016 census.")
    age60plus: int | None = strawberry.field(description="People aged 60 and over, 2016 census.")
    lat: float | None = strawberry.field(description="Latitude of the province's centroid.")
    lon: float | None = strawberry.field(description="Longitude of the province's centroid.")
    generated: bool = strawberry.field(description=PROVENANCE_NOTE)
    source: str | None = strawberry.field(description="Where the figures come from.")

    @classmethod
    def from_node(cls, n: dict[str, Any]) -> Province:
        return cls(key=n["key"], name_fa=n["nameFa"], name_en=n["nameEn"], capital_en=n.get("capitalEn"),
                   population=n.get("population"), age0to14=n.get("age0to14"),
                   age60plus=n.get("age60plus"), lat=n.get("lat"), lon=n.get("lon"),
                   generated=bool(n.get("generated")), source=n.get("source"))


@strawberry.type(description="A county (شهرستان), from the 2016 census.")
class County:
    key: str = strawberry.field(description="Province code and census county code, e.g. IR-00-0001.")
    name_fa: str = strawberry.field(description="Name in Persian (census spelling).")
    name_en: str = strawberry.field(description="Name in English (OpenStreetMap).")
    province_key: str = strawberry.field(description="Key of the province the county lies in.")
    population: int | None = strawberry.field(description="Population, 2016 census.")
    age0to14: int | None = strawberry.field(description="People aged 0–14, 2016 census.")
    age60plus: int | None = strawberry.field(description="People aged 60 and over, 2016 census.")
    lat: float | None = strawberry.field(description="Latitude of the county's centroid.")
    lon: float | None = strawberry.field(description="Longitude of the county's centroid.")
    generated: bool = strawberry.field(description=PROVENANCE_NOTE)
    source: str | None = strawberry.field(description="Where the figures come from.")

    @strawberry.field(description="The province the county lies in.")
    async def province(self, info: Info) -> Province | None:
        node = await info.context.loaders.province.load(self.province_key)
        return Province.from_node(node) if node else None

    @classmethod
    def from_node(cls, n: dict[str, Any]) -> County:
        return cls(key=n["key"], name_fa=n["nameFa"], name_en=n["nameEn"], province_key=n["provinceKey"],
                   population=n.get("population"), age0to14=n.get("age0to14"),
                   age60plus=n.get("age60plus"), lat=n.get("lat"), lon=n.get("lon"),
                   generated=bool(n.get("generated")), source=n.get("source"))


@strawberry.type(description="A non-governmental institution under the organisation's supervision "
                             "(charity, NGO, care or rehabilitation centre).")
class Institution:
    key: str = strawberry.field(description="Stable key.")
    name_fa: str = strawberry.field(description="Name in Persian.")
    name_en: str = strawberry.field(description="Name in English.")
    kind: str = strawberry.field(description="Kind of institution, e.g. POSITIVE_LIFE_CENTRE.")
    residents: int | None = strawberry.field(description="Residents, for residential (24-hour) centres.")
    lat: float | None = strawberry.field(description="Latitude.")
    lon: float | None = strawberry.field(description="Longitude.")
    generated: bool = strawberry.field(description=PROVENANCE_NOTE)
    source: str | None = strawberry.field(description="Where the record comes from.")

    @strawberry.field(description="The county the institution is located in.")
    async def county(self, info: Info) -> County | None:
        node = await info.context.loaders.county_of_institution.load(self.key)
        return County.from_node(node) if node else None

    @classmethod
    def from_node(cls, n: dict[str, Any]) -> Institution:
        return cls(key=n["key"], name_fa=n["nameFa"], name_en=n["nameEn"], kind=n["kind"],
                   residents=n.get("residents"), lat=n.get("lat"), lon=n.get("lon"),
                   generated=bool(n.get("generated")), source=n.get("source"))


@strawberry.type(description="How many nodes of one kind the graph holds.")
class LabelCount:
    label: str = strawberry.field(description="Node label, e.g. Institution.")
    total: int = strawberry.field(description="Number of nodes with that label.")
