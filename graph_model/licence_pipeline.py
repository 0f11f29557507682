"""The licence pipeline: where every licence in a scope stands, on a given day.

What supervisors ask of the register (issue 19, item 4): which agreements in principle
(موافقت اصولی) lapsed without becoming operating licences, which operating licences expire in
the next 30, 60 or 90 days, which renewals wait and for how long, which licences are suspended,
since when and why, and how long renewals take in each province.

Statuses are the licences' current ones; ``as_of`` is the day windows and waits are measured
from (a supervisor planning next month asks with a later day). The day a suspension began and
its reason, and the time from application to renewal, come from the licence's recorded history
(LicenceChange, graph_model.mutations.licences): the register alone cannot answer them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph_model.enums import LicenceChangeKind, LicenceStatus
from graph_model.mutations.licences import add_years
from graph_model.statements.licence_pipeline import CANDIDATES, RENEWAL_STEPS, STATUS_COUNTS, SUSPENSIONS
from graph_model.stores.base import GraphStore

WINDOWS = (30, 60, 90)  # days ahead an operating licence's expiry is flagged
S = LicenceStatus
K = LicenceChangeKind


@dataclass(frozen=True)
class PipelineLicence:
    """One licence in a list, with what that list says about it (the other fields None)."""

    key: str
    number: str | None
    status: str
    licence_type: str | None
    institution: str
    institution_name_fa: str | None
    institution_name_en: str | None
    province: str
    issued_on: str | None
    expires_on: str | None
    deadline: str | None = None  # an agreement in principle: the last day of its validity
    days_overdue: int | None = None
    days_left: int | None = None  # an expiring licence: days from as_of to its expiry
    renewal_requested_on: str | None = None
    days_waiting: int | None = None  # a pending renewal: days from the request to as_of
    suspended_since: str | None = None
    days_suspended: int | None = None
    reason: str | None = None  # why it was suspended
    suspended_by: str | None = None


@dataclass(frozen=True)
class RenewalTime:
    """How long renewals took in one province: the median days from application to renewal."""

    province: str
    name_fa: str | None
    name_en: str | None
    median_days: float
    renewals: int


@dataclass(frozen=True)
class Pipeline:
    as_of: dt.date
    provinces: tuple[str, ...] | None  # None: the whole country
    by_status: dict[str, int]
    overdue_agreements: list[PipelineLicence]
    expiring: list[PipelineLicence]  # within the longest window, soonest first
    renewals_pending: list[PipelineLicence]  # longest wait first
    suspended: list[PipelineLicence]  # longest suspended first
    renewal_times: list[RenewalTime] = field(default_factory=list)

    def expiring_within(self, days: int) -> list[PipelineLicence]:
        return [x for x in self.expiring if x.days_left is not None and x.days_left <= days]


def _days(start: str, end: str) -> int:
    return (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days


def _base(row: dict[str, Any]) -> dict[str, Any]:
    return {"key": row["key"], "number": row["number"], "status": row["status"], "licence_type": row["licenceType"],
            "institution": row["institution"], "institution_name_fa": row["institutionNameFa"],
            "institution_name_en": row["institutionNameEn"], "province": row["province"],
            "issued_on": row["issuedOn"], "expires_on": row["expiresOn"]}


def deadline_of(issued_on: str | None, validity_years: int | None) -> str | None:
    """The day an agreement in principle lapses: issuedOn plus its type's validityYears (the
    anniversary; none when either is missing)."""
    if issued_on is None or not validity_years:
        return None
    return add_years(issued_on, validity_years)


def renewal_times(rows: list[dict[str, Any]]) -> list[RenewalTime]:
    """Each RENEWED paired with the first RENEWAL_REQUESTED after the previous renewal (the
    application it answered); a renewal with no application recorded counts for nothing. The
    median of the days between, per province."""
    steps: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names: dict[str, tuple[str | None, str | None]] = {}
    province_of: dict[str, str] = {}
    for row in rows:
        steps[row["licence"]].append(row)
        province_of[row["licence"]] = row["province"]
        names[row["province"]] = (row["nameFa"], row["nameEn"])
    waits: dict[str, list[int]] = defaultdict(list)
    for licence, changes in steps.items():
        applied: str | None = None
        for change in sorted(changes, key=lambda c: (c["on"], c["key"])):
            if change["change"] == K.RENEWAL_REQUESTED.value:
                applied = applied or change["on"]
            elif applied is not None:
                waits[province_of[licence]].append(_days(applied, change["on"]))
                applied = None
    return [RenewalTime(p, *names[p], float(statistics.median(w)), len(w)) for p, w in sorted(waits.items())]


async def licence_pipeline(store: GraphStore, *, as_of: dt.date, provinces: tuple[str, ...] | None) -> Pipeline:
    """The pipeline of the licences held in ``provinces`` (None: the country) on ``as_of``."""
    day = as_of.isoformat()
    scope = None if provinces is None else list(provinces)
    counts = {r["status"]: int(r["licences"]) for r in await store.read(STATUS_COUNTS, provinces=scope)}
    rows = await store.read(CANDIDATES, provinces=scope, asOf=day, active=S.ACTIVE.value,
                            listed=[S.AGREEMENT_IN_PRINCIPLE.value, S.SUSPENDED.value],
                            until=(as_of + dt.timedelta(days=max(WINDOWS))).isoformat())
    overdue, expiring, pending, suspended_rows = [], [], [], []
    for row in rows:
        status = row["status"]
        if status == S.AGREEMENT_IN_PRINCIPLE.value:
            deadline = deadline_of(row["issuedOn"], row["validityYears"])
            if deadline is not None and deadline <= day:
                overdue.append(PipelineLicence(**_base(row), deadline=deadline, days_overdue=_days(deadline, day)))
        if status == S.ACTIVE.value and row["expiresOn"] is not None and day <= row["expiresOn"]:
            left = _days(day, row["expiresOn"])
            if left <= max(WINDOWS):
                expiring.append(PipelineLicence(**_base(row), days_left=left))
        requested = row["renewalRequestedOn"]
        if requested is not None and status in (S.ACTIVE.value, S.EXPIRED.value) and requested <= day:
            pending.append(PipelineLicence(**_base(row), renewal_requested_on=requested,
                                           days_waiting=_days(requested, day)))
        if status == S.SUSPENDED.value:
            suspended_rows.append(row)
    latest: dict[str, dict[str, Any]] = {}
    if suspended_rows:
        for change in await store.read(SUSPENSIONS, keys=[r["key"] for r in suspended_rows],
                                         change=K.SUSPENDED.value):
            held = latest.get(change["licence"])
            if held is None or (change["on"], change["change"]) > (held["on"], held["change"]):
                latest[change["licence"]] = change
    suspended = []
    for row in suspended_rows:
        change = latest.get(row["key"], {})
        since = change.get("on")
        suspended.append(PipelineLicence(**_base(row), suspended_since=since, reason=change.get("reason"),
                                         suspended_by=change.get("by"),
                                         days_suspended=None if since is None else _days(since, day)))
    steps = await store.read(RENEWAL_STEPS, provinces=scope, asOf=day,
                             changes=[K.RENEWAL_REQUESTED.value, K.RENEWED.value])
    return Pipeline(
        as_of=as_of, provinces=provinces, by_status=counts,
        overdue_agreements=sorted(overdue, key=lambda x: (-(x.days_overdue or 0), x.key)),
        expiring=sorted(expiring, key=lambda x: (x.days_left or 0, x.key)),
        renewals_pending=sorted(pending, key=lambda x: (-(x.days_waiting or 0), x.key)),
        # Unknown start (no suspension recorded) last: it cannot be said how long.
        suspended=sorted(suspended, key=lambda x: (x.suspended_since is None, x.suspended_since or "", x.key)),
        renewal_times=renewal_times(steps))
