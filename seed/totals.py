"""The donation totals of a dataset loaded into an empty store, worked out from the dataset itself.

A bulk load ends with the totals the writes keep (graph_model.donation_totals). Rebuilding them from
the store reads every gift back (~450,000 grouped rows on `national`: some 20 s and 1.2 GB of the
load); when the store held nothing before the load its gifts are exactly the dataset's, so the same
rows are grouped here in memory instead, as PIECES_PER_DONOR groups them in the store, and the same
``cells`` works them out (tests/test_donation_totals.py holds the two equal).
"""

from __future__ import annotations

from typing import Any

from graph_model.donation_totals import dates_of, group_pieces
from graph_model.enums import DonorKind, Label, Rel
from seed.dataset import Dataset


def pieces(dataset: Dataset) -> list[dict[str, Any]]:
    """The rows PIECES_PER_DONOR would read after loading ``dataset`` into an empty store: per donor,
    institution, Gregorian year and side of Nowruz, the gifts' count and amount in two exact parts."""
    individual = {r["key"] for r in dataset.nodes.get(Label.DONOR, [])
                  if r["props"].get("kind") == DonorKind.INDIVIDUAL.value}
    county_of = {r["start"]: r["end"] for r in dataset.rels.get(Rel.LOCATED_IN, [])}
    province_of = {r["start"]: r["end"] for r in dataset.rels.get(Rel.IN_PROVINCE, [])}
    groups = group_pieces((row["start"], row["end"], row["props"]["date"], row["props"]["amount"])
                          for row in dataset.rels.get(Rel.DONATED_TO, []))
    rows = []
    for (donor, institution, year, late), (count, units, rest) in groups.items():
        county = county_of.get(institution)
        rows.append({"donor": donor, "individual": donor in individual, "institution": institution,
                     "county": county, "province": province_of.get(county) if county else None,
                     "year": year, "late": late, "donations": count, "units": units, "rest": rest})
    return rows


def gift_dates(dataset: Dataset) -> dict[str, tuple[str, str]]:
    """What INSTITUTION_DATES would read after loading ``dataset`` into an empty store: each institution's
    first and last gift's date."""
    return dates_of((row["end"], row["props"]["date"]) for row in dataset.rels.get(Rel.DONATED_TO, []))
