"""The questions the peer benchmark asks, in each side's GraphQL, and how their answers are
brought to one shape to be compared.

Each side answers from its own schema: the hub's public API, and the schema PostGraphile
generates from the peer's tables (benchmarks/peer/tables.py: ``giving`` is a computed column,
the overview's sections are SQL functions). ``normalise_*`` map both answers to the same field
names, with amounts as integers (the hub's Rials and PostgreSQL's numeric both travel as strings)
and unordered lists sorted; lists whose order is part of the question (the 20 latest donations,
a page of institutions by name) keep it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]

# 1. One institution with county, province, services (with capacity), giving, its 20 latest donations.
HUB_ONE = """query One($key: String!) {
  institution(key: $key) {
    key nameFa nameEn kind
    county { key nameEn province { key nameEn } }
    services { edges { capacity node { key nameEn domain } } }
    giving { amount count counterparts firstDate lastDate }
    donations(first: 20, orderBy: DATE, direction: DESC) { nodes { key amount date purpose donor { key } } }
  }
}"""
PEER_ONE = """query One($key: String!) {
  institutionByKey(key: $key) {
    key nameFa nameEn kind
    countyByCountyKey { key nameEn provinceByProvinceKey { key nameEn } }
    offersByInstitutionKeyList { capacity serviceByServiceKey { key nameEn domain } }
    giving { amount count counterparts firstDate lastDate }
    donationsByInstitutionKeyList(first: 20, orderBy: [DATE_DESC, KEY_DESC]) {
      key amount date purpose donorByDonorKey { key }
    }
  }
}"""

# 2. A page of 100 institutions of a province, by English name, with county, services and giving.
HUB_PAGE = """query Page($province: String!) {
  institutions(filter: {province: $province}, first: 100) {
    totalCount
    nodes {
      key nameEn kind
      county { key nameEn }
      services { edges { capacity node { key nameEn } } }
      giving { amount count counterparts }
    }
  }
}"""
PEER_PAGE = """query Page($province: String!) {
  allInstitutions(first: 100, orderBy: [NAME_EN_ASC, KEY_ASC],
                  filter: {countyByCountyKey: {provinceKey: {equalTo: $province}}}) {
    totalCount
    nodes {
      key nameEn kind
      countyByCountyKey { key nameEn }
      offersByInstitutionKeyList { capacity serviceByServiceKey { key nameEn } }
      giving { amount count counterparts }
    }
  }
}"""

# 4. Of the same kind, not one of the three (its must-show: the gain holds for another entity's
# page, another province, another page size and order): a province's first 50 events with the county
# each was held in, and its first 40 institutions by Persian name with their county's Persian name.
HUB_OTHER = """query Other($province: String!) {
  events(filter: {province: $province}, first: 50) { totalCount nodes { key nameEn kind place { key nameFa } } }
  institutions(filter: {province: $province}, first: 40, orderBy: NAME_FA) {
    nodes { key nameFa county { key nameFa } } }
}"""
PEER_OTHER = """query Other($province: String!) {
  allEvents(first: 50, orderBy: [STARTS_ON_ASC, KEY_ASC],
            filter: {countyByCountyKey: {provinceKey: {equalTo: $province}}}) {
    totalCount nodes { key nameEn kind countyByCountyKey { key nameFa } } }
  allInstitutions(first: 40, orderBy: [NAME_FA_ASC, KEY_ASC],
                  filter: {countyByCountyKey: {provinceKey: {equalTo: $province}}}) {
    nodes { key nameFa countyByCountyKey { key nameFa } } }
}"""

# 3. A province's overview: institutions per kind, per service (with capacity) and per domain,
# donations per Solar Hijri year (the hub's `overview`, operations/overview.graphql, cut to the
# sections the peer answers with SQL functions).
HUB_OVERVIEW = """query Overview($province: String!) {
  overview(province: $province) {
    institutionsByKind { kind count }
    services { service { key nameEn domain } institutions capacity }
    serviceDomains { domain institutions capacity }
    donations(calendar: JALALI) { years { year amount donations donors } }
  }
}"""
PEER_OVERVIEW = """query Overview($province: String!) {
  overviewInstitutionsByKindList(province: $province) { kind count }
  overviewServicesList(province: $province) { serviceKey nameEn domain institutions capacity }
  overviewServiceDomainsList(province: $province) { domain institutions capacity }
  overviewDonationYearsList(province: $province) { year amount donations donors }
}"""

# The write sent before each overview (not timed), so that the hub's per-version caches cannot
# answer it: the same change on both sides.
HUB_WRITE = """mutation Touch($key: String!, $source: String!) {
  updateInstitution(key: $key, input: {source: $source}) {
    __typename ... on Institution { key } ... on MutationError { code message }
  }
}"""
PEER_WRITE = """mutation Touch($key: String!, $source: String!) {
  updateInstitutionByKey(input: {key: $key, institutionPatch: {source: $source}}) { institution { key } }
}"""


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _giving(g: Json) -> Json:
    out = {"amount": _int(g["amount"]), "count": g["count"], "counterparts": g["counterparts"]}
    return {**out, **{k: g[k] for k in ("firstDate", "lastDate") if k in g}}


def _by_key(items: list[Json]) -> list[Json]:
    return sorted(items, key=lambda s: s["key"])


def normalise_hub_one(data: Json) -> Json:
    i = data["institution"]
    return {
        "key": i["key"], "nameFa": i["nameFa"], "nameEn": i["nameEn"], "kind": i["kind"],
        "county": {"key": i["county"]["key"], "nameEn": i["county"]["nameEn"], "province": i["county"]["province"]},
        "services": _by_key([{**e["node"], "capacity": e["capacity"]} for e in i["services"]["edges"]]),
        "giving": _giving(i["giving"]),
        "donations": [{"key": d["key"], "amount": _int(d["amount"]), "date": d["date"], "purpose": d["purpose"],
                       "donor": d["donor"]["key"]} for d in i["donations"]["nodes"]],
    }


def normalise_peer_one(data: Json) -> Json:
    i = data["institutionByKey"]
    c = i["countyByCountyKey"]
    return {
        "key": i["key"], "nameFa": i["nameFa"], "nameEn": i["nameEn"], "kind": i["kind"],
        "county": {"key": c["key"], "nameEn": c["nameEn"], "province": c["provinceByProvinceKey"]},
        "services": _by_key([{**o["serviceByServiceKey"], "capacity": o["capacity"]}
                             for o in i["offersByInstitutionKeyList"]]),
        "giving": _giving(i["giving"]),
        "donations": [{"key": d["key"], "amount": _int(d["amount"]), "date": d["date"], "purpose": d["purpose"],
                       "donor": d["donorByDonorKey"]["key"]} for d in i["donationsByInstitutionKeyList"]],
    }


def normalise_hub_page(data: Json) -> Json:
    page = data["institutions"]
    return {"totalCount": page["totalCount"], "nodes": [
        {"key": n["key"], "nameEn": n["nameEn"], "kind": n["kind"], "county": n["county"],
         "services": _by_key([{**e["node"], "capacity": e["capacity"]} for e in n["services"]["edges"]]),
         "giving": _giving(n["giving"])} for n in page["nodes"]]}


def normalise_peer_page(data: Json) -> Json:
    page = data["allInstitutions"]
    return {"totalCount": page["totalCount"], "nodes": [
        {"key": n["key"], "nameEn": n["nameEn"], "kind": n["kind"], "county": n["countyByCountyKey"],
         "services": _by_key([{**o["serviceByServiceKey"], "capacity": o["capacity"]}
                              for o in n["offersByInstitutionKeyList"]]),
         "giving": _giving(n["giving"])} for n in page["nodes"]]}


def _other(events: Json, institutions: Json, place: str, county: str) -> Json:
    """The fourth question's answer; ``place`` and ``county``: the field naming an event's and an
    institution's county on that side."""
    return {"events": events["totalCount"],
            "eventNodes": [{"key": n["key"], "nameEn": n["nameEn"], "kind": n["kind"], "county": n[place]}
                           for n in events["nodes"]],
            "institutions": [{"key": n["key"], "nameFa": n["nameFa"], "county": n[county]}
                             for n in institutions["nodes"]]}


