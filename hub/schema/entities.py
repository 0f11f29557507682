"""GraphQL object types for every entity of the graph model, with their links both ways.

Each type is a Relay `Node` (global id = base64 of `Type:key`) and also shows its plain `key`.
Lists are connections (hub.schema.lists); links go through per-request DataLoaders.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import strawberry
from strawberry import relay

from graph_model.donation_disclosure import Suppression, suppression
from graph_model.enums import Label
from hub.execution.prefetch import Prefetch
from hub.execution.projection import ROW_TYPES, reads
from hub.schema import enums as e
from hub.schema import supervision_records as supervision
from hub.schema.fields import CONVERTERS, HubNode, from_props, jalali, link, nested_list, settled
from hub.schema.lists import Connection
from hub.schema.scalars import Date, Rials, to_jalali
from hub.strawberry_compat import lazy_type

if TYPE_CHECKING:
    from hub.schema.relations import Donation, Membership, Need
else:
    # Defined in hub.schema.relations, which imports this module: the list fields returning them
    # name them lazily, resolved when the schema is built (hub.strawberry_compat.lazy_type says why
    # not with `Annotated[..., strawberry.lazy(...)]`).
    Donation, Membership, Need = (lazy_type(name, "hub.schema.relations")
                                  for name in ("Donation", "Membership", "Need"))

KEY = "Stable key, unique among objects of this type."
FA = "Name in Persian."
EN = "Name in English."
GENERATED = "True when the record is generated demo data, not a real figure."
SOURCE = "Where the record or its figures come from."


def register(cls: type) -> type:
    CONVERTERS[cls.__name__] = lambda row: from_props(cls, row)
    ROW_TYPES[cls.__name__] = cls  # hub.execution.compiled may complete its rows without the object
    return cls


@strawberry.type(description="How many nodes of one kind the graph holds.")
class LabelCount:
    label: str = strawberry.field(description="Node label, e.g. Institution.")
    total: int = strawberry.field(description="Number of nodes with that label.")


def _same(value: Any) -> Any:
    return value


@strawberry.type(description="How much was given: totals over donations. Without the right to see personal data, "
                             "totals that include the gifts of fewer than k individual donors (k = 5 unless "
                             "configured) are withheld: every figure is null and `suppressed` is true. An "
                             "institution's totals are also withheld where the overview's complementary "
                             "suppression needs them (its county's total less its other institutions' would "
                             "give a withheld figure away).")
class GivingTotals:
    amount: Rials | None = strawberry.field(description="Total in rials.")
    count: int | None = strawberry.field(description="Number of donations.")
    counterparts: int | None = strawberry.field(description="Distinct donors (of an institution or event) or "
                                                            "distinct institutions (of a donor).")
    first_date: Date | None = strawberry.field(resolver=lambda root: root.date(0),
                                               description="Date of the first donation.")
    last_date: Date | None = strawberry.field(resolver=lambda root: root.date(1),
                                              description="Date of the latest donation.")
    first_date_jalali: str | None = jalali("first_date", lambda root: root.date(0, to_jalali))
    last_date_jalali: str | None = jalali("last_date", lambda root: root.date(1, to_jalali))
    suppressed: bool = strawberry.field(default=False, description="True when the totals are withheld because "
                                        "they would reveal what fewer than k individual donors gave.")
    # The first and last gift's dates: a pair, or (an institution's totals, read from a kept cell that
    # does not know them) a function giving a loader's future of it, called only if a date is asked.
    dates: strawberry.Private[Any] = (None, None)

    def date(self, which: int, convert: Callable[[Any], Any] = _same) -> Any:
        if isinstance(self.dates, tuple):
            return convert(self.dates[which])
        return settled(self.dates(), lambda pair: convert(pair[which]))


def totals(g: Any, context: Any = None, key: str = "") -> GivingTotals:
    dates: Any = (g.first_date, g.last_date)
    if not g.dated:
        dates = (lambda: context.loaders.giving_dates().load(key)) if g.count else (None, None)
    return GivingTotals(amount=g.amount, count=g.count, counterparts=g.others, dates=dates)


_WITHHELD = GivingTotals(amount=None, count=None, counterparts=None, suppressed=True)


def _giving(label: Label, key: str, context: Any) -> Any:
    """Giving totals through the loader: a plain value when a prefetch already loaded them."""
    visibility = context.visibility
    if visibility.personal:
        return settled(context.loaders.giving(label).load(key), lambda g: totals(g, context, key))
    if label is Label.INSTITUTION:
        return _institution_giving(key, context)
    return settled(context.loaders.giving(label).load(key),
                   lambda g: _WITHHELD if visibility.suppressed(g.individuals) else totals(g))


def giving_field(label: Label, description: str) -> Any:
    """The `giving` field of ``label``'s type; its resolver has a twin without the resolve info for
    hub.execution.compiled, and a prefetch (hub.execution.prefetch) that loads a page's totals, then
    with the level below what their fields wait for: the dates of kept totals whose cell does not know
    them, and an institution's complementary suppression pattern."""
    def fast(root: Any, context: Any, kw: dict[str, Any]) -> Any:
        key: Any = root.get("key") if type(root) is dict else root.key
        return _giving(label, key, context)

    fast.rows = True  # type: ignore[attr-defined]  # takes its object's row (hub.execution.compiled)
    fast.giving = (fast, label)  # type: ignore[attr-defined]  # what hub.execution.direct reads it by

    @reads("key")
    def resolve(root: Any, info: strawberry.Info) -> GivingTotals:
        return fast(root, info.context, {})

    resolve.fast = fast  # type: ignore[attr-defined]
    resolve.prefetch = Prefetch(  # type: ignore[attr-defined]
        lambda loaders, rows, kw: loaders.giving(label).load_many([r["key"] for r in rows]),
        below=functools.partial(_below, label))
    return strawberry.field(resolver=resolve, description=description)


