"""The checks: plain Python over the rows of graph_model.statements.quality, one function per kind.

Names are compared as search compares them (graph_model.text.normalise: ي/ی, ك/ک, Persian and
Arabic-Indic digits, ZWNJ, diacritics and case fold away), each language on its own; phones by
their digits alone, a leading +98 or 0098 read as the trunk 0 (``phone_digits``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graph_model.enums import DonorKind
from graph_model.quality.findings import Finding, Kind
from graph_model.text import SEARCH_JOIN, normalise

FLOOR = dt.date(1900, 1, 1)  # no welfare record of the hub is older; an earlier date is a typo
MIN_PHONE_DIGITS = 7  # fewer digits are no phone number to match on
INDIVIDUAL = DonorKind.INDIVIDUAL.value

Row = Mapping[str, Any]


def phone_digits(text: str | None) -> str:
    """The digits of a phone number as written ('۰۹۱۲ ۳۴۵ ۶۷۸۹', '+98 912 345 6789' -> '09123456789');
    '' when there are too few to compare."""
    if not text:
        return ""
    digits = "".join(ch for ch in normalise(text) if "0" <= ch <= "9")
    if digits.startswith("0098"):
        digits = "0" + digits[4:]
    elif digits.startswith("98") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def folded_names(row: Row) -> tuple[str, str]:
    """A row's two names as search folds them (graph_model.text.normalise). Read off its stored search
    text (``folded``: both folded names joined by ' | ', graph_model.text.search_text) when that splits
    in exactly two, that is when both names are there and neither folds to a text holding a '|';
    folded again otherwise. (The country's 116,000 donors' Persian names took 0.5 s to fold again.)"""
    fa, en = row.get("nameFa"), row.get("nameEn")
    folded = row.get("folded")
    if fa and en and isinstance(folded, str) and folded.count("|") == 1:  # the one '|' of SEARCH_JOIN
        first, _, second = folded.partition(SEARCH_JOIN)
        if second:
            return first, second
    return normalise(fa or ""), normalise(en or "")


def _groups(rows: Iterable[Row], place: str) -> list[tuple[str, list[Row]]]:
    """Groups of two or more rows sharing a normalised name in the same ``place``, or a phone:
    ('nameFa', rows), ('nameEn', rows) or ('phone', rows), each group's rows in key order; names
    first, so that a pair found both ways is told by its name (graph_model.quality.findings.ordered
    keeps the first of equal findings)."""
    by: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for r in rows:
        for lang, name in zip(("nameFa", "nameEn"), folded_names(r), strict=True):
            if name:
                by[("name", lang, str(r.get(place)), name)].append(r)
        if phone := phone_digits(r.get("phone")):
            by[("phone", phone)].append(r)
    found = []
    for group_key, group in by.items():
        if len(group) > 1 and len({r["key"] for r in group}) > 1:  # most names and phones are one row's
            why = group_key[1] if group_key[0] == "name" else "phone"
            found.append((why, sorted({r["key"]: r for r in group}.values(), key=lambda r: r["key"])))
    found.sort(key=lambda x: x[0] == "phone")
    return found


def duplicate_institutions(rows: Sequence[Row]) -> list[Finding]:
    found = []
    for why, group in _groups(rows, "county"):
        keys = [r["key"] for r in group]
        first = group[0]
        listed = ", ".join(keys)
        if why != "phone":
            en = f"institutions {listed} in county {first['county']} have the same name ({first[why]})"
            fa = f"موسسات {'، '.join(keys)} در شهرستان {first['county']} نام یکسان دارند ({first[why]})"
        else:
            en = f"institutions {listed} have the same phone number"
            fa = f"موسسات {'، '.join(keys)} شماره تلفن یکسان دارند"
        found.append(Finding(
            Kind.DUPLICATE_INSTITUTION, tuple(("Institution", k) for k in keys), en, fa,
            "If they are one institution, keep one key, move the other's licences, services, gifts and "
            "assessments to it and delete the other; if not, make their names or phones tell them apart.",
            "اگر یک موسسه‌اند، یک کلید را نگه دارید، مجوزها، خدمات، کمک‌ها و ارزیابی‌های دیگری را به آن منتقل و "
            "دیگری را حذف کنید؛ وگرنه نام یا تلفن آن‌ها را متمایز کنید.",
            county=str(first["county"]) if len({r["county"] for r in group}) == 1 else None,
            province=str(first["province"]) if len({r["province"] for r in group}) == 1 else None))
    return found


def duplicate_donors(rows: Sequence[Row]) -> list[Finding]:
    found = []
    for why, group in _groups(rows, "province"):
        keys = [r["key"] for r in group]
        listed = ", ".join(keys)
        if why != "phone":
            en = f"donors {listed} based in {group[0]['province'] or 'no province'} have the same name " \
                 f"({group[0][why]})"
            fa = f"خیرین {'، '.join(keys)} در {group[0]['province'] or 'بدون استان'} نام یکسان دارند " \
                 f"({group[0][why]})"
        else:
            en = f"donors {listed} have the same phone number"
            fa = f"خیرین {'، '.join(keys)} شماره تلفن یکسان دارند"
        provinces = {r["province"] for r in group}
        found.append(Finding(
            Kind.DUPLICATE_DONOR, tuple(("Donor", k) for k in keys), en, fa,
            "If they are one donor, keep one key, move the other's gifts and council seats to it and delete the "
            "other; if not, make their names or phones tell them apart.",
            "اگر یک خیرند، یک کلید را نگه دارید، کمک‌ها و عضویت‌های شورای دیگری را به آن منتقل و دیگری را حذف "
            "کنید؛ وگرنه نام یا تلفن آن‌ها را متمایز کنید.",
            province=provinces.pop() if len(provinces) == 1 else None,
            personal=any(r["kind"] == INDIVIDUAL for r in group)))
    return found


def incomplete_institutions(rows: Sequence[Row]) -> list[Finding]:
    found = []
    for r in rows:
        key, place = r["key"], {"county": r["county"], "province": r["province"]}
        if r.get("lat") is None or r.get("lon") is None:
            found.append(Finding(
                Kind.INSTITUTION_WITHOUT_COORDINATES, (("Institution", key),),
                f"institution {key} ({r['nameEn']}) has no coordinates",
                f"موسسه {key} ({r['nameFa']}) مختصات ندارد",
                "Set its latitude and longitude (from its address) so maps and distance coverage include it.",
                "عرض و طول جغرافیایی آن را (از نشانی‌اش) ثبت کنید تا در نقشه و پوشش فاصله‌ای دیده شود.", **place))
        if not r.get("services"):
            found.append(Finding(
                Kind.INSTITUTION_WITHOUT_SERVICES, (("Institution", key),),
                f"institution {key} ({r['nameEn']}) offers no service",
                f"موسسه {key} ({r['nameFa']}) هیچ خدمتی ارائه نمی‌کند",
                "Record the services it offers with their capacity, or close the record if it no longer works.",
                "خدماتی را که ارائه می‌کند با ظرفیت‌شان ثبت کنید، یا اگر دیگر فعال نیست پرونده‌اش را ببندید.",
                **place))
    return found


def _in_force(lic: Row, on: dt.date) -> bool:
    issued, expires = _day(lic.get("issuedOn")), _day(lic.get("expiresOn"))
    return lic.get("status") == "ACTIVE" and (issued is None or issued <= on) and (expires is None or expires >= on)


def licences(institutions: Sequence[Row], held: Sequence[Row], on: dt.date) -> list[Finding]:
    """Offers no licence in force covers, and ACTIVE licences past their expiry on services still offered."""
    by_institution: dict[str, list[Row]] = defaultdict(list)
    for lic in held:
        by_institution[lic["institution"]].append(lic)
    found = []
    for r in institutions:
        key, place = r["key"], {"county": r["county"], "province": r["province"]}
        offered = set(r.get("services") or ())
        mine = sorted(by_institution.get(key, ()), key=lambda x: x["key"])
        covered = {s for lic in mine if _in_force(lic, on) for s in lic.get("services") or ()}
        for service in sorted(offered - covered):
            found.append(Finding(
                Kind.OFFER_WITHOUT_LICENCE, (("Institution", key), ("Service", service)),
                f"institution {key} ({r['nameEn']}) offers {service} without a licence in force for it",
                f"موسسه {key} ({r['nameFa']}) خدمت {service} را بدون مجوز معتبر ارائه می‌کند",
                "Record the licence that covers this service (or its renewal), or stop the offer.",
                "مجوزی را که این خدمت را پوشش می‌دهد (یا تمدید آن را) ثبت کنید، یا ارائه خدمت را متوقف کنید.",
                **place))
        for lic in mine:
            expires = _day(lic.get("expiresOn"))
            still = sorted(offered.intersection(lic.get("services") or ()))
            if lic.get("status") == "ACTIVE" and expires is not None and expires < on and still:
                found.append(Finding(
                    Kind.EXPIRED_LICENCE_ON_ACTIVE_SERVICE, (("Licence", lic["key"]), ("Institution", key)),
                    f"licence {lic['key']} of {key} is still ACTIVE but expired on {expires}; it covers "
                    f"{', '.join(still)}, still offered",
                    f"مجوز {lic['key']} موسسه {key} هنوز فعال ثبت شده ولی در {expires} منقضی شده است؛ خدمات "
                    f"{'، '.join(still)} هنوز ارائه می‌شوند",
                    "Record its renewal with the new expiry, or mark it EXPIRED and deal with the services.",
                    "تمدید آن را با تاریخ انقضای جدید ثبت کنید، یا آن را منقضی ثبت و تکلیف خدمات را روشن کنید.",
                    **place))
    return found


def idle_donors(keys: Iterable[str], donors: Mapping[str, Row]) -> list[Finding]:
    found = []
    for key in sorted(keys):
        d = donors.get(key)
        if d is None:  # outside the scope
            continue
        found.append(Finding(
            Kind.DONOR_WITHOUT_DONATIONS, (("Donor", key),),
            f"donor {key} ({d['nameEn']}) has no recorded gift", f"خیر {key} ({d['nameFa']}) هیچ کمک ثبت‌شده‌ای ندارد",
            "Record its gifts if any were made; if it is a duplicate of another donor, merge it.",
            "اگر کمکی کرده، آن را ثبت کنید؛ اگر تکراری است، با خیر دیگر ادغامش کنید.",
            province=d.get("province"), personal=d.get("kind") == INDIVIDUAL))
    return found


LABEL_FA = {"Institution": "موسسه", "Licence": "مجوز", "Assessment": "ارزیابی", "Donation": "کمک",
            "Event": "رویداد"}
_FUTURE_EN = "Correct the date from the paper record (a Solar Hijri date typed as Gregorian, or a wrong year?)."
_FUTURE_FA = "تاریخ را از روی سند کاغذی اصلاح کنید (تاریخ شمسی به‌جای میلادی، یا سال اشتباه؟)."


def _date(kind_of: str, subjects: tuple[tuple[str, str], ...], field: str, why_en: str, why_fa: str,
          **where: Any) -> Finding:
    label, key = subjects[0]
    return Finding(Kind.DATE_OUT_OF_RANGE, subjects, f"{kind_of} {key}: {field} {why_en}",
                   f"{LABEL_FA[label]} {key}: {field} {why_fa}", _FUTURE_EN, _FUTURE_FA, field=field, **where)


def _range(value: Any, on: dt.date, future_ok: bool = False) -> tuple[str, str] | None:
    """Why a stored date is out of range, in English and Persian (None: it is fine)."""
    day = _day(value)
    if day is None:
        return None if value is None else (f"{value!r} is not a date", f"{value!r} تاریخ معتبر نیست")
    if day < FLOOR:
        return f"{day} is before {FLOOR}", f"{day} پیش از {FLOOR} است"
    if day > on and not future_ok:
        return f"{day} is in the future", f"{day} در آینده است"
    return None


def dates(institutions: Sequence[Row], held: Sequence[Row], assessments: Sequence[Row], gifts: Sequence[Row],
          events: Sequence[Row], on: dt.date) -> list[Finding]:
    place = {r["key"]: {"county": r["county"], "province": r["province"]} for r in institutions}
    found = []
    for r in institutions:
        if why := _range(r.get("founded"), on):
            found.append(_date("institution", (("Institution", r["key"]),), "founded", *why, **place[r["key"]]))
    for lic in held:
        subjects = (("Licence", lic["key"]), ("Institution", lic["institution"]))
        where = place.get(lic["institution"], {})
        for field, future_ok in (("issuedOn", False), ("renewalRequestedOn", False), ("expiresOn", True)):
            if why := _range(lic.get(field), on, future_ok):
                found.append(_date("licence", subjects, field, *why, **where))
        issued, expires = _day(lic.get("issuedOn")), _day(lic.get("expiresOn"))
        if issued and expires and expires < issued:
            found.append(_date("licence", subjects, "expiresOn", f"{expires} is before its issue on {issued}",
                               f"{expires} پیش از صدور آن در {issued} است", **where))
    for a in assessments:
        if why := _range(a.get("date"), on):
            found.append(_date("assessment", (("Assessment", a["key"]), ("Institution", a["institution"])), "date",
                               *why, **place.get(a["institution"], {})))
    for g in gifts:
        if why := _range(g.get("date"), on):
            found.append(_date("donation", (("Donation", g["key"]), ("Institution", g["institution"]),
                                            ("Donor", g["donor"])), "date", *why,
                               personal=g.get("donorKind") == INDIVIDUAL, **place.get(g["institution"], {})))
    for e in events:
        starts, ends = _day(e.get("startsOn")), _day(e.get("endsOn"))
        where = {"county": e["county"], "province": e["province"]}
        if why := _range(e.get("startsOn"), on, future_ok=True):
            found.append(_date("event", (("Event", e["key"]),), "startsOn", *why, **where))
        if starts and ends and ends < starts:
            found.append(_date("event", (("Event", e["key"]),), "endsOn", f"{ends} is before its start on {starts}",
                               f"{ends} پیش از شروع آن در {starts} است", **where))
    return found
