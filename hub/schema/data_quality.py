"""`dataQuality`: the data-quality findings of a scope (graph_model.quality), for data stewards.

Editors (WRITE) and supervisors (SUPERVISE) read it, and admins; a province-scoped key is narrowed
to its provinces and refused (FORBIDDEN) for another area, as supervision's fields are. Findings
that involve an individual donor (a duplicate donor, a donor without gifts, a gift's date) are
personal data: a caller without the PERSONAL right (a supervisor) never gets them, not even
counted, so neither `total`, `counts`, the order, a cursor nor a message tells they exist
(graph_model.quality.findings.visible). Cursors are sealed and bound to that view.
"""

from __future__ import annotations

import bisect
from enum import Enum
from typing import Annotated, Any

import strawberry

from graph_model.errors import FieldError, ValidationFailed
from graph_model.quality import findings as fd
from graph_model.quality.report import report
from hub.auth.access import requires
from hub.auth.principal import Right
from hub.schema.lists import DEFAULT_PAGE_SIZE, Connection, Edge, PageInfo, decode_cursor
from hub.schema.scalars import Date
from hub.schema.supervision import SCOPE, allowed, day

ORDER = "dataQuality"  # cursors are bound to it and to the caller's view (personal or not)

DESCRIPTION = (
    "Data-quality findings of a scope on a day (graph_model.quality): " + " ".join(
        f"{k.value} ({fd.SEVERITY[k].value}): {fd.DESCRIPTIONS[k]}" for k in fd.Kind)
    + " Each finding names the records involved, says what is wrong and suggests a fix, in English and Persian. "
    "Ordered by severity (HIGH first), kind, then keys. Editors, supervisors and admins; a province-scoped key "
    "sees its provinces only. Findings involving an individual donor are left out (not counted either) for a "
    "caller without the personal right. Donors are placed by province: a county's report has no donor finding. "
    "The same for a data steward: `hub quality`.")


def arg(text: str) -> Any:
    return strawberry.argument(description=text)


@strawberry.enum(description="What a data-quality finding is about.")
class DataQualityKind(Enum):
    DUPLICATE_INSTITUTION = strawberry.enum_value(
        "DUPLICATE_INSTITUTION", description=fd.DESCRIPTIONS[fd.Kind.DUPLICATE_INSTITUTION])
    DUPLICATE_DONOR = strawberry.enum_value("DUPLICATE_DONOR", description=fd.DESCRIPTIONS[fd.Kind.DUPLICATE_DONOR])
    INSTITUTION_WITHOUT_COORDINATES = strawberry.enum_value(
        "INSTITUTION_WITHOUT_COORDINATES", description=fd.DESCRIPTIONS[fd.Kind.INSTITUTION_WITHOUT_COORDINATES])
    INSTITUTION_WITHOUT_SERVICES = strawberry.enum_value(
        "INSTITUTION_WITHOUT_SERVICES", description=fd.DESCRIPTIONS[fd.Kind.INSTITUTION_WITHOUT_SERVICES])
    OFFER_WITHOUT_LICENCE = strawberry.enum_value(
        "OFFER_WITHOUT_LICENCE", description=fd.DESCRIPTIONS[fd.Kind.OFFER_WITHOUT_LICENCE])
    EXPIRED_LICENCE_ON_ACTIVE_SERVICE = strawberry.enum_value(
        "EXPIRED_LICENCE_ON_ACTIVE_SERVICE", description=fd.DESCRIPTIONS[fd.Kind.EXPIRED_LICENCE_ON_ACTIVE_SERVICE])
    DONOR_WITHOUT_DONATIONS = strawberry.enum_value(
        "DONOR_WITHOUT_DONATIONS", description=fd.DESCRIPTIONS[fd.Kind.DONOR_WITHOUT_DONATIONS])
    DATE_OUT_OF_RANGE = strawberry.enum_value(
        "DATE_OUT_OF_RANGE", description=fd.DESCRIPTIONS[fd.Kind.DATE_OUT_OF_RANGE])


@strawberry.enum(description="How much a data-quality finding matters.")
class DataQualitySeverity(Enum):
    HIGH = strawberry.enum_value("HIGH", description="The register is wrong about what is allowed (a service "
                                                     "offered without a licence in force).")
    MEDIUM = strawberry.enum_value("MEDIUM", description="A record is probably wrong (a duplicate, an "
                                                         "impossible date).")
    LOW = strawberry.enum_value("LOW", description="A record is incomplete.")


@strawberry.type(description="A record a finding involves.")
class DataQualitySubject:
    label: str = strawberry.field(description="Its kind: Institution, Donor, Service, Licence, Assessment, "
                                              "Donation or Event.")
    key: str = strawberry.field(description="Its key.")


