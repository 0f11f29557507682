"""Supervision in the API: the ranking of institutions, the plan of office visits, the alerts.

The maths is in graph_model.supervision (plain Python over a scope's facts, one batched statement
per kind of fact); these resolvers read the arguments, resolve the scope for the caller and map the
results to types. All three need the SUPERVISE right; a province-scoped key is narrowed to its
provinces and refused (FORBIDDEN) for any other area.
"""

from __future__ import annotations

import bisect
import datetime as dt
from enum import Enum
from collections.abc import Sequence
from typing import Annotated, Any

import strawberry

from graph_model import filter_keys
from graph_model.enums import Label
from graph_model.errors import FieldError, ValidationFailed
from graph_model.supervision import alerts as al
from graph_model.supervision import plan as pl
from graph_model.supervision import ranking as rk
from graph_model.supervision.reading import Facts, Institution as Facts_Institution, Scope, facts, scope_of
from hub.auth.access import requires
from hub.auth.principal import Right
from hub.schema import enums as e
from hub.schema.entities import County, Institution
from hub.schema.fields import jalali, link
from hub.schema.lists import DEFAULT_PAGE_SIZE, Connection, Edge, PageInfo, decode_cursor
from hub.schema.scalars import Date, parse_date

ORDER = "institutionRanking"  # the ordering ranking cursors are bound to
MAX_PLAN_DAYS = 366

RANKING = (
    "Institutions of a scope ranked by an explainable score (graph_model.supervision.ranking). Each assessment "
    "weighs level x recency: office visits (COUNTY, PROVINCIAL, NATIONAL) and EXPERT 1.0, GUILD and STAKEHOLDER "
    "0.6, SELF 0.3; recency 0.5^(age in days / 365), a half-life of one year; assessments after `asOf` are "
    "ignored. Score = the weighted mean of the assessments' scores (0-100, 1 decimal). Confidence from the total "
    "weight W: LOW below 1, MEDIUM from 1, HIGH from 2, NONE without assessments. `disagreement` when the latest "
    "self-assessment is more than 20 points above the weighted office mean. Grade A from 85, B from 70, C from "
    "50, D below 50. Ordered by score, then key; equal scores share a rank number (1, 2, 2, 4); institutions "
    "never assessed follow in key order with no score, grade or rank. `kind` and `service` narrow the list "
    "before ranking (ranks are within the narrowed list).")
PLAN = (
    "The institutions due an office visit (an assessment at COUNTY, PROVINCIAL or NATIONAL level) in a period, "
    "why, ordered by risk and grouped by county (graph_model.supervision.plan). Reasons and their weights: "
    "NEVER_VISITED 40; VISIT_INTERVAL_PASSED 20 (the last visit plus 6 months for the 24-hour residential kinds "
    "RESIDENTIAL_CARE, DISABLED_ELDERLY_CARE, ADDICTION_TREATMENT, 12 months for others, falls by `until`); "
    "LOW_SCORE 25 (ranking score below grade C, 50); FALLING_SCORE 15 (the last office score 15 or more below "
    "the one before); OVERDUE_ACTIONS 10 per open corrective action due before `from` (at most 30); "
    "LICENCE_EXPIRING 15 (an ACTIVE licence expires between `from` and `until` or 90 days after `from`, "
    "whichever is later); OPEN_COMPLAINTS 10 per open complaint (at most 30). Risk = the sum, x 1.5 for the "
    "24-hour residential kinds. History is read as of `from`. Capacity = inspectors x visits per inspector per "
    "month x the period's days / 30 (rounded down); entries past it have `fits` false, never dropped.")
ALERTS = (
    "What needs acting on (graph_model.supervision.alerts): ACTIVE licences expiring within 30 days (HIGH) or 90 "
    "(MEDIUM); licences expired while their institution still offers services with no licence in force (HIGH); "
    "renewals requested more than 90 days ago still pending (MEDIUM, HIGH past 180 days); open corrective "
    "actions past due (MEDIUM, HIGH past 60 days); institutions overdue an office visit by the "
    "plan's intervals (MEDIUM), or never visited (HIGH for the 24-hour residential kinds, else MEDIUM). HIGH "
    "first, then by kind and key. The same as CSV at `/export/alerts.csv?scope=&asOf=`, and `hub alerts`.")
SCOPE = ("A province's key (e.g. IR-06) or a county's key (e.g. IR-06-0607); the country when left out (a "
         "province-scoped key: its provinces).")


def arg(text: str) -> Any:
    return strawberry.argument(description=text)