def normalise_hub_other(data: Json) -> Json:
    return _other(data["events"], data["institutions"], "place", "county")


def normalise_peer_other(data: Json) -> Json:
    return _other(data["allEvents"], data["allInstitutions"], "countyByCountyKey", "countyByCountyKey")


def _years(rows: list[Json]) -> list[Json]:
    return sorted(({"year": y["year"], "amount": _int(y["amount"]), "donations": y["donations"],
                    "donors": y["donors"]} for y in rows), key=lambda y: y["year"])


def normalise_hub_overview(data: Json) -> Json:
    o = data["overview"]
    return {
        "kinds": sorted((k["kind"], k["count"]) for k in o["institutionsByKind"]),
        "services": _by_key([{**s["service"], "institutions": s["institutions"], "capacity": s["capacity"]}
                             for s in o["services"]]),
        "domains": sorted((d["domain"], d["institutions"], d["capacity"]) for d in o["serviceDomains"]),
        "years": _years(o["donations"]["years"]),
    }


def normalise_peer_overview(data: Json) -> Json:
    return {
        "kinds": sorted((k["kind"], k["count"]) for k in data["overviewInstitutionsByKindList"]),
        "services": _by_key([{"key": s["serviceKey"], "nameEn": s["nameEn"], "domain": s["domain"],
                              "institutions": s["institutions"], "capacity": s["capacity"]}
                             for s in data["overviewServicesList"]]),
        "domains": sorted((d["domain"], d["institutions"], d["capacity"]) for d in data["overviewServiceDomainsList"]),
        "years": _years(data["overviewDonationYearsList"]),
    }


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two normalised answers first differ (None when equal), for the message that stops the run."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only on the {'hub' if k in a else 'peer'}"
            if (found := first_difference(a[k], b[k], f"{path}.{k}")) is not None:
                return found
        return None
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        for n, (x, y) in enumerate(zip(a, b, strict=False)):
            if (found := first_difference(x, y, f"{path}[{n}]")) is not None:
                return found
        return None if len(a) == len(b) else f"{path}: {len(a)} items on the hub, {len(b)} on the peer"
    return None if a == b else f"{path}: hub {a!r}, peer {b!r}"


