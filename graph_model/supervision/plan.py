"""The supervision plan: which institutions are due an office visit in a period, why, and in what order.

Plain Python over the facts of a scope (graph_model.supervision.reading). An office visit is an
assessment at COUNTY, PROVINCIAL or NATIONAL level. History is read as of the period's first day
(``start``). An institution is due when at least one reason holds:

============================  ======  =================================================================
reason                        weight  when
============================  ======  =================================================================
NEVER_VISITED                 40      no office visit ever
VISIT_INTERVAL_PASSED         20      the last visit plus the interval for its kind falls on or before
                                      the period's last day (24-hour residential kinds RESIDENTIAL_CARE,
                                      DISABLED_ELDERLY_CARE, ADDICTION_TREATMENT every 6 months, others 12)
LOW_SCORE                     25      its ranking score is below grade C (50)
FALLING_SCORE                 15      its last office score is 15 or more points below the one before
OVERDUE_ACTIONS               10 each open corrective actions due before the period (at most 30)
LICENCE_EXPIRING              15      an ACTIVE licence expires within the period or the 90 days from
                                      its start, whichever is longer
OPEN_COMPLAINTS               10 each open complaints received by the period's end (at most 30)
============================  ======  =================================================================

Risk = the sum of the weights of its reasons, x 1.5 for the 24-hour residential kinds (people live
there). Entries are ordered by risk (descending), then key; the capacity is inspectors x visits per
inspector per month x the period's days / 30 (rounded down): the first ``capacity`` entries fit,
the rest are marked as not fitting, never dropped.
"""

from __future__ import annotations

import calendar
import functools
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from graph_model.supervision import ranking
from graph_model.supervision.reading import Assessment, Facts, Institution

RESIDENTIAL = frozenset({"RESIDENTIAL_CARE", "DISABLED_ELDERLY_CARE", "ADDICTION_TREATMENT"})
RESIDENTIAL_MONTHS = 6
OTHER_MONTHS = 12
RESIDENTIAL_FACTOR = 1.5
FALL_POINTS = 15.0
EXPIRY_DAYS = 90
MAX_PER_COUNT = 30
LOW_BELOW = 50.0  # grade C's floor (graph_model.supervision.ranking.GRADES)


class Reason(str, Enum):
    NEVER_VISITED = "NEVER_VISITED"
    VISIT_INTERVAL_PASSED = "VISIT_INTERVAL_PASSED"
    LOW_SCORE = "LOW_SCORE"
    FALLING_SCORE = "FALLING_SCORE"
    OVERDUE_ACTIONS = "OVERDUE_ACTIONS"
    LICENCE_EXPIRING = "LICENCE_EXPIRING"
    OPEN_COMPLAINTS = "OPEN_COMPLAINTS"


WEIGHTS = {Reason.NEVER_VISITED: 40, Reason.VISIT_INTERVAL_PASSED: 20, Reason.LOW_SCORE: 25,
           Reason.FALLING_SCORE: 15, Reason.OVERDUE_ACTIONS: 10, Reason.LICENCE_EXPIRING: 15,
           Reason.OPEN_COMPLAINTS: 10}


# Each reason in words, English then Persian; ``Why.args`` fill the blanks. Worded when asked for (a
# national plan holds some 20,000 entries, of which a page is shown).
TEXTS: dict[Reason, tuple[str, str]] = {
    Reason.NEVER_VISITED: ("never visited by a county, provincial or national office",
                           "تاکنون هیچ بازدید اداره شهرستان، استان یا ستاد ملی نداشته است"),
    Reason.VISIT_INTERVAL_PASSED: ("last office visit on {0}; its kind is visited every {1} months, so it was due "
                                   "by {2}", "آخرین بازدید اداره در {0}؛ این نوع مرکز هر {1} ماه بازدید می‌شود و "
                                             "موعد آن {2} بود"),
    Reason.FALLING_SCORE: ("office score fell from {0:g} to {1:g}", "امتیاز بازدید اداره از {0:g} به {1:g} کاهش یافت"),
    Reason.LOW_SCORE: ("score {0:g} is below grade C (50)", "امتیاز {0:g} کمتر از رتبه C (۵۰) است"),
    Reason.OVERDUE_ACTIONS: ("{0} open corrective action(s) past due (the oldest due {1})",
                             "{0} اقدام اصلاحی باز که موعدش گذشته (قدیمی‌ترین: {1})"),
    Reason.LICENCE_EXPIRING: ("licence {0} expires on {1}", "مجوز {0} در تاریخ {1} منقضی می‌شود"),
    Reason.OPEN_COMPLAINTS: ("{0} open complaint(s)", "{0} شکایت رسیدگی‌نشده"),
}


class Why(NamedTuple):  # NamedTuples: a national plan makes ~20,000 entries and ~25,000 reasons
    reason: Reason
    weight: float
    args: tuple[object, ...] = ()

    @property
    def text_en(self) -> str:
        return TEXTS[self.reason][0].format(*self.args)

    @property
    def text_fa(self) -> str:
        return TEXTS[self.reason][1].format(*self.args)


class Entry(NamedTuple):
    institution: Institution
    risk: float
    reasons: tuple[Why, ...]
    last_visit: dt.date | None
    fits: bool
    order: int  # 1-based place in the plan