@strawberry.enum(description="How much evidence a ranking score rests on (its total weight W).")
class RankingConfidence(Enum):
    NONE = strawberry.enum_value("NONE", description="No assessment: no score.")
    LOW = strawberry.enum_value("LOW", description="W below 1 (less than one fresh office visit's worth).")
    MEDIUM = strawberry.enum_value("MEDIUM", description="1 <= W < 2.")
    HIGH = strawberry.enum_value("HIGH", description="W of 2 or more.")


@strawberry.enum(description="A ranking score's band: A from 85, B from 70, C from 50, D below 50.")
class GradeBand(Enum):
    A = strawberry.enum_value("A", description="85 or more.")
    B = strawberry.enum_value("B", description="70 to below 85.")
    C = strawberry.enum_value("C", description="50 to below 70.")
    D = strawberry.enum_value("D", description="Below 50.")


@strawberry.enum(description="Why an institution is due an office visit (weights in `supervisionPlan`).")
class PlanReasonKey(Enum):
    NEVER_VISITED = strawberry.enum_value("NEVER_VISITED", description="No county, provincial or national "
                                                                       "office has ever assessed it.")
    VISIT_INTERVAL_PASSED = strawberry.enum_value(
        "VISIT_INTERVAL_PASSED", description="Its last office visit is older than the interval for its kind "
                                             "(6 months for 24-hour residential kinds, 12 for the others).")
    LOW_SCORE = strawberry.enum_value("LOW_SCORE", description="Its ranking score is below grade C (50).")
    FALLING_SCORE = strawberry.enum_value("FALLING_SCORE", description="Its last office score is 15 or more below "
                                                                       "the one before.")
    OVERDUE_ACTIONS = strawberry.enum_value("OVERDUE_ACTIONS", description="It has open corrective actions past "
                                                                           "their due date.")
    LICENCE_EXPIRING = strawberry.enum_value("LICENCE_EXPIRING", description="An active licence of it expires in "
                                                                             "the period or within 90 days.")
    OPEN_COMPLAINTS = strawberry.enum_value("OPEN_COMPLAINTS", description="Complaints about it are open.")


@strawberry.enum(description="How urgent an alert is.")
class AlertSeverity(Enum):
    HIGH = strawberry.enum_value("HIGH", description="Act now.")
    MEDIUM = strawberry.enum_value("MEDIUM", description="Act soon.")


@strawberry.enum(description="What an alert is about.")
class AlertKind(Enum):
    LICENCE_EXPIRING = strawberry.enum_value("LICENCE_EXPIRING", description="An ACTIVE licence expires soon.")
    LICENCE_EXPIRED_IN_SERVICE = strawberry.enum_value(
        "LICENCE_EXPIRED_IN_SERVICE", description="A licence expired; the institution still offers services.")
    RENEWAL_PENDING = strawberry.enum_value("RENEWAL_PENDING", description="A renewal requested more than 90 "
                                                                         "days ago is still pending.")
    ACTION_OVERDUE = strawberry.enum_value("ACTION_OVERDUE", description="An open corrective action is past due.")
    VISIT_OVERDUE = strawberry.enum_value("VISIT_OVERDUE", description="An office visit is overdue or never was.")


@strawberry.type(description="One assessment's part in a ranking score.")
class ScoreContribution:
    assessment: str = strawberry.field(description="The assessment's key.")
    level: e.AssessmentLevel = strawberry.field(description="Who assessed.")
    date: Date = strawberry.field(description="When.")
    date_jalali: str | None = jalali("date")
    score: float = strawberry.field(description="Its score (0-100).")
    weight: float = strawberry.field(description="Level weight x recency weight.")
    share: float = strawberry.field(description="Its weight over the total weight: its part of the score (0-1).")


@strawberry.type(description="An institution's place in a ranking and what explains its score.")
class InstitutionRank:
    institution_key: strawberry.Private[str]
    county_key: strawberry.Private[str]
    key: str = strawberry.field(description="The institution's key.")
    name_fa: str = strawberry.field(description="Its Persian name.")
    name_en: str = strawberry.field(description="Its English name.")
    kind: e.InstitutionKind = strawberry.field(description="Its kind.")
    rank: int | None = strawberry.field(description="1 for the best score; equal scores share one; null when "
                                                    "never assessed.")
    score: float | None = strawberry.field(description="Weighted mean score (0-100); null when never assessed.")
    grade: GradeBand | None = strawberry.field(description="A from 85, B from 70, C from 50, D below.")
    confidence: RankingConfidence = strawberry.field(description="From the total weight.")
    total_weight: float = strawberry.field(description="The sum of the assessments' weights (W).")
    disagreement: bool = strawberry.field(description="The latest self-assessment is more than 20 points above "
                                                      "the weighted office mean.")
    latest_self_score: float | None = strawberry.field(description="The latest self-assessment's score.")
    office_score: float | None = strawberry.field(description="The recency-weighted mean of office visits.")
    contributions: list[ScoreContribution] = strawberry.field(description="Each assessment used, oldest first.")
    institution: Institution | None = link("", "Institution", "The institution.", key_attr="institution_key",
                            label=Label.INSTITUTION)
    county: County | None = link("", "County", "Its county.", key_attr="county_key", label=Label.COUNTY)