@dataclass(frozen=True)
class Question:
    name: str
    label: str
    hub: str
    peer: str
    normalise_hub: Any
    normalise_peer: Any
    after_write: bool  # a write (not timed) before each request, so that no cached answer serves it


def questions(institution: str, province: str, cached: bool, other: str = "IR-01") -> list[tuple[Question, Json]]:
    """The questions with their variables; ``cached`` adds the overview between writes (hub cache);
    ``other``: the province of the fourth question (of the same kind as the issue's three)."""
    asked = [
        (Question("one", "one institution with county, province, services, giving, 20 latest donations",
                  HUB_ONE, PEER_ONE, normalise_hub_one, normalise_peer_one, False), {"key": institution}),
        (Question("page", f"100 institutions of {province} with county, services, giving",
                  HUB_PAGE, PEER_PAGE, normalise_hub_page, normalise_peer_page, False), {"province": province}),
        (Question("overview", f"province overview ({province}) right after a write",
                  HUB_OVERVIEW, PEER_OVERVIEW, normalise_hub_overview, normalise_peer_overview, True),
         {"province": province}),
        (Question("other", f"of the same kind, not one of the issue's three: 50 events of {other} with their "
                           "county, 40 of its institutions by Persian name with theirs",
                  HUB_OTHER, PEER_OTHER, normalise_hub_other, normalise_peer_other, False), {"province": other}),
    ]
    if cached:
        asked.append((Question("cached", f"province overview ({province}) between writes (hub cache; labelled, "
                                         "not a target)", HUB_OVERVIEW, PEER_OVERVIEW, normalise_hub_overview,
                               normalise_peer_overview, False), {"province": province}))
    return asked
