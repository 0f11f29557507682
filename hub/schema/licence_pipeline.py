"""`licencePipeline`: the licence register as a supervisor works it (graph_model.licence_pipeline).

Supervisors and admins hold the right (Right.SUPERVISE). A province-scoped key sees its own
provinces: asking for another is FORBIDDEN, asking for none gives all of its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from graph_model import licence_pipeline as pipeline
from graph_model.errors import FieldError, Forbidden, NotFound, ValidationFailed
from graph_model.statements.provinces_of import PROVINCE_KEYS
from hub.analytics.overview import today_in_iran
from hub.auth.access import requires
from hub.auth.principal import Right
from hub.execution.context import Info
from hub.schema import enums as e
from hub.schema.fields import jalali
from hub.schema.scalars import Date

MAX_FIRST = 500
FIRST = "How many to list (0 to 500, default 20); `total` counts them all."


def arg(text: str) -> object:
    return strawberry.argument(description=text)


def _first(first: int) -> int:
    if not 0 <= first <= MAX_FIRST:
        raise ValidationFailed("first out of range", [FieldError("first", f"must be 0 to {MAX_FIRST}")])
    return first


@strawberry.type(description="A licence in one of the pipeline's lists; the fields that list is about are set, "
                             "the others null.")
class PipelineLicence:
    key: str = strawberry.field(description="The licence's key.")
    number: str | None = strawberry.field(description="Licence number.")
    status: e.LicenceStatus = strawberry.field(description="Its current status.")
    licence_type: str | None = strawberry.field(description="Its licence type's key.")
    institution: str = strawberry.field(description="The holder's key.")
    institution_name_fa: str | None = strawberry.field(description="The holder's Persian name.")
    institution_name_en: str | None = strawberry.field(description="The holder's English name.")
    province: str = strawberry.field(description="The holder's province.")
    issued_on: Date | None = strawberry.field(description="Issue date.")
    expires_on: Date | None = strawberry.field(description="Expiry date.")
    expires_on_jalali: str | None = jalali("expires_on")
    deadline: Date | None = strawberry.field(description="An agreement in principle: the day it lapsed (issuedOn "
                                                         "plus its type's validityYears).")
    days_overdue: int | None = strawberry.field(description="An agreement in principle: days from its deadline "
                                                            "to asOf.")
    days_left: int | None = strawberry.field(description="An expiring licence: days from asOf to its expiry.")
    renewal_requested_on: Date | None = strawberry.field(description="A pending renewal: when it was requested.")
    days_waiting: int | None = strawberry.field(description="A pending renewal: days from the request to asOf.")
    suspended_since: Date | None = strawberry.field(description="A suspended licence: the day of its latest "
                                                                "recorded suspension (null if none is recorded).")
    suspended_since_jalali: str | None = jalali("suspended_since")
    days_suspended: int | None = strawberry.field(description="A suspended licence: days from then to asOf.")
    reason: str | None = strawberry.field(description="A suspended licence: why, as recorded.")
    suspended_by: str | None = strawberry.field(description="A suspended licence: who suspended it.")


def _item(x: pipeline.PipelineLicence) -> PipelineLicence:
    values = {name: getattr(x, name) for name in x.__dataclass_fields__}
    return PipelineLicence(**{**values, "status": e.LicenceStatus(x.status)})


@strawberry.type(description="One list of the pipeline: its first items and how many there are in all.")
class PipelineList:
    total: int = strawberry.field(description="How many licences the list holds in all.")
    items: list[PipelineLicence] = strawberry.field(description="The first of them, in the list's order.")


def _list(items: list[pipeline.PipelineLicence], first: int) -> PipelineList:
    return PipelineList(total=len(items), items=[_item(x) for x in items[:_first(first)]])


@strawberry.type(description="How long renewals took in a province: the median days from the application "
                             "(RENEWAL_REQUESTED) to the renewal (RENEWED), over the renewals up to asOf.")
class ProvinceRenewalTime:
    province: str = strawberry.field(description="The province's key.")
    name_fa: str | None = strawberry.field(description="Its Persian name.")
    name_en: str | None = strawberry.field(description="Its English name.")
    median_days: float = strawberry.field(description="Median days from application to renewal.")
    renewals: int = strawberry.field(description="How many renewals the median is over.")


@strawberry.type(description="Licences per stage and the lists a supervisor works through (see `licencePipeline`).")
class LicencePipeline:
    _data: strawberry.Private[pipeline.Pipeline]
    as_of: Date = strawberry.field(description="The day windows and waits are measured from.")
    provinces: list[str] | None = strawberry.field(description="The provinces covered (null: the country).")

    @strawberry.field(description="Licences now AGREEMENT_IN_PRINCIPLE (lapsed or not; see overdueAgreements).")
    def agreements_in_principle(self) -> int:
        return self._data.by_status.get("AGREEMENT_IN_PRINCIPLE", 0)

    @strawberry.field(description="Operating licences now ACTIVE.")
    def active(self) -> int:
        return self._data.by_status.get("ACTIVE", 0)

    @strawberry.field(description="SUSPENDED licences.")
    def suspended_count(self) -> int:
        return self._data.by_status.get("SUSPENDED", 0)

    @strawberry.field(description="EXPIRED licences.")
    def expired(self) -> int:
        return self._data.by_status.get("EXPIRED", 0)

    @strawberry.field(description="REVOKED licences.")
    def revoked(self) -> int:
        return self._data.by_status.get("REVOKED", 0)

    @strawberry.field(description="ACTIVE licences expiring within 30 days of asOf (asOf included).")
    def expiring_within_30(self) -> int:
        return len(self._data.expiring_within(30))

    @strawberry.field(description="ACTIVE licences expiring within 60 days of asOf (the 30 included).")
    def expiring_within_60(self) -> int:
        return len(self._data.expiring_within(60))

    @strawberry.field(description="ACTIVE licences expiring within 90 days of asOf (the 60 included).")
    def expiring_within_90(self) -> int:
        return len(self._data.expiring_within(90))

    @strawberry.field(description="Agreements in principle not converted within their validity: still "
                                  "AGREEMENT_IN_PRINCIPLE on asOf although issuedOn plus their type's "
                                  "validityYears is on or before asOf (a type with no validity never lapses). "
                                  "Longest overdue first.")
    def overdue_agreements(self, first: Annotated[int, arg(FIRST)] = 20) -> PipelineList:
        return _list(self._data.overdue_agreements, first)

    @strawberry.field(description="ACTIVE licences whose expiry falls from asOf to asOf plus `withinDays`, soonest "
                                  "first.")
    def expiring(self, within_days: Annotated[int, arg("30, 60 or 90 (default 90).")] = 90,
                 first: Annotated[int, arg(FIRST)] = 20) -> PipelineList:
        if within_days not in pipeline.WINDOWS:
            raise ValidationFailed("withinDays is 30, 60 or 90", [FieldError("withinDays", "must be 30, 60 or 90")])
        return _list(self._data.expiring_within(within_days), first)

    @strawberry.field(description="Renewals applied for (renewalRequestedOn on or before asOf) and not yet "
                                  "granted, on ACTIVE or EXPIRED licences; longest wait first.")
    def renewals_pending(self, first: Annotated[int, arg(FIRST)] = 20) -> PipelineList:
        return _list(self._data.renewals_pending, first)

    @strawberry.field(description="SUSPENDED licences with the day and reason of their latest recorded "
                                  "suspension; suspended longest first.")
    def suspended(self, first: Annotated[int, arg(FIRST)] = 20) -> PipelineList:
        return _list(self._data.suspended, first)

    @strawberry.field(description="Per province, the median days from application to renewal and the number of "
                                  "renewals it is over (provinces with none left out).")
    def renewal_times(self) -> list[ProvinceRenewalTime]:
        return [ProvinceRenewalTime(province=t.province, name_fa=t.name_fa, name_en=t.name_en,
                                    median_days=t.median_days, renewals=t.renewals) for t in self._data.renewal_times]


async def _scope(info: Info, province: str | None) -> tuple[str, ...] | None:
    """The provinces asked for, within the caller's: a scoped key asking outside them is refused."""
    principal = info.context.principal
    scoped = principal is not None and principal.scoped
    if province is not None:
        if scoped and principal is not None and province not in principal.provinces:
            raise Forbidden(f"this key may read the licence pipeline of {', '.join(sorted(principal.provinces))} "
                            f"only, not {province}")
        if not await info.context.store.read(PROVINCE_KEYS, keys=[province]):
            raise NotFound(f"no Province with key {province!r}", [FieldError("province", "no such province")])
        return (province,)
    return tuple(sorted(principal.provinces)) if scoped and principal is not None else None