_DATES = frozenset({"firstDate", "lastDate", "firstDateJalali", "lastDateJalali"})


def _below(label: Label, context: Any, rows: list[dict[str, Any]], found: list[Any],
           asked: frozenset[str]) -> list[Any]:
    """What the totals of a page's objects will wait for, started together: the first and last gifts'
    dates of totals read from a kept cell that does not know them when a date is asked, and the suppression
    pattern when an institution's totals need it (``_needs_pattern``). Totals withheld below the
    threshold load no dates; those the pattern then withholds may (read, never shown)."""
    visibility = context.visibility
    shown = [(row["key"], g) for row, g in zip(rows, found, strict=True)
             if visibility.personal or not visibility.suppressed(g.individuals)]
    started: list[Any] = []
    if asked & _DATES:
        keys = [key for key, g in shown if g.count and not g.dated]
        if keys:
            started.append(context.loaders.giving_dates().load_many(keys))
    if label is Label.INSTITUTION and any(_needs_pattern(g, context) for _, g in shown):
        started.append(_pattern(context))
    return started


# The suppression pattern, read once per request (the graph's version, read with the loads made
# beside it; the pattern itself cached per version), keyed by the request's loaders.
_PATTERNS: weakref.WeakKeyDictionary[Any, asyncio.Future[Suppression | None]] = weakref.WeakKeyDictionary()


def _pattern(context: Any) -> asyncio.Future[Suppression | None]:
    if context.loaders not in _PATTERNS:
        _PATTERNS[context.loaders] = asyncio.ensure_future(
            suppression(context.store, context.cache, context.visibility.k,
                        context.settings.disclosure_wait_ms / 1000, version_from=context.loaders.store))
    return _PATTERNS[context.loaders]


def _needs_pattern(found: Any, context: Any) -> bool:
    """Whether an institution's totals are decided by the complementary suppression: the caller may
    not see personal data, and they are neither withheld by their own threshold nor zero."""
    visibility = context.visibility
    return not visibility.personal and not visibility.suppressed(found.individuals) and bool(found.amount)


def _institution_giving(key: str, context: Any) -> Any:
    """An institution's totals are the parts of its county's all-years total in the overview, so
    besides its own threshold they follow the overview's complementary suppression
    (graph_model.donation_disclosure): a county total less its other institutions' totals must
    not give one back. A plain value when the totals and the pattern are already loaded (a prefetch)."""
    loading = context.loaders.giving(Label.INSTITUTION).load(key)
    if isinstance(loading, asyncio.Future) and loading.done():
        found = loading.result()
        if not _needs_pattern(found, context):
            return _institution_totals(found, key, context, None)
        pattern = _pattern(context)
        if pattern.done():
            return _institution_totals(found, key, context, pattern.result())
    return _institution_giving_later(key, context)