@dataclass(frozen=True)
class Plan:
    start: dt.date
    until: dt.date
    capacity: int | None
    entries: tuple[Entry, ...]


@functools.lru_cache(maxsize=8192)  # the plan asks it for ~11,000 last visits over a few thousand days
def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def interval_months(kind: str) -> int:
    return RESIDENTIAL_MONTHS if kind in RESIDENTIAL else OTHER_MONTHS


def office_visits(inst: Institution, on_or_before: dt.date) -> list[Assessment]:
    return [a for a in inst.assessments if a.level in ranking.OFFICE_LEVELS and a.date <= on_or_before]


# The facts a plan reads (graph_model.supervision.reading.facts), licences only those expiring in its window.
NEEDS = frozenset({"scores", "actions", "complaints"})


def licence_window(start: dt.date, until: dt.date) -> tuple[dt.date, dt.date]:
    """The days an expiring licence makes an institution due: the period, or 90 days from its start if longer."""
    return start, max(until, start + dt.timedelta(days=EXPIRY_DAYS))


def capacity(inspectors: int | None, per_month: int | None, start: dt.date, until: dt.date) -> int | None:
    if inspectors is None or per_month is None:
        return None
    return inspectors * per_month * ((until - start).days + 1) // 30


def reasons(inst: Institution, start: dt.date, until: dt.date, visits: list[Assessment] | None = None,
            window: tuple[dt.date, dt.date] | None = None, recency: ranking.Recency | None = None) -> list[Why]:
    """Why ``inst`` is due a visit in the period (empty: it is not); ``visits`` (its office visits up to
    ``start``), ``window`` (licence_window) and ``recency`` (the weights as of ``start``) when the caller
    has them."""
    found: list[Why] = []
    visits = office_visits(inst, start) if visits is None else visits
    if not visits:
        found.append(Why(Reason.NEVER_VISITED, WEIGHTS[Reason.NEVER_VISITED]))
    else:
        last = visits[-1].date
        months = interval_months(inst.kind)
        due = add_months(last, months)
        if due <= until:
            found.append(Why(Reason.VISIT_INTERVAL_PASSED, WEIGHTS[Reason.VISIT_INTERVAL_PASSED],
                             (last, months, due)))  # days shown as ISO when worded
        if len(visits) >= 2 and visits[-2].score - visits[-1].score >= FALL_POINTS:
            found.append(Why(Reason.FALLING_SCORE, WEIGHTS[Reason.FALLING_SCORE],
                             (visits[-2].score, visits[-1].score)))
    value = ranking.mean(inst.assessments, start, recency) if inst.assessments else None
    if value is not None and value < LOW_BELOW:
        found.append(Why(Reason.LOW_SCORE, WEIGHTS[Reason.LOW_SCORE], (value,)))
    if inst.open_actions:
        overdue = [a for a in inst.open_actions if a.due_on < start]
        if overdue:
            found.append(Why(Reason.OVERDUE_ACTIONS,
                             min(MAX_PER_COUNT, WEIGHTS[Reason.OVERDUE_ACTIONS] * len(overdue)),
                             (len(overdue), overdue[0].due_on)))
    if inst.licences:
        first, last_day = licence_window(start, until) if window is None else window
        expiring = [x for x in inst.licences if x.status == "ACTIVE" and x.expires_on is not None
                    and first <= x.expires_on <= last_day]
        if expiring:
            x = min(expiring, key=lambda x: (x.expires_on or start, x.key))
            found.append(Why(Reason.LICENCE_EXPIRING, WEIGHTS[Reason.LICENCE_EXPIRING],
                             (x.key, str(x.expires_on))))
    if inst.open_complaints:
        complaints = [k for k, received in inst.open_complaints if received <= until]
        if complaints:
            found.append(Why(Reason.OPEN_COMPLAINTS,
                             min(MAX_PER_COUNT, WEIGHTS[Reason.OPEN_COMPLAINTS] * len(complaints)),
                             (len(complaints),)))
    return found


def plan(facts: Facts, start: dt.date, until: dt.date, inspectors: int | None = None,
         per_month: int | None = None) -> Plan:
    """The plan of the period ``start``..``until`` (both inclusive) for the scope of ``facts``."""
    due: list[tuple[float, Institution, list[Why], dt.date | None]] = []
    window = licence_window(start, until)
    recency = ranking.Recency(start)
    for inst in facts.institutions.values():
        visits = office_visits(inst, start)
        why = reasons(inst, start, until, visits, window, recency)
        if why:
            factor = RESIDENTIAL_FACTOR if inst.kind in RESIDENTIAL else 1.0
            due.append((sum(w.weight for w in why) * factor, inst, why, visits[-1].date if visits else None))
    due.sort(key=lambda d: (-d[0], d[1].key))
    room = capacity(inspectors, per_month, start, until)
    entries = tuple(Entry(inst, risk, tuple(why), last, room is None or n < room, n + 1)
                    for n, (risk, inst, why, last) in enumerate(due))
    return Plan(start, until, room, entries)


def by_county(entries: Sequence[Entry]) -> list[tuple[str, list[Entry]]]:
    """The entries grouped by county, each group in plan order, groups by their riskiest entry."""
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        groups.setdefault(e.institution.county, []).append(e)
    return sorted(groups.items(), key=lambda g: (g[1][0].order, g[0]))
