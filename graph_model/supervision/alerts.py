"""Alerts: what a supervisor should act on today, as data (the API, a CSV export, ``hub alerts``).

Plain Python over the facts of a scope (graph_model.supervision.reading), on a day ``as_of``:

- LICENCE_EXPIRING: an ACTIVE licence expiring within 30 days (HIGH) or 90 days (MEDIUM).
- LICENCE_EXPIRED_IN_SERVICE: a licence whose expiry has passed while its institution still offers
  services and holds no licence in force (HIGH).
- RENEWAL_PENDING: a renewal requested more than 90 days ago and not yet decided (the licence still
  carries ``renewalRequestedOn``; MEDIUM; HIGH past 180 days).
- ACTION_OVERDUE: an open corrective action past its due date (MEDIUM; HIGH past 60 days).
- VISIT_OVERDUE: the last office visit plus the interval for its kind (graph_model.supervision.plan:
  6 months for the 24-hour residential kinds, 12 for others) has passed (MEDIUM), or there never was
  an office visit (HIGH for the residential kinds, MEDIUM for others).

Ordered by severity (HIGH first), kind, institution key and subject key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from graph_model.supervision import plan
from graph_model.supervision.reading import Facts, Institution

SOON_DAYS = 30
EXPIRY_DAYS = 90
ACTION_HIGH_DAYS = 60
RENEWAL_DAYS = 90
RENEWAL_HIGH_DAYS = 180


# The facts alerts read (graph_model.supervision.reading.facts).
NEEDS = frozenset({"services", "assessments", "licences", "actions"})


class Severity(str, Enum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"


class AlertKind(str, Enum):
    LICENCE_EXPIRING = "LICENCE_EXPIRING"
    LICENCE_EXPIRED_IN_SERVICE = "LICENCE_EXPIRED_IN_SERVICE"
    RENEWAL_PENDING = "RENEWAL_PENDING"
    ACTION_OVERDUE = "ACTION_OVERDUE"
    VISIT_OVERDUE = "VISIT_OVERDUE"


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    severity: Severity
    institution: Institution
    subject: str  # the licence's or corrective action's key; the institution's for a visit
    on: dt.date | None  # the expiry, the due date, the day the visit was due (None: never visited)
    message_en: str
    message_fa: str


def _in_force(inst: Institution, as_of: dt.date) -> bool:
    return any(x.status == "ACTIVE" and (x.expires_on is None or x.expires_on >= as_of) for x in inst.licences)


def of_institution(inst: Institution, as_of: dt.date) -> list[Alert]:
    found: list[Alert] = []
    for x in inst.licences:
        if x.expires_on is None:
            continue
        days = (x.expires_on - as_of).days
        if x.status == "ACTIVE" and 0 <= days <= EXPIRY_DAYS:
            found.append(Alert(AlertKind.LICENCE_EXPIRING, Severity.HIGH if days <= SOON_DAYS else Severity.MEDIUM,
                               inst, x.key, x.expires_on,
                               f"licence {x.key} of {inst.name_en} expires in {days} days ({x.expires_on})",
                               f"مجوز {x.key} {inst.name_fa} تا {days} روز دیگر ({x.expires_on}) منقضی می‌شود"))
        elif days < 0 and x.status in ("ACTIVE", "EXPIRED") and inst.services and not _in_force(inst, as_of):
            found.append(Alert(AlertKind.LICENCE_EXPIRED_IN_SERVICE, Severity.HIGH, inst, x.key, x.expires_on,
                               f"licence {x.key} of {inst.name_en} expired on {x.expires_on} but it still offers "
                               f"{len(inst.services)} service(s)",
                               f"مجوز {x.key} {inst.name_fa} در {x.expires_on} منقضی شده ولی هنوز "
                               f"{len(inst.services)} خدمت ارائه می‌کند"))
    for x in inst.licences:
        asked = x.renewal_requested_on
        waited = (as_of - asked).days if asked is not None else 0
        if asked is not None and x.status in ("ACTIVE", "SUSPENDED") and waited > RENEWAL_DAYS:
            found.append(Alert(AlertKind.RENEWAL_PENDING,
                               Severity.HIGH if waited > RENEWAL_HIGH_DAYS else Severity.MEDIUM, inst, x.key, asked,
                               f"the renewal of licence {x.key} of {inst.name_en} was requested on {asked} and is "
                               f"still pending after {waited} days",
                               f"تمدید مجوز {x.key} {inst.name_fa} در {asked} درخواست شده و پس از {waited} روز "
                               f"هنوز در جریان است"))
    for a in inst.open_actions:
        late = (as_of - a.due_on).days
        if late > 0:
            found.append(Alert(AlertKind.ACTION_OVERDUE, Severity.HIGH if late > ACTION_HIGH_DAYS else Severity.MEDIUM,
                               inst, a.key, a.due_on,
                               f"corrective action {a.key} of {inst.name_en} is {late} days overdue (due {a.due_on})",
                               f"اقدام اصلاحی {a.key} {inst.name_fa} {late} روز از موعدش ({a.due_on}) گذشته است"))
    visits = plan.office_visits(inst, as_of)
    residential = inst.kind in plan.RESIDENTIAL
    if not visits:
        found.append(Alert(AlertKind.VISIT_OVERDUE, Severity.HIGH if residential else Severity.MEDIUM, inst, inst.key,
                           None, f"{inst.name_en} has never had an office visit",
                           f"{inst.name_fa} تاکنون بازدید اداره نداشته است"))
    else:
        due = plan.add_months(visits[-1].date, plan.interval_months(inst.kind))
        if due < as_of:
            found.append(Alert(AlertKind.VISIT_OVERDUE, Severity.MEDIUM, inst, inst.key, due,
                               f"{inst.name_en} was due an office visit on {due} (last on {visits[-1].date})",
                               f"موعد بازدید اداره از {inst.name_fa} {due} بود (آخرین بازدید {visits[-1].date})"))
    return found


def alerts(facts: Facts, as_of: dt.date) -> list[Alert]:
    found = [a for inst in facts.institutions.values() for a in of_institution(inst, as_of)]
    found.sort(key=lambda a: (a.severity is not Severity.HIGH, a.kind.value, a.institution.key, a.subject))
    return found