async def _institution_giving_later(key: str, context: Any) -> GivingTotals:
    found = await context.loaders.giving(Label.INSTITUTION).load(key)
    pattern = await _pattern(context) if _needs_pattern(found, context) else None
    return _institution_totals(found, key, context, pattern)


def _institution_totals(found: Any, key: str, context: Any, pattern: Suppression | None) -> GivingTotals:
    if context.visibility.suppressed(found.individuals):
        return _WITHHELD
    if not _needs_pattern(found, context):
        return totals(found, context, key)
    # No pattern in time (a stream of writes): every total it protects is withheld.
    return _WITHHELD if pattern is None or pattern.institution(key) else totals(found, context, key)


@strawberry.type(description="Something with a key and a name in both languages.")
class Named:
    key: str = strawberry.field(description=KEY)
    name_fa: str = strawberry.field(description=FA)
    name_en: str = strawberry.field(description=EN)


@register
@strawberry.type(description="A province (استان), with its 2016 census figures.")
class Province(HubNode, relay.Node):
    key: str = strawberry.field(description="ISO 3166-2 code, e.g. IR-06 for Khuzestan.")
    name_fa: str = strawberry.field(description=FA)
    name_en: str = strawberry.field(description=EN)
    capital_en: str | None = strawberry.field(description="Capital city, in English.")
    population: int | None = strawberry.field(description="Population, 2016 census.")
    age0to14: int | None = strawberry.field(description="People aged 0–14, 2016 census.")
    age60plus: int | None = strawberry.field(description="People aged 60 and over, 2016 census.")
    lat: float | None = strawberry.field(description="Latitude of the centroid.")
    lon: float | None = strawberry.field(description="Longitude of the centroid.")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    counties: Connection[County] = nested_list("province_counties", "The province's counties.")
    institutions: Connection[Institution] = nested_list("province_institutions",
                                                        "Institutions located in the province.")
    councils: Connection[Council] = nested_list("province_councils",
                                                "Councils covering the province or one of its counties.")
    donors: Connection[Donor] = nested_list("province_donors", "Donors based in the province.")
    events: Connection[Event] = nested_list("province_events", "Events held in the province.")
    licences: Connection[Licence] = nested_list("province_licences", "Licences of the province's institutions.")
    donations: Connection[Donation] = nested_list("province_donations", "Donations to the province's institutions.")


@register
@strawberry.type(description="A county (شهرستان), with its 2016 census figures.")
class County(HubNode, relay.Node):
    key: str = strawberry.field(description="Province code and census county code, e.g. IR-00-0001.")
    name_fa: str = strawberry.field(description="Name in Persian (census spelling).")
    name_en: str = strawberry.field(description="Name in English (OpenStreetMap).")
    province_key: str = strawberry.field(description="Key of the province the county lies in.")
    population: int | None = strawberry.field(description="Population, 2016 census.")
    age0to14: int | None = strawberry.field(description="People aged 0–14, 2016 census.")
    age60plus: int | None = strawberry.field(description="People aged 60 and over, 2016 census.")
    lat: float | None = strawberry.field(description="Latitude of the centroid.")
    lon: float | None = strawberry.field(description="Longitude of the centroid.")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    province: Province | None = link("", "Province", "The province the county lies in.",
                                     key_attr="province_key", label=Label.PROVINCE)
    institutions: Connection[Institution] = nested_list("county_institutions", "Institutions in the county.")
    councils: Connection[Council] = nested_list("county_councils", "Councils covering the county.")
    events: Connection[Event] = nested_list("county_events", "Events held in the county.")
    needs: Connection[Need] = nested_list("county_needs", "People in need, per target group.")


@register
@strawberry.type(description="A non-governmental institution under the organisation's supervision: a charity, "
                             "an NGO, a care or rehabilitation centre.")