@strawberry.type(description="A reason an institution is due a visit, in words and as a key.")
class PlanReason:
    key: PlanReasonKey = strawberry.field(description="The reason.")
    weight: float = strawberry.field(description="What it adds to the risk.")
    text_en: str = strawberry.field(description="In English.")
    text_fa: str = strawberry.field(description="In Persian.")


@strawberry.type(description="An institution due an office visit in the period.")
class PlanEntry:
    institution_key: strawberry.Private[str]
    county_key: strawberry.Private[str]
    order: int = strawberry.field(description="Its place in the plan (1: the riskiest).")
    key: str = strawberry.field(description="The institution's key.")
    name_fa: str = strawberry.field(description="Its Persian name.")
    name_en: str = strawberry.field(description="Its English name.")
    kind: e.InstitutionKind = strawberry.field(description="Its kind.")
    risk: float = strawberry.field(description="The sum of its reasons' weights (x 1.5 for 24-hour residential).")
    fits: bool = strawberry.field(description="Within the capacity, in plan order.")
    last_visit: Date | None = strawberry.field(description="Its last office visit before the period.")
    last_visit_jalali: str | None = jalali("last_visit")
    reasons: list[PlanReason] = strawberry.field(description="Why it is due.")
    institution: Institution | None = link("", "Institution", "The institution.", key_attr="institution_key",
                            label=Label.INSTITUTION)


@strawberry.type(description="A county's part of a plan.")
class PlanCounty:
    group: strawberry.Private[list[pl.Entry]]
    key: str = strawberry.field(description="The county's key.")
    name_fa: str = strawberry.field(description="Its Persian name.")
    name_en: str = strawberry.field(description="Its English name.")
    due: int = strawberry.field(description="Its institutions due a visit.")
    fitting: int = strawberry.field(description="Of them, those within the capacity.")
    top_risk: float = strawberry.field(description="The risk of its riskiest entry.")

    @strawberry.field(description="Its entries in plan order.")
    def entries(self, info: strawberry.Info,
                first: Annotated[int, arg("How many (1 to the maximum page size).")] = 20,
                after: Annotated[int, arg("Only entries whose `order` is above this.")] = 0) -> list[PlanEntry]:
        return _page(self.group, first, after, info.context.settings.limits.page)


@strawberry.type(description="A supervision plan for a period.")
class SupervisionPlan:
    made: strawberry.Private[pl.Plan]
    scope: strawberry.Private[Scope]
    from_: Date = strawberry.field(name="from", description="The period's first day.")
    until: Date = strawberry.field(description="The period's last day.")
    capacity: int | None = strawberry.field(description="Visits the inspectors can make in the period; null when "
                                                        "inspectors or visits per month are not given.")
    total: int = strawberry.field(description="Institutions due a visit.")
    fitting: int = strawberry.field(description="Of them, those within the capacity.")

    @strawberry.field(description="The institutions due, by risk: a page of them (`total` counts all; entries past "
                                  "the capacity are listed with `fits` false).")
    def entries(self, info: strawberry.Info,
                first: Annotated[int, arg("How many (1 to the maximum page size).")] = 100,
                after: Annotated[int, arg("Only entries whose `order` is above this (the next page: the last "
                                          "`order` seen).")] = 0) -> list[PlanEntry]:
        return _page(self.made.entries, first, after, info.context.settings.limits.page)

    @strawberry.field(description="Every county with an institution due, by its riskiest entry; each with its "
                                  "entries.")
    def counties(self) -> list[PlanCounty]:
        counties = self.scope.counties
        return [PlanCounty(group=group, key=c, name_fa=counties[c].name_fa, name_en=counties[c].name_en,
                           due=len(group), fitting=sum(1 for x in group if x.fits), top_risk=group[0].risk)
                for c, group in pl.by_county(self.made.entries)]


