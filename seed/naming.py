"""How generated rows are keyed, named and marked, so a user can always tell them apart.

Every invented row carries ``generated: True`` and a ``source`` saying which profile made
it, and every invented name ends in "(generated)" / "(نمونه)" and carries a serial number,
so it can never be mistaken for a real institution or donor.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from graph_model.enums import DonorKind, EventKind, InstitutionKind

GEN_EN = "(generated)"
GEN_FA = "(نمونه)"

_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def fa_digits(text: str) -> str:
    return text.translate(_FA_DIGITS)


def profile_source(profile: str) -> str:
    return f"generated ({profile} profile)"


def generated(source: str) -> dict[str, Any]:
    return {"generated": True, "source": source}


class Keys:
    """Sequential keys per prefix: "inst-000001", "don-0000001". Deterministic by construction."""

    WIDTH = {"inst": 6, "donor": 6, "don": 7, "lic": 6, "asmt": 6, "evt": 5, "council": 4, "person": 4}

    def __init__(self) -> None:
        self._next: Counter[str] = Counter()

    def next(self, prefix: str) -> str:
        self._next[prefix] += 1
        return f"{prefix}-{self._next[prefix]:0{self.WIDTH[prefix]}d}"

    def reserve(self, prefix: str, count: int) -> int:
        """Claim ``count`` numbers at once for a hot loop that formats its own keys; returns the first."""
        first = self._next[prefix] + 1
        self._next[prefix] += count
        return first


class Serials:
    """Per-province serial numbers for names ("Fars charity 0042"), separate from keys."""

    def __init__(self) -> None:
        self._next: Counter[str] = Counter()

    def next(self, scope: str) -> str:
        self._next[scope] += 1
        return f"{self._next[scope]:04d}"


INSTITUTION_KIND_NAMES: dict[InstitutionKind, tuple[str, str]] = {
    InstitutionKind.CHARITY: ("charity", "خیریه"),
    InstitutionKind.NGO: ("NGO", "سمن"),
    InstitutionKind.REHABILITATION_CENTRE: ("rehabilitation centre", "مرکز توانبخشی"),
    InstitutionKind.RESIDENTIAL_CARE: ("residential care centre", "مرکز شبانه‌روزی"),
    InstitutionKind.DISABLED_ELDERLY_CARE: ("disabled and elderly care centre",
                                            "مرکز نگهداری معلولان و سالمندان"),
    InstitutionKind.POSITIVE_LIFE_CENTRE: ("Positive Life centre", "مرکز مثبت زندگی"),
    InstitutionKind.DAY_CARE: ("day care centre", "مرکز روزانه"),
    InstitutionKind.COUNSELLING_CENTRE: ("counselling centre", "مرکز مشاوره"),
    InstitutionKind.ADDICTION_TREATMENT: ("addiction treatment centre", "مرکز درمان اعتیاد"),
    InstitutionKind.NGO_HOUSE: ("NGO house", "خانه سمن‌ها"),
}

DONOR_KIND_NAMES: dict[DonorKind, tuple[str, str]] = {
    DonorKind.INDIVIDUAL: ("Donor", "خیر"),
    DonorKind.COMPANY: ("Company", "شرکت"),
    DonorKind.CONTRACTOR: ("Road and construction contractor", "پیمانکار راه‌سازی و عمران"),
    DonorKind.FOUNDATION: ("Charitable foundation", "بنیاد خیریه"),
    DonorKind.PUBLIC_COMPANY: ("Public company", "شرکت دولتی"),
}

EVENT_KIND_NAMES: dict[EventKind, tuple[str, str]] = {
    EventKind.MAWKIB: ("Mawkib", "موکب"),
    EventKind.COUNCIL_SESSION: ("Council session", "نشست شورا"),
    EventKind.TRAINING: ("Training course", "دوره آموزشی"),
    EventKind.CHARITY_EVENT: ("Charity event", "رویداد خیریه"),
    EventKind.RELIGIOUS_OUTREACH: ("Religious-occasion outreach", "برنامه مناسبت مذهبی"),
    EventKind.MEETING: ("Consultation meeting", "نشست هم‌اندیشی"),
}


def institution_names(kind: InstitutionKind, province_en: str, province_fa: str,
                      serial: str) -> tuple[str, str]:
    en, fa = INSTITUTION_KIND_NAMES[kind]
    return (f"{province_en} {en} {serial} {GEN_EN}",
            f"{fa} {fa_digits(serial)} {province_fa} {GEN_FA}")


def donor_names(kind: DonorKind, serial: str) -> tuple[str, str]:
    en, fa = DONOR_KIND_NAMES[kind]
    return f"{en} {serial} {GEN_EN}", f"{fa} {fa_digits(serial)} {GEN_FA}"


def event_names(kind: EventKind, serial: str, province_en: str, province_fa: str) -> tuple[str, str]:
    en, fa = EVENT_KIND_NAMES[kind]
    return (f"{en} {serial}, {province_en} {GEN_EN}",
            f"{fa} {fa_digits(serial)} {province_fa} {GEN_FA}")


def iso_days(first: dt.date, last: dt.date) -> list[str]:
    """Every day from ``first`` to ``last`` as ISO strings, shared so rows reuse one object per day."""
    return [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
