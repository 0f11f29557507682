"""The properties each label and relationship type holds, and the validation of rows.

A row is a plain dict of property values. Dates travel as ISO strings (``YYYY-MM-DD``) so
that both stores compare and sort them the same way; amounts are integer rials.

Every value must be one the stores hold exactly: integers within 64 bits (amounts within
``MAX_AMOUNT``), finite floats (coordinates on the globe), and texts within their length
(``graph_model.text.TEXT_LIMITS``) that are valid Unicode. A value outside is a field error, never
a store error or a silently clamped figure.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Any

from graph_model.enums import (
    ActionStatus,
    AssessmentLevel,
    AssessorKind,
    ComplaintStatus,
    CriterionArea,
    CouncilKind,
    CouncilLevel,
    DonorKind,
    EventKind,
    InstitutionKind,
    Label,
    LicenceChangeKind,
    LicenceStatus,
    MemberRole,
    Rel,
    ServiceDomain,
)
from graph_model.errors import FieldError, ValidationFailed
from graph_model.text import MAX_INT, search_text, text_problem


class Date:
    """Marker type: an ISO ``YYYY-MM-DD`` string."""


@dataclass(frozen=True)
class Field:
    type: type
    required: bool = False

    @cached_property
    def allowed(self) -> frozenset[str]:
        """The values an enum-typed field accepts (computed once: loads check millions of rows)."""
        return frozenset(m.value for m in self.type) if issubclass(self.type, Enum) else frozenset()


NAMES = {"nameFa": Field(str, required=True), "nameEn": Field(str, required=True)}
# Generated figures must say so wherever a user can see them.
PROVENANCE = {"generated": Field(bool), "source": Field(str)}
POINT = {"lat": Field(float), "lon": Field(float)}
# A telephone number as written; `hub quality` (graph_model.quality) compares them with the digits
# folded (Persian, Arabic-Indic) and separators dropped. Never shown by the API's entity types.
CONTACT = {"phone": Field(str)}
PEOPLE = {"population": Field(int), "age0to14": Field(int), "age60plus": Field(int)}

NODE_FIELDS: dict[Label, dict[str, Field]] = {
    Label.PROVINCE: {**NAMES, **PEOPLE, **POINT, **PROVENANCE,
                     "capitalEn": Field(str), "countiesCount": Field(int)},
    Label.COUNTY: {**NAMES, **PEOPLE, **POINT, **PROVENANCE,
                   "provinceKey": Field(str, required=True), "male": Field(int),
                   "female": Field(int), "wikidata": Field(str), "centroidSource": Field(str)},
    Label.INSTITUTION: {**NAMES, **POINT, **PROVENANCE,
                        "kind": Field(InstitutionKind, required=True), "founded": Field(Date),
                        "residents": Field(int), "countyKey": Field(str), **CONTACT},
    Label.DONOR: {**NAMES, **PROVENANCE, **CONTACT, "kind": Field(DonorKind, required=True)},
    Label.PERSON: {**NAMES, **PROVENANCE, "title": Field(str)},
    Label.COUNCIL: {**NAMES, **PROVENANCE, "kind": Field(CouncilKind, required=True),
                    "level": Field(CouncilLevel, required=True)},
    Label.SERVICE: {**NAMES, **PROVENANCE, "domain": Field(ServiceDomain, required=True)},
    Label.TARGET_GROUP: {**NAMES, **PROVENANCE},
    Label.LICENCE_TYPE: {**NAMES, **PROVENANCE, "validityYears": Field(int)},
    Label.LICENCE: {**PROVENANCE, "number": Field(str), "status": Field(LicenceStatus, required=True),
                    "issuedOn": Field(Date), "expiresOn": Field(Date), "renewalRequestedOn": Field(Date)},
    Label.EVENT: {**NAMES, **POINT, **PROVENANCE, "kind": Field(EventKind, required=True),
                  "startsOn": Field(Date, required=True), "endsOn": Field(Date), "countyKey": Field(str)},
    Label.ASSESSMENT: {**PROVENANCE, "level": Field(AssessmentLevel, required=True),
                       "score": Field(float, required=True), "date": Field(Date, required=True),
                       "assessorKind": Field(AssessorKind), "assessor": Field(str), "findings": Field(str)},
    Label.FRAMEWORK: {**NAMES, **PROVENANCE, "version": Field(int, required=True), "validFrom": Field(Date)},
    Label.CRITERION: {**NAMES, **PROVENANCE, "area": Field(CriterionArea, required=True),
                      "weight": Field(float, required=True), "scaleMax": Field(int, required=True)},
    Label.CORRECTIVE_ACTION: {**PROVENANCE, "description": Field(str, required=True),
                              "dueOn": Field(Date, required=True), "status": Field(ActionStatus, required=True),
                              "doneOn": Field(Date)},
    Label.LICENCE_CHANGE: {**PROVENANCE, "change": Field(LicenceChangeKind, required=True),
                           "status": Field(LicenceStatus, required=True), "previous": Field(LicenceStatus),
                           "on": Field(Date, required=True), "by": Field(str), "reason": Field(str)},
    Label.COMPLAINT: {**PROVENANCE, "summary": Field(str, required=True), "receivedOn": Field(Date, required=True),
                      "status": Field(ComplaintStatus, required=True)},
}

# Properties that mirror the key at the end of a single link, written with the link by every write
# that sets it: entity mutations (graph_model.mutations.entities.DERIVED), the seed loader's upserts
# (graph_model.statements.loading), and graph_model.mirrors for stores made before a mirror existed.
# Keys never change, so renaming the county or moving it to another province leaves them right.
# A county's provinceKey serves the province filters; countyKey lets `search` find institutions
# and events by their place without a join (graph_model.search_places).
MIRRORS: dict[Rel, str] = {Rel.IN_PROVINCE: "provinceKey", Rel.LOCATED_IN: "countyKey", Rel.HELD_IN: "countyKey"}

MEMBERSHIP = {"role": Field(MemberRole), "since": Field(Date)}
DONATION = {"key": Field(str, required=True), "amount": Field(int, required=True),
            "date": Field(Date, required=True), "purpose": Field(str), **PROVENANCE}

REL_FIELDS: dict[Rel, dict[str, Field]] = {rel: {} for rel in Rel}
REL_FIELDS.update({
    Rel.OFFERS: {"capacity": Field(int, required=True)},
    Rel.DONATED_TO: DONATION,
    Rel.DONATED_TO_EVENT: DONATION,
    Rel.DONOR_MEMBER_OF: MEMBERSHIP,
    Rel.INSTITUTION_MEMBER_OF: MEMBERSHIP,
    Rel.PERSON_MEMBER_OF: MEMBERSHIP,
    Rel.PARTNERS_WITH: {"since": Field(Date), "purpose": Field(str)},
    Rel.PARTICIPATED_IN: {"role": Field(str)},
    Rel.PROVIDED: {"people": Field(int)},
    Rel.SCORED: {"value": Field(float, required=True)},
    # PROVENANCE first: a need's source is required, and a later key would win.
    Rel.NEEDS: {**PROVENANCE, "people": Field(int, required=True), "source": Field(str, required=True),
                "year": Field(int, required=True)},
})

# The largest amount of one gift, in rials: 10^15 (a thousand trillion rials, far above any single
# gift a welfare institution receives). Why a bound: a total must never overflow, and an amount the
# store cannot hold (2^63 and up) must never be clamped. The overview sums amounts in two parts (whole
# 10^9 rials and the rest, recombined as Python ints: graph_model.statements.overview), exact however
# many gifts there are. Totals a store sums whole (giving per institution, donor or event in
# graph_model.links; a donor-institution pair and the DONATIONS order in graph_model.list_specs) are
# doubles in FalkorDB, exact below 2^53 (9 gifts of the maximum) and turned into a negative number by
# toInteger past 2^63, which takes more than 9,000 gifts of the maximum on one record; Neo4j sums
# 64-bit integers exactly to the same bound.
MAX_AMOUNT = 10**15
# Coordinates (WGS 84 degrees).
RANGES: dict[str, tuple[float, float]] = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0)}

# Amounts, capacities and head counts are never negative.
NON_NEGATIVE = frozenset({"amount", "capacity", "people", "population", "residents",
                          "age0to14", "age60plus", "male", "female", "validityYears"})


def field_problem(name: str, value: Any, spec: Field) -> str | None:
    """Return why ``value`` does not fit ``spec``, or None when it does."""
    if spec.type is Date:
        if not isinstance(value, str):
            return "expected an ISO date (YYYY-MM-DD)"
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return f"{value!r} is not an ISO date (YYYY-MM-DD)"
        return None
    if spec.allowed:
        return None if value in spec.allowed else f"{value!r} is not one of {', '.join(sorted(spec.allowed))}"
    if spec.type is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif spec.type is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, spec.type)
    if not ok:
        return f"expected {spec.type.__name__}, got {type(value).__name__}"
    if spec.type is str:
        return "must not be empty" if spec.required and not value.strip() else text_problem(value, name)
    return _number_problem(name, value)


def _number_problem(name: str, value: float) -> str | None:
    """Why a number cannot be stored as ``name`` (None when it can)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if isinstance(value, int) and not -MAX_INT - 1 <= value <= MAX_INT:
        return f"is too large: at most {MAX_INT:,}"
    if name in NON_NEGATIVE and value < 0:
        return "must not be negative"
    if name == "amount" and value > MAX_AMOUNT:
        return f"is too large: one gift is at most {MAX_AMOUNT:,} rials"
    low, high = RANGES.get(name, (-math.inf, math.inf))
    if not low <= value <= high:
        return f"must be between {low:g} and {high:g}"
    return None


