"""The columns of each import kind, derived from the graph's shape (graph_model.model): one table.

A kind is a label's properties (or a relationship's) plus its key and the links the mutations take
(graph_model.statements.writes.LINKS: an institution's ``county``, a donor's ``province``). Each
column has its English name (the graph's field name) and a Persian header; both are accepted, and
headers match after the search folding (case, Arabic letter forms, digits, ZWNJ).
``hub import --columns KIND`` prints this table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from graph_model.enum_labels import FA, label
from graph_model.enums import ENDPOINTS, Label, Rel
from graph_model.model import NODE_FIELDS, REL_FIELDS, Date, Field
from graph_model.mutations.entities import DERIVED
from graph_model.mutations.relations import MEMBER_RELS
from graph_model.statements.writes import LINKS
from graph_model.text import normalise

# Persian headers of every field name a kind may hold.
PERSIAN: dict[str, str] = {
    "key": "کلید", "nameFa": "نام فارسی", "nameEn": "نام انگلیسی", "kind": "نوع", "county": "شهرستان",
    "province": "استان", "lat": "عرض جغرافیایی", "lon": "طول جغرافیایی", "founded": "تاریخ تاسیس",
    "residents": "تعداد ساکنان", "generated": "تولیدشده", "source": "منبع", "donor": "نیکوکار",
    "institution": "موسسه", "event": "رویداد", "amount": "مبلغ", "date": "تاریخ", "purpose": "بابت",
    "status": "وضعیت", "number": "شماره مجوز", "issuedOn": "تاریخ صدور", "expiresOn": "تاریخ انقضا",
    "renewalRequestedOn": "تاریخ درخواست تمدید", "holder": "دارنده", "licenceType": "نوع مجوز",
    "services": "خدمات", "reason": "دلیل", "by": "ثبت کننده", "on": "تاریخ تغییر",
    "targetGroup": "گروه هدف", "people": "تعداد افراد", "year": "سال",
    "level": "سطح", "provinces": "استان‌ها", "counties": "شهرستان‌ها", "startsOn": "تاریخ شروع",
    "endsOn": "تاریخ پایان", "organiserInstitutions": "موسسات برگزارکننده",
    "organiserCouncils": "شوراهای برگزارکننده", "council": "شورا", "person": "شخص", "role": "نقش",
    # offers, partnerships, assessments (graph_model.importing.kinds_services)
    "service": "خدمت", "capacity": "ظرفیت", "partner": "موسسه همکار", "since": "از تاریخ",
    "framework": "چارچوب ارزیابی", "assessorKind": "نوع ارزیاب", "assessor": "ارزیاب",
    "findings": "یافته‌ها", "scores": "امتیازها",
}

# What a column holds: how its cells are read and shown by --columns.
FORMATS = {"key": "key", "text": "text", "int": "whole number (۱۲٬۵۰۰ or 12,500)",
           "float": "number", "date": "date (1403/01/15 or 2024-04-03)", "bool": "yes/no",
           "keys": "keys separated by ; or ،",
           "scores": "criterion:value pairs separated by ; or ، (crit-a:4; crit-b:2.5)"}


@dataclass(frozen=True)
class Column:
    name: str
    fa: str
    reader: str  # key, text, int, float, date, bool, enum, keys
    required: bool = False
    enum: type[Enum] | None = None
    target: Label | None = None  # the label a key column names

    @property
    def choices(self) -> tuple[str, ...]:
        """An enum column's values, each with its Persian label (graph_model.enum_labels): «CHARITY (خیریه)»."""
        if self.enum is None:
            return ()
        return tuple(f"{m.value} ({label(m)})" if m in FA else str(m.value) for m in self.enum)

    @property
    def format(self) -> str:
        if self.enum is not None:
            return "one of " + ", ".join(self.choices)
        if self.target is not None:
            return f"key of a {self.target.value}" + (" (several: ; or ،)" if self.reader == "keys" else "")
        return FORMATS[self.reader]


def _from_field(name: str, spec: Field) -> Column:
    if spec.type is Date:
        reader = "date"
    elif isinstance(spec.type, type) and issubclass(spec.type, Enum):
        return Column(name, PERSIAN.get(name, name), "enum", spec.required, enum=spec.type)
    else:
        reader = {int: "int", float: "float", bool: "bool"}.get(spec.type, "text")
    return Column(name, PERSIAN.get(name, name), reader, spec.required)


def _node_kind(label: Label) -> tuple[Column, ...]:
    cols = [Column("key", PERSIAN["key"], "key", required=True)]
    cols += [_from_field(n, f) for n, f in NODE_FIELDS[label].items() if n not in DERIVED.get(label, {})]
    cols += [Column(link.field, PERSIAN.get(link.field, link.field), "keys" if link.many else "key",
                    link.required, target=link.target) for link in LINKS[label]]
    return tuple(cols)


def _donations() -> tuple[Column, ...]:
    fields = REL_FIELDS[Rel.DONATED_TO]
    cols = [Column("key", PERSIAN["key"], "key"),  # optional: derived from the row (graph_model.importing.keys)
            Column("donor", PERSIAN["donor"], "key", True, target=Label.DONOR),
            Column("institution", PERSIAN["institution"], "key", target=Label.INSTITUTION),
            Column("event", PERSIAN["event"], "key", target=Label.EVENT)]
    return tuple(cols + [_from_field(n, f) for n, f in fields.items() if n != "key"])