@strawberry.type(description="One data-quality finding.")
class DataQualityFinding:
    id: str = strawberry.field(description="Stable while the records stay: the kind, the keys and the field.")
    kind: DataQualityKind = strawberry.field(description="What it is about.")
    severity: DataQualitySeverity = strawberry.field(description="How much it matters.")
    keys: list[str] = strawberry.field(description="The keys of the records involved.")
    subjects: list[DataQualitySubject] = strawberry.field(description="The records involved, with their kind.")
    field: str | None = strawberry.field(description="The property a date finding is about.")
    province_key: str | None = strawberry.field(description="The province it lies in (null: several, or a donor "
                                                            "placed in none).")
    county_key: str | None = strawberry.field(description="The county it lies in (null: a donor, or several).")
    message_en: str = strawberry.field(description="What is wrong, in English.")
    message_fa: str = strawberry.field(description="What is wrong, in Persian.")
    fix_en: str = strawberry.field(description="What to do about it, in English.")
    fix_fa: str = strawberry.field(description="What to do about it, in Persian.")


@strawberry.type(description="How many findings of one kind.")
class DataQualityCount:
    kind: DataQualityKind = strawberry.field(description="The kind.")
    severity: DataQualitySeverity = strawberry.field(description="Its severity.")
    count: int = strawberry.field(description="Findings of it in the scope (whatever `kinds` asks for).")


@strawberry.type(description="The data-quality report of a scope.")
class DataQualityReport:
    as_of: Date = strawberry.field(description="The day it is for (dates after it are in the future).")
    total: int = strawberry.field(description="All findings of the scope, of every kind.")
    counts: list[DataQualityCount] = strawberry.field(description="Every kind with its count (zeros too).")
    findings: Connection[DataQualityFinding] = strawberry.field(
        description="The findings of the kinds asked for, a page at a time.")


def finding(f: fd.Finding) -> DataQualityFinding:
    return DataQualityFinding(
        id=f.id, kind=DataQualityKind(f.kind.value), severity=DataQualitySeverity(f.severity.value),
        keys=list(f.keys), subjects=[DataQualitySubject(label=label, key=key) for label, key in f.subjects],
        field=f.field or None, province_key=f.province, county_key=f.county, message_en=f.message_en,
        message_fa=f.message_fa, fix_en=f.fix_en, fix_fa=f.fix_fa)


@strawberry.type
class DataQualityQuery:
    @strawberry.field(description=DESCRIPTION, extensions=[requires(Right.WRITE, also=[Right.SUPERVISE])])
    async def data_quality(
        self, info: strawberry.Info,
        scope: Annotated[str | None, arg(SCOPE)] = None,
        kinds: Annotated[list[DataQualityKind] | None, arg("Only findings of these kinds (all when left out).")] = None,
        as_of: Annotated[Date | None, arg("The day (ISO or Solar Hijri; default today): what lies after it is "
                                          "in the future.")] = None,
        first: Annotated[int, arg("Page size (1 to the maximum page size).")] = DEFAULT_PAGE_SIZE,
        after: Annotated[str | None, arg("A cursor: the page after it.")] = None,
    ) -> DataQualityReport:
        largest = info.context.settings.limits.page
        if not 1 <= first <= largest:
            raise ValidationFailed("first is out of range", [FieldError("first", f"1 to {largest}")])
        personal = info.context.visibility.personal
        order = f"{ORDER}:{'personal' if personal else 'public'}"
        position = decode_cursor(after, "after")
        if position is not None and position[0] != order:
            raise ValidationFailed("invalid cursor", [FieldError("after", "not a cursor of this report")])
        on = day(as_of, "asOf")
        _, every = await report(info.context.store, scope, allowed(info), on)
        seen = fd.visible(every, personal)
        wanted = {k.name for k in kinds} if kinds else None  # names are the values
        chosen = [f for f in seen if wanted is None or f.kind.value in wanted]
        start = 0 if position is None else bisect.bisect_right([f.sort_key for f in chosen], position[1][0])
        page = chosen[start:start + first]
        edges = [Edge(position=(f.sort_key, f.id), order=order, node=finding(f)) for f in page]
        page_info = PageInfo(first=edges[0].position if edges else None, last=edges[-1].position if edges else None,
                             order=order, has_next_page=start + first < len(chosen), has_previous_page=start > 0)
        total = len(chosen)
        counts = [DataQualityCount(kind=DataQualityKind(k.value), severity=DataQualitySeverity(fd.SEVERITY[k].value),
                                   count=sum(1 for f in seen if f.kind is k)) for k in fd.Kind]
        return DataQualityReport(as_of=Date(on.isoformat()), total=len(seen), counts=counts,
                                 findings=Connection(page_info=page_info, edges=edges, count_total=lambda: total))