def _page(entries: Sequence[pl.Entry], first: int, after: int, largest: int) -> list[PlanEntry]:
    if not 1 <= first <= largest:
        raise ValidationFailed("first is out of range", [FieldError("first", f"1 to {largest}")])
    if after < 0:
        raise ValidationFailed("after is out of range", [FieldError("after", "an order number, 0 or more")])
    start = bisect.bisect_right(entries, after, key=lambda x: x.order)  # entries are in `order`
    return [_entry(x) for x in entries[start:start + first]]


@strawberry.type(description="Something a supervisor should act on.")
class Alert:
    kind: AlertKind = strawberry.field(description="What it is about.")
    severity: AlertSeverity = strawberry.field(description="How urgent.")
    institution_key: str = strawberry.field(description="The institution concerned.")
    county_key: str = strawberry.field(description="Its county.")
    subject_key: str = strawberry.field(description="The licence's or corrective action's key (the institution's "
                                                    "for a visit).")
    on: Date | None = strawberry.field(description="The expiry, due date, renewal request or day the visit was "
                                                   "due; null when never visited.")
    on_jalali: str | None = jalali("on")
    message_en: str = strawberry.field(description="In English.")
    message_fa: str = strawberry.field(description="In Persian.")


@strawberry.type(description="The alerts of a scope on a day.")
class Alerts:
    as_of: Date = strawberry.field(description="The day they are for.")
    total: int = strawberry.field(description="All alerts, not only those listed.")
    high: int = strawberry.field(description="HIGH alerts.")
    items: list[Alert] = strawberry.field(description="A page of them, HIGH first.")


def allowed(info: strawberry.Info) -> frozenset[str] | None:
    principal = info.context.principal
    return principal.provinces if principal is not None and principal.scoped else None


def day(value: str | None, field: str) -> dt.date:
    return dt.date.fromisoformat(parse_date(value, field)) if value else dt.date.today()


async def read(info: strawberry.Info, key: str | None, field: str, wanted: frozenset[str]) -> tuple[Scope, Facts]:
    store = info.context.store
    scope = await scope_of(store, key, allowed(info), field)
    return scope, await facts(store, scope, wanted)


def _rank(r: rk.Ranked, inst: Facts_Institution) -> InstitutionRank:
    s = r.score
    return InstitutionRank(
        institution_key=inst.key, county_key=inst.county, key=inst.key, name_fa=inst.name_fa, name_en=inst.name_en,
        kind=e.InstitutionKind(inst.kind), rank=r.rank, score=s.score,
        grade=GradeBand(s.grade) if s.grade else None, confidence=RankingConfidence(s.confidence.value),
        total_weight=round(s.total_weight, 6), disagreement=s.disagreement, latest_self_score=s.latest_self,
        office_score=s.office_mean,
        contributions=[ScoreContribution(assessment=c.assessment, level=e.AssessmentLevel(c.level),
                                         date=Date(c.date.isoformat()), score=c.score, weight=round(c.weight, 6),
                                         share=round(c.share, 6)) for c in s.contributions])


def _entry(x: pl.Entry) -> PlanEntry:
    i = x.institution
    return PlanEntry(institution_key=i.key, county_key=i.county, order=x.order, key=i.key, name_fa=i.name_fa,
                     name_en=i.name_en, kind=e.InstitutionKind(i.kind), risk=x.risk, fits=x.fits,
                     last_visit=Date(x.last_visit.isoformat()) if x.last_visit else None,
                     reasons=[PlanReason(key=PlanReasonKey(w.reason.value), weight=w.weight, text_en=w.text_en,
                                         text_fa=w.text_fa) for w in x.reasons])


def alert(a: al.Alert) -> Alert:
    return Alert(kind=AlertKind(a.kind.value), severity=AlertSeverity(a.severity.value),
                 institution_key=a.institution.key, county_key=a.institution.county, subject_key=a.subject,
                 on=Date(a.on.isoformat()) if a.on else None, message_en=a.message_en, message_fa=a.message_fa)


def _count(value: int | None, field: str) -> None:
    if value is not None and not 0 <= value <= 10_000:
        raise ValidationFailed(f"{field} is out of range", [FieldError(field, "0 to 10000")])