@strawberry.type
class LicencePipelineQuery:
    @strawberry.field(description=(
        "The licence pipeline of a province (or the country, or a scoped key's own provinces): licences per stage, "
        "agreements in principle past their validity, operating licences expiring within 30/60/90 days, renewals "
        "pending and for how long, suspended licences with since when and why (from each licence's recorded "
        "`changes`), and per province the median days from application to renewal. Statuses are current; asOf "
        "is the day windows and waits are measured from. Needs the supervise right (supervisors, admins); a "
        "province-scoped key reads only its provinces (another: FORBIDDEN)."),
        extensions=[requires(Right.SUPERVISE)])
    async def licence_pipeline(
        self, info: Info,
        province: Annotated[str | None, arg("A province's key; the country (or a scoped key's provinces) when "
                                            "left out.")] = None,
        as_of: Annotated[Date | None, arg("The day to measure from (ISO or Solar Hijri); today in Iran when left "
                                          "out.")] = None,
    ) -> LicencePipeline:
        provinces = await _scope(info, province)
        day = dt.date.fromisoformat(as_of) if as_of else today_in_iran()
        data = await pipeline.licence_pipeline(info.context.store, as_of=day, provinces=provinces)
        return LicencePipeline(_data=data, as_of=Date(day.isoformat()),
                               provinces=None if provinces is None else list(provinces))