class Institution(Named, HubNode, relay.Node):
    ENUMS: ClassVar[dict[str, Any]] = {"kind": e.InstitutionKind}
    kind: e.InstitutionKind = strawberry.field(description="Kind of institution.")
    founded: Date | None = strawberry.field(description="Founding date.")
    founded_jalali: str | None = jalali("founded")
    residents: int | None = strawberry.field(description="Residents, for residential (24-hour) centres.")
    lat: float | None = strawberry.field(description="Latitude.")
    lon: float | None = strawberry.field(description="Longitude.")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    county: County | None = link("institution_county", "County", "The county the institution is located in.")
    services: Connection[Service] = nested_list("institution_services",
                                                "Services offered; each edge holds the capacity.")
    licences: Connection[Licence] = nested_list("institution_licences", "Licences the institution holds.")
    donors: Connection[Donor] = nested_list("institution_donors", "Donors; each edge totals their giving to it.")
    donations: Connection[Donation] = nested_list("institution_donations", "Donations received.")
    councils: Connection[Council] = nested_list("institution_councils",
                                                "Councils it sits on; each edge holds the role.")
    partners: Connection[Institution] = nested_list("institution_partners",
                                                    "Partner institutions; each edge holds since and purpose.")
    events: Connection[Event] = nested_list("institution_events", "Events it took part in, with its role.")
    assessments: Connection[Assessment] = nested_list("institution_assessments", "Assessments of it.")
    complaints: Connection[Complaint] = supervision.private_list("institution_complaints", "Complaints about it.",
                                                                 of_institution=True)

    giving: GivingTotals = giving_field(Label.INSTITUTION, "Totals of the donations it received.")


@register
@strawberry.type(description="A donor (خیر): a benefactor, company, contractor or foundation.")
class Donor(Named, HubNode, relay.Node):
    ENUMS: ClassVar[dict[str, Any]] = {"kind": e.DonorKind}
    kind: e.DonorKind = strawberry.field(description="Kind of donor.")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    province: Province | None = link("donor_province", "Province", "The province the donor is based in.")
    donations: Connection[Donation] = nested_list("donor_donations", "Donations the donor made to institutions.")
    institutions: Connection[Institution] = nested_list("donor_institutions",
                                                        "Institutions it gave to; each edge totals the giving.")
    councils: Connection[Council] = nested_list("donor_councils", "Councils it sits on, with its role.")

    giving: GivingTotals = giving_field(Label.DONOR, "Totals of the donor's donations to institutions.")


@register
@strawberry.type(description="A person, e.g. an official sitting on a council.")
class Person(Named, HubNode, relay.Node):
    title: str | None = strawberry.field(description="Title or office.")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    councils: Connection[Council] = nested_list("person_councils", "Councils the person sits on, with the role.")


@register
@strawberry.type(description="A council or committee: participation council, supervision committee, Article 26 "
                             "commission, supervisory board.")
class Council(Named, HubNode, relay.Node):
    ENUMS: ClassVar[dict[str, Any]] = {"kind": e.CouncilKind, "level": e.CouncilLevel}
    kind: e.CouncilKind = strawberry.field(description="Kind of council.")
    level: e.CouncilLevel = strawberry.field(description="National, provincial or county council.")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    members: Connection[Membership] = nested_list("council_members", "Its members: donors, institutions, people.")
    provinces: Connection[Province] = nested_list("council_provinces", "Provinces it covers.")
    counties: Connection[County] = nested_list("council_counties", "Counties it covers.")
    sessions: Connection[Event] = nested_list("council_sessions", "Events (sessions) it organised.")


@register
@strawberry.type(description="A service in the organisation's catalogue (e.g. home care, day care).")
class Service(Named, HubNode, relay.Node):
    ENUMS: ClassVar[dict[str, Any]] = {"domain": e.ServiceDomain}
    domain: e.ServiceDomain = strawberry.field(description="The deputyship the service belongs to.")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    institutions: Connection[Institution] = nested_list("service_institutions",
                                                        "Institutions offering it; each edge holds the capacity.")
    target_groups: Connection[TargetGroup] = nested_list("service_target_groups", "Who the service is for.")


@register
@strawberry.type(description="A group of people services are for (e.g. elderly people, people with disabilities).")
class TargetGroup(Named, HubNode, relay.Node):
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    services: Connection[Service] = nested_list("target_group_services", "Services for this group.")