@strawberry.type
class SupervisionQuery:
    @strawberry.field(description=RANKING, extensions=[requires(Right.SUPERVISE)])
    async def institution_ranking(
        self, info: strawberry.Info,
        scope: Annotated[str | None, arg(SCOPE)] = None,
        kind: Annotated[e.InstitutionKind | None, arg("Only institutions of this kind.")] = None,
        service: Annotated[str | None, arg("Only institutions offering this service (its key).")] = None,
        as_of: Annotated[Date | None, arg("The day the ranking is for (ISO or Solar Hijri; default today): "
                                          "later assessments are ignored, ages are counted to it.")] = None,
        first: Annotated[int, arg("Page size (1 to the maximum page size).")] = DEFAULT_PAGE_SIZE,
        after: Annotated[str | None, arg("A cursor: the page after it.")] = None,
    ) -> Connection[InstitutionRank]:
        largest = info.context.settings.limits.page
        if not 1 <= first <= largest:
            raise ValidationFailed("first is out of range", [FieldError("first", f"1 to {largest}")])
        position = decode_cursor(after, "after")
        if position is not None and position[0] != ORDER:
            raise ValidationFailed("invalid cursor", [FieldError("after", "not a cursor of this ranking")])
        on = day(as_of, "asOf")
        if service is not None:
            await filter_keys.check(info.context.store, [("service", service)], path=None)
        _, found = await read(info, scope, "scope",
                              frozenset({"assessments"} | ({"services"} if service is not None else set())))
        chosen = [i for i in found.institutions.values()
                  if (kind is None or i.kind == kind.value) and (service is None or service in i.services)]
        ranked = rk.rank([rk.score(i.key, i.assessments, on) for i in chosen])
        start = 0 if position is None else rk.resume(ranked, position[1][0], position[1][1])
        page = ranked[start:start + first]
        edges = [Edge(position=(r.score.score, r.score.key), order=ORDER,
                      node=_rank(r, found.institutions[r.score.key])) for r in page]
        info_ = PageInfo(first=edges[0].position if edges else None, last=edges[-1].position if edges else None,
                         order=ORDER, has_next_page=start + first < len(ranked), has_previous_page=start > 0)
        total = len(ranked)
        return Connection(page_info=info_, edges=edges, count_total=lambda: total)

    @strawberry.field(description=PLAN, extensions=[requires(Right.SUPERVISE)])
    async def supervision_plan(
        self, info: strawberry.Info,
        from_: Annotated[Date, strawberry.argument(name="from", description="The period's first day.")],
        until: Annotated[Date, arg("The period's last day (at most 366 days after `from`).")],
        province: Annotated[str | None, arg(SCOPE)] = None,
        inspectors: Annotated[int | None, arg("Inspectors available (0 to 10000).")] = None,
        visits_per_inspector_month: Annotated[int | None, arg("Visits one inspector makes a month "
                                                              "(0 to 10000).")] = None,
    ) -> SupervisionPlan:
        start, end = day(from_, "from"), day(until, "until")
        if end < start or (end - start).days >= MAX_PLAN_DAYS:
            raise ValidationFailed("the period is out of range", [FieldError(
                "until", f"on or after `from`, at most {MAX_PLAN_DAYS} days in all")])
        _count(inspectors, "inspectors")
        _count(visits_per_inspector_month, "visitsPerInspectorMonth")
        scope = await scope_of(info.context.store, province, allowed(info), "province")
        found = await facts(info.context.store, scope, pl.NEEDS, pl.licence_window(start, end))
        made = pl.plan(found, start, end, inspectors, visits_per_inspector_month)
        return SupervisionPlan(made=made, scope=scope, from_=Date(start.isoformat()), until=Date(end.isoformat()),
                               capacity=made.capacity, total=len(made.entries),
                               fitting=sum(1 for x in made.entries if x.fits))

    @strawberry.field(description=ALERTS, extensions=[requires(Right.SUPERVISE)])
    async def alerts(
        self, info: strawberry.Info,
        scope: Annotated[str | None, arg(SCOPE)] = None,
        as_of: Annotated[Date | None, arg("The day (ISO or Solar Hijri; default today).")] = None,
        first: Annotated[int, arg("How many to list (1 to the maximum page size); `total` counts all.")] = 100,
        after: Annotated[int, arg("Skip this many (the next page: the count seen so far).")] = 0,
    ) -> Alerts:
        largest = info.context.settings.limits.page
        if not 1 <= first <= largest:
            raise ValidationFailed("first is out of range", [FieldError("first", f"1 to {largest}")])
        if after < 0:
            raise ValidationFailed("after is out of range", [FieldError("after", "0 or more")])
        on = day(as_of, "asOf")
        _, found = await read(info, scope, "scope", al.NEEDS)
        every = al.alerts(found, on)
        return Alerts(as_of=Date(on.isoformat()), total=len(every),
                      high=sum(1 for a in every if a.severity is al.Severity.HIGH),
                      items=[alert(a) for a in every[after:after + first]])