def _licences() -> tuple[Column, ...]:
    cols = [Column("key", PERSIAN["key"], "key", required=True),
            Column("holder", PERSIAN["holder"], "key", True, target=Label.INSTITUTION),
            Column("licenceType", PERSIAN["licenceType"], "key", True, target=Label.LICENCE_TYPE),
            Column("services", PERSIAN["services"], "keys", True, target=Label.SERVICE)]
    cols += [_from_field(n, f) for n, f in NODE_FIELDS[Label.LICENCE].items() if n != "renewalRequestedOn"]
    # issuedOn is required to issue; the change's day, who and why go to its LicenceChange.
    cols = [Column(c.name, c.fa, c.reader, True) if c.name == "issuedOn" else c for c in cols]
    return tuple(cols + [Column("on", PERSIAN["on"], "date"), Column("by", PERSIAN["by"], "text"),
                         Column("reason", PERSIAN["reason"], "text")])


def _needs() -> tuple[Column, ...]:
    return (Column("county", PERSIAN["county"], "key", True, target=Label.COUNTY),
            Column("targetGroup", PERSIAN["targetGroup"], "key", True, target=Label.TARGET_GROUP),
            Column("people", PERSIAN["people"], "int", True), Column("source", PERSIAN["source"], "text"),
            Column("year", PERSIAN["year"], "int"))


def _memberships() -> tuple[Column, ...]:
    # One member column per kind of member (graph_model.mutations.relations.MEMBER_RELS): exactly one given.
    members = [Column(f, PERSIAN[f], "key", target=ENDPOINTS[rel][0]) for f, rel in MEMBER_RELS.items()]
    return (*members, Column("council", PERSIAN["council"], "key", True, target=Label.COUNCIL),
            *(replace(c, fa="تاریخ عضویت") if c.name == "since" else c
              for c in (_from_field(n, f) for n, f in REL_FIELDS[Rel.DONOR_MEMBER_OF].items())))


def _participations() -> tuple[Column, ...]:
    return (Column("institution", PERSIAN["institution"], "key", True, target=Label.INSTITUTION),
            Column("event", PERSIAN["event"], "key", True, target=Label.EVENT),
            *(_from_field(n, f) for n, f in REL_FIELDS[Rel.PARTICIPATED_IN].items()))


def _offers() -> tuple[Column, ...]:
    """One row per (institution, service): the pair is the row's identity, capacity its one property."""
    return (Column("institution", PERSIAN["institution"], "key", True, target=Label.INSTITUTION),
            Column("service", PERSIAN["service"], "key", True, target=Label.SERVICE),
            *(_from_field(n, f) for n, f in REL_FIELDS[Rel.OFFERS].items()))


def _partnerships() -> tuple[Column, ...]:
    """One row per pair of institutions (either way round: graph_model.mutations.relations.link_partners)."""
    return (Column("institution", PERSIAN["institution"], "key", True, target=Label.INSTITUTION),
            Column("partner", PERSIAN["partner"], "key", True, target=Label.INSTITUTION),
            *(_from_field(n, f) for n, f in REL_FIELDS[Rel.PARTNERS_WITH].items()))


# An assessment's properties a file gives: its score is computed from the criteria scores (never
# given), and ``generated`` marks seeded data only.
ASSESSMENT_GIVEN = {n: f for n, f in NODE_FIELDS[Label.ASSESSMENT].items() if n not in ("score", "generated")}


def _assessments() -> tuple[Column, ...]:
    """One row per assessment; its criteria scores in one cell (``crit-a:4; crit-b:2.5``), so a
    supervisor's sheet keeps one layout whatever the framework's criteria. The key is optional: an
    assessment without one gets ``asmt-imp-`` + a digest of institution, framework, level and date."""
    cols = [Column("key", PERSIAN["key"], "key"),
            Column("institution", PERSIAN["institution"], "key", True, target=Label.INSTITUTION),
            Column("framework", PERSIAN["framework"], "key", True, target=Label.FRAMEWORK)]
    cols += [replace(c, fa="سطح ارزیابی") if c.name == "level" else c
             for c in (_from_field(n, f) for n, f in ASSESSMENT_GIVEN.items() if n != "source")]
    return tuple(cols + [Column("scores", PERSIAN["scores"], "scores", True),
                         _from_field("source", ASSESSMENT_GIVEN["source"])])


KINDS: dict[str, tuple[Column, ...]] = {
    "institutions": _node_kind(Label.INSTITUTION),
    "donors": _node_kind(Label.DONOR),
    "donations": _donations(),
    "licences": _licences(),
    "needs": _needs(),
    "councils": _node_kind(Label.COUNCIL),
    "events": _node_kind(Label.EVENT),
    "memberships": _memberships(),
    "participations": _participations(),
    "offers": _offers(),
    "partnerships": _partnerships(),
    "assessments": _assessments(),
}
# The model's fields whose own checks (graph_model.model.field_errors) every row of a kind passes.
FIELDS: dict[str, dict[str, Field]] = {
    "institutions": NODE_FIELDS[Label.INSTITUTION],
    "donors": NODE_FIELDS[Label.DONOR],
    "donations": REL_FIELDS[Rel.DONATED_TO],
    "licences": NODE_FIELDS[Label.LICENCE],
    "needs": REL_FIELDS[Rel.NEEDS],
    "councils": NODE_FIELDS[Label.COUNCIL],
    "events": NODE_FIELDS[Label.EVENT],
    "memberships": REL_FIELDS[Rel.DONOR_MEMBER_OF],
    "participations": REL_FIELDS[Rel.PARTICIPATED_IN],
    "offers": REL_FIELDS[Rel.OFFERS],
    "partnerships": REL_FIELDS[Rel.PARTNERS_WITH],
    "assessments": ASSESSMENT_GIVEN,
}


def header_index(kind: str) -> dict[str, Column]:
    """Every accepted header (folded) -> its column."""
    index: dict[str, Column] = {}
    for col in KINDS[kind]:
        index[normalise(col.name)] = col
        index[normalise(col.fa)] = col
    return index