@register
@strawberry.type(description="A kind of licence the organisation issues (e.g. an activity permit).")
class LicenceType(Named, HubNode, relay.Node):
    validity_years: int | None = strawberry.field(description="Years a licence of this type is valid.")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    services: Connection[Service] = nested_list("licence_type_services", "Services this type permits.")


@register
@strawberry.type(description="A licence held by an institution: agreement in principle or activity permit. Every "
                             "step of its life (issue, activation, suspension, reinstatement, renewal request, "
                             "renewal, expiry, revocation) is recorded in `changes`, with the day, who and why.")
class Licence(HubNode, relay.Node):
    ENUMS: ClassVar[dict[str, Any]] = {"status": e.LicenceStatus}
    key: str = strawberry.field(description=KEY)
    number: str | None = strawberry.field(description="Licence number.")
    status: e.LicenceStatus = strawberry.field(description="Where the licence stands.")
    issued_on: Date | None = strawberry.field(description="Issue date.")
    issued_on_jalali: str | None = jalali("issued_on")
    expires_on: Date | None = strawberry.field(description="Expiry date.")
    expires_on_jalali: str | None = jalali("expires_on")
    renewal_requested_on: Date | None = strawberry.field(description="When the holder applied for renewal, while "
                                                                     "the application is pending.")
    renewal_requested_on_jalali: str | None = jalali("renewal_requested_on")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    institution: Institution | None = link("licence_institution", "Institution", "The institution holding it.")
    licence_type: LicenceType | None = link("licence_type", "LicenceType", "The type of licence.")
    services: Connection[Service] = nested_list("licence_services", "Services the licence covers.")
    changes: Connection[LicenceChange] = nested_list("licence_changes", "Its history: every recorded change of "
                                                                            "status, oldest first by default (sort "
                                                                            "ON).")


@register
@strawberry.type(description="An event: an Arbaeen service station (موکب), a council session, a training course...")
class Event(Named, HubNode, relay.Node):
    ENUMS: ClassVar[dict[str, Any]] = {"kind": e.EventKind}
    kind: e.EventKind = strawberry.field(description="Kind of event.")
    starts_on: Date = strawberry.field(description="First day.")
    starts_on_jalali: str | None = jalali("starts_on")
    ends_on: Date | None = strawberry.field(description="Last day.")
    ends_on_jalali: str | None = jalali("ends_on")
    lat: float | None = strawberry.field(description="Latitude.")
    lon: float | None = strawberry.field(description="Longitude.")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    place: County | None = link("event_county", "County", "The county it was held in.")
    organisers: Connection[Institution] = nested_list("event_organisers", "Institutions that organised it.")
    organising_councils: Connection[Council] = nested_list("event_councils", "Councils that organised it.")
    participants: Connection[Institution] = nested_list("event_participants",
                                                        "Institutions that took part, with their role.")
    services: Connection[Service] = nested_list("event_services", "Services provided, with people served.")
    donations: Connection[Donation] = nested_list("event_donations", "Donations to the event.")

    giving: GivingTotals = giving_field(Label.EVENT, "Totals of the donations to the event.")


@register
@strawberry.type(description="An assessment of an institution (self, office, guild, stakeholder or expert).")
class Assessment(HubNode, relay.Node):
    ENUMS: ClassVar[dict[str, Any]] = {"level": e.AssessmentLevel}
    key: str = strawberry.field(description=KEY)
    level: e.AssessmentLevel = strawberry.field(description="Who assessed.")
    score: float = strawberry.field(description="Score given.")
    date: Date = strawberry.field(description="Date of the assessment.")
    date_jalali: str | None = jalali("date")
    assessor_kind: e.AssessorKind | None = strawberry.field(description="What kind of assessor made it.")
    assessor: str | None = strawberry.field(description="Who made it: the person, office or body, by name.")
    # The stored findings (the property `findings`: hub.schema.fields.from_props reads `findings_` as it),
    # shown through `findings` to those who may see them. Declared first: inputs take their descriptions
    # from these fields by camelCase name, and the later `findings` must win (hub.schema.inputs).
    findings_: strawberry.Private[str | None]
    findings: str | None = supervision.findings("What the assessor found, in words.")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    institution: Institution | None = link("assessment_institution", "Institution", "The institution assessed.")
    framework: AssessmentFramework | None = link("assessment_framework", "AssessmentFramework",
                                                 "The framework its criteria scores are given against.")
    scores: Connection[Criterion] = supervision.private_list(
        "assessment_scores", "The criteria scored; each edge holds the value given.")
    actions: Connection[CorrectiveAction] = supervision.private_list("assessment_actions",
                                                                     "Corrective actions it asks for.")


