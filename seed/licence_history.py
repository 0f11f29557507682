"""Licence histories for the generated licences (issue 19): every licence of a profile gets the
LicenceChange records its status and dates imply, so "suspended since", "renewals pending" and
"how long renewals take" (graph_model.licence_pipeline) have something to answer from.

Each history is generated, labelled so (``generated: true``, the profile's source), and follows
the rules the mutations enforce (graph_model.mutations.licences): it starts with ISSUED on the
licence's issuedOn, each change's day is on or after the one before and never after TODAY, and
it ends in the licence's current status:

    AGREEMENT_IN_PRINCIPLE  ISSUED
    ACTIVE                  ISSUED; some a past suspension and reinstatement; some a completed
                            renewal (first issued one validity period earlier, renewed on the
                            day the current period began: issuedOn is that day); some near their
                            expiry a renewal requested and pending (renewalRequestedOn set)
    SUSPENDED               ISSUED, SUSPENDED with a reason
    EXPIRED                 ISSUED, EXPIRED on expiresOn; some a renewal requested and pending
    REVOKED                 ISSUED, REVOKED with a reason

Both profiles hold the planted stuck renewal (national's for the tests that look for it):
``lic-planted-stuck-renewal`` of ``inst-planted-stuck-renewal`` in Khuzestan, ACTIVE, renewal
requested TODAY minus 365 days, nothing since. seed/supervision.py gives a generated centre and its licence
those keys; ``_plant_stuck_renewal`` dates the licence before its history is written.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from graph_model.enums import Label, LicenceChangeKind, LicenceStatus, Rel
from seed.catalogue import AGREEMENT_IN_PRINCIPLE, LICENCE_TYPE_BY_KEY
from seed.generator import TODAY, _jalali_year
from seed.world import World

K, S = LicenceChangeKind, LicenceStatus
BY = "generated"  # who made a generated change: no real office did

SUSPENSION_REASONS = ("کمبود نیروی متخصص (بازرسی استانی)", "نقص ایمنی ساختمان", "عدم ارائه گزارش مالی سالانه",
                      "شکایت مددجویان، در حال رسیدگی")
REVOCATION_REASONS = ("تخلف مکرر پس از تعلیق", "تعطیلی مرکز به درخواست مؤسس", "عدم تمدید در مهلت مقرر")

PLANTED_INSTITUTION = "inst-planted-stuck-renewal"
PLANTED_LICENCE = "lic-planted-stuck-renewal"
STUCK_DAYS = 365

SUSPENDED_BEFORE = 0.04  # an ACTIVE licence that was once suspended and reinstated
RENEWED = 0.12  # an ACTIVE licence on its second period: a completed renewal
PENDING_ACTIVE = 0.35  # an ACTIVE licence expiring within 120 days whose renewal is requested
PENDING_EXPIRED = 0.4  # an EXPIRED licence (operating, lapsed within 180 days) with a request pending
# Generated requests wait at most about 240 days, so the planted one (STUCK_DAYS) waits longest of all.


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def _years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    span = max(0, (last - first).days)
    return first + dt.timedelta(days=int(rng.random() * (span + 1)))


class _History:
    """The changes of one licence, in order, with the status each left."""

    def __init__(self, key: str, source: str) -> None:
        self.key, self.source = key, source
        self.rows: list[dict[str, Any]] = []
        self.status: str | None = None

    def add(self, kind: LicenceChangeKind, status: str, on: dt.date, reason: str | None = None) -> None:
        props: dict[str, Any] = {"change": kind.value, "status": status, "on": on.isoformat(), "by": BY,
                                 "generated": True, "source": self.source}
        if self.status is not None:
            props["previous"] = self.status
        if reason is not None:
            props["reason"] = reason
        # Zero-padded: a licence's changes on one day sort by key in the order they happened.
        self.rows.append({"key": f"lchg-{self.key}-{len(self.rows) + 1:02d}", "props": props})
        self.status = status


def _history(rng: random.Random, licence: dict[str, Any], years: int | None, founded: dt.date | None,
             source: str, agreement: bool) -> _History:
    """``agreement``: the licence is an agreement in principle (lapsed ones are EXPIRED)."""
    props = licence["props"]
    status, issued = props["status"], _day(props["issuedOn"])
    expires = _day(props["expiresOn"]) if props.get("expiresOn") else None
    h = _History(licence["key"], source)
    if status == S.ACTIVE.value and years and not agreement and rng.random() < RENEWED:
        first = _years(issued, -years)
        if founded is None or first >= founded:
            h.add(K.ISSUED, S.ACTIVE.value, first)
            asked = issued - dt.timedelta(days=int(rng.lognormvariate(4.0, 0.6)))  # median ~55 days
            h.add(K.RENEWAL_REQUESTED, S.ACTIVE.value, max(asked, first))
            h.add(K.RENEWED, S.ACTIVE.value, issued)
    if not h.rows:
        h.add(K.ISSUED, S.AGREEMENT_IN_PRINCIPLE.value if agreement else S.ACTIVE.value, issued)
    last = min(TODAY, expires) if expires else TODAY
    after = min(issued + dt.timedelta(days=1), last)  # the first day a later change may fall on
    if status == S.ACTIVE.value:
        if rng.random() < SUSPENDED_BEFORE and (last - issued).days > 60:
            since = _between(rng, issued + dt.timedelta(days=1), last - dt.timedelta(days=40))
            h.add(K.SUSPENDED, S.SUSPENDED.value, since, rng.choice(SUSPENSION_REASONS))
            h.add(K.REINSTATED, S.ACTIVE.value, since + dt.timedelta(days=rng.randint(7, 40)))
        if expires is not None and 0 <= (expires - TODAY).days <= 120 and rng.random() < PENDING_ACTIVE:
            asked = _between(rng, max(_day(h.rows[-1]["props"]["on"]), expires - dt.timedelta(days=150)), TODAY)
            h.add(K.RENEWAL_REQUESTED, S.ACTIVE.value, asked)
            props["renewalRequestedOn"] = asked.isoformat()
    elif status == S.SUSPENDED.value:
        h.add(K.SUSPENDED, S.SUSPENDED.value, _between(rng, after, TODAY),
              rng.choice(SUSPENSION_REASONS))
    elif status == S.REVOKED.value:
        h.add(K.REVOKED, S.REVOKED.value, _between(rng, after, last),
              rng.choice(REVOCATION_REASONS))
    elif status == S.EXPIRED.value and expires is not None:
        if not agreement and (TODAY - expires).days <= 180 and rng.random() < PENDING_EXPIRED:
            asked = _between(rng, expires - dt.timedelta(days=60), min(TODAY, expires + dt.timedelta(days=60)))
            if asked < expires:
                h.add(K.RENEWAL_REQUESTED, S.ACTIVE.value, asked)
                h.add(K.EXPIRED, S.EXPIRED.value, expires)
            else:
                h.add(K.EXPIRED, S.EXPIRED.value, expires)
                h.add(K.RENEWAL_REQUESTED, S.EXPIRED.value, asked)
            props["renewalRequestedOn"] = asked.isoformat()
        else:
            h.add(K.EXPIRED, S.EXPIRED.value, expires)
    return h


def _plant_stuck_renewal(world: World, source: str) -> None:
    """The planted case: an operating licence whose renewal was requested a year ago, unanswered.

    seed/supervision.py chose the centre and its licence (``inst-planted-stuck-renewal``,
    ``lic-planted-stuck-renewal``: a generated Khuzestan centre re-keyed, so the article's counts
    stay exact); here the licence is dated: issued one validity period before TODAY plus 30 days,
    renewal requested STUCK_DAYS before TODAY, so its history is written from those days.
    """
    ds = world.ds

    def issued(years: int) -> dt.date:
        return _years(TODAY + dt.timedelta(days=30), -years)  # expires a month after TODAY

    props = next(n["props"] for n in ds.nodes[Label.LICENCE] if n["key"] == PLANTED_LICENCE)
    years = LICENCE_TYPE_BY_KEY[_type_of(ds, PLANTED_LICENCE)].validity_years
    start = issued(years)
    props.update(status=S.ACTIVE.value, issuedOn=start.isoformat(), expiresOn=_years(start, years).isoformat(),
                 renewalRequestedOn=(TODAY - dt.timedelta(days=STUCK_DAYS)).isoformat(),
                 number=f"GEN-06-{_jalali_year(start.isoformat())}-PLANTED",
                 source=f"{source}; planted case (issue 19): a renewal stuck for a year")


def _type_of(ds: Any, licence: str) -> str:
    return next(r["end"] for r in ds.rels[Rel.OF_TYPE] if r["start"] == licence)


def add_licence_history(world: World, rng: random.Random, source: str) -> None:
    """Give every licence of the profile its history (and plant the stuck renewal)."""
    ds = world.ds
    _plant_stuck_renewal(world, source)
    type_of = {r["start"]: r["end"] for r in ds.rels.get(Rel.OF_TYPE, [])}
    holder_of = {r["end"]: r["start"] for r in ds.rels.get(Rel.HOLDS, [])}
    founded = {n["key"]: n["props"].get("founded") for n in ds.nodes.get(Label.INSTITUTION, [])}
    changes, links = ds.nodes.setdefault(Label.LICENCE_CHANGE, []), ds.rels.setdefault(Rel.CHANGE_OF, [])
    for licence in ds.nodes.get(Label.LICENCE, []):
        key = licence["key"]
        licence_type = LICENCE_TYPE_BY_KEY.get(type_of.get(key, ""))
        since = founded.get(holder_of.get(key, ""))
        if key == PLANTED_LICENCE:
            h = _History(key, f"{source}; planted case (issue 19)")
            h.add(K.ISSUED, S.ACTIVE.value, _day(licence["props"]["issuedOn"]))
            h.add(K.RENEWAL_REQUESTED, S.ACTIVE.value, _day(licence["props"]["renewalRequestedOn"]))
        else:
            h = _history(rng, licence, licence_type.validity_years if licence_type else None,
                         _day(since) if since else None, source, type_of.get(key) == AGREEMENT_IN_PRINCIPLE)
        changes.extend(h.rows)
        links.extend({"start": row["key"], "end": key, "props": {}} for row in h.rows)