def field_errors(props: dict[str, Any], fields: dict[str, Field], path: str = "") -> list[FieldError]:
    errors = [FieldError(path + name, "is required") for name, spec in fields.items()
              if spec.required and props.get(name) is None]
    for name, value in props.items():
        spec = fields.get(name)
        if spec is None:
            errors.append(FieldError(path + name, "is not a known property"))
        elif value is not None and (why := field_problem(name, value, spec)):
            errors.append(FieldError(path + name, why))
    return errors


def validate_node(label: Label, key: Any, props: dict[str, Any]) -> None:
    """Raise ValidationFailed listing every wrong field of a node row."""
    if not (isinstance(key, str) and key.strip()):
        errors = [FieldError("key", "must be a non-empty string")]
    else:
        errors = [FieldError("key", why)] if (why := text_problem(key, "key")) else []
    errors += field_errors(props, NODE_FIELDS[label])
    if errors:
        raise ValidationFailed(f"invalid {label.value} {key!r}", errors)


def validate_rel(rel: Rel, start: Any, end: Any, props: dict[str, Any]) -> None:
    errors = [FieldError(side, "must be a non-empty key") for side, k in (("start", start), ("end", end))
              if not (isinstance(k, str) and k.strip())]
    errors += field_errors(props, REL_FIELDS[rel])
    if errors:
        raise ValidationFailed(f"invalid {rel.value} {start!r}->{end!r}", errors)


def with_search_text(props: dict[str, Any]) -> dict[str, Any]:
    """Add the normalised ``searchText`` that name search matches against."""
    if "nameFa" in props or "nameEn" in props:
        return {**props, "searchText": search_text(props.get("nameFa"), props.get("nameEn"))}
    return props