@register
@strawberry.type(description="A versioned assessment framework: the criteria, grouped by area, that structured "
                             "assessments score, each with a weight and a scale. Frameworks are data: admins "
                             "edit them; a changed framework is a new version, so old assessments keep theirs.")
class AssessmentFramework(Named, HubNode, relay.Node):
    version: int = strawberry.field(description="Version number; a new version is a new framework.")
    valid_from: Date | None = strawberry.field(description="First day assessments may use it.")
    valid_from_jalali: str | None = jalali("valid_from")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    criteria: Connection[Criterion] = nested_list("framework_criteria", "Its criteria.")


@register
@strawberry.type(description="One criterion of an assessment framework, scored from 0 to its scale's maximum.")
class Criterion(Named, HubNode, relay.Node):
    ENUMS: ClassVar[dict[str, Any]] = {"area": e.CriterionArea}
    area: e.CriterionArea = strawberry.field(description="The area it belongs to.")
    weight: float = strawberry.field(description="Its weight within the framework (weights are relative).")
    scale_max: int = strawberry.field(description="The highest score (the lowest is 0).")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    framework: AssessmentFramework | None = link("criterion_framework", "AssessmentFramework",
                                                 "The framework it belongs to.")


@register
@strawberry.type(description="A corrective action an assessment asks for, with its due date and status; open "
                             "past its due date means overdue.")
class CorrectiveAction(HubNode, relay.Node):
    ENUMS: ClassVar[dict[str, Any]] = {"status": e.ActionStatus}
    key: str = strawberry.field(description=KEY)
    description: str = strawberry.field(description="What must be put right.")
    due_on: Date = strawberry.field(description="When it is due.")
    due_on_jalali: str | None = jalali("due_on")
    status: e.ActionStatus = strawberry.field(description="Open or done.")
    done_on: Date | None = strawberry.field(description="When it was done.")
    done_on_jalali: str | None = jalali("done_on")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    assessment: Assessment | None = link("action_assessment", "Assessment", "The assessment that asked for it.")


@register
@strawberry.type(description="One recorded change of a licence's status: what happened, the status it left, "
                             "when, who made it and why.")
class LicenceChange(HubNode, relay.Node):
    ENUMS: ClassVar[dict[str, Any]] = {"change": e.LicenceChangeKind, "status": e.LicenceStatus,
                                       "previous": e.LicenceStatus}
    key: str = strawberry.field(description=KEY)
    change: e.LicenceChangeKind = strawberry.field(description="What happened.")
    status: e.LicenceStatus = strawberry.field(description="The licence's status after it.")
    previous: e.LicenceStatus | None = strawberry.field(description="The status before it (none for an issue).")
    on: Date = strawberry.field(description="The day it happened.")
    on_jalali: str | None = jalali("on")
    # The stored subject (property `by`, read as `by_` like Assessment.findings_), shown through `by`.
    by_: strawberry.Private[str | None]
    by: str | None = supervision.staff_only("by_", "Who made it (the key's subject, or the office named).")
    reason: str | None = strawberry.field(description="Why, in words.")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    licence: Licence | None = link("change_licence", "Licence", "The licence it changed.")


@register
@strawberry.type(description="A complaint about an institution.")
class Complaint(HubNode, relay.Node):
    ENUMS: ClassVar[dict[str, Any]] = {"status": e.ComplaintStatus}
    key: str = strawberry.field(description=KEY)
    summary: str = strawberry.field(description="What the complaint is about.")
    received_on: Date = strawberry.field(description="When it was received.")
    received_on_jalali: str | None = jalali("received_on")
    status: e.ComplaintStatus = strawberry.field(description="Open or closed.")
    generated: bool = strawberry.field(description=GENERATED)
    source: str | None = strawberry.field(description=SOURCE)
    institution: Institution | None = link("complaint_institution", "Institution", "The institution it is about.")

