"""The supervision side of a profile: assessment frameworks, structured assessments, corrective
actions, complaints and the planted cases that tests of the ranking, the plan and the alerts look for.

Frameworks are data: one national framework (``fw-national-1``) and its revision
(``fw-national-2``: one criterion reweighted, one added), each criterion in one of the six
``CriterionArea`` values with a weight and a scale. They are modelled on the supervision tasks the
source reports name, not on an official form, and are marked generated.

Each assessment is scored against the framework valid on its date, one ``SCORED {value}`` per
criterion (whole points on the criterion's scale). The values are drawn first and the score is
computed from them: the weighted mean of value/scaleMax times 100, rounded to two decimals, so a
score always equals its criteria's weighted mean to within 0.005.

The planted cases (``PLANTED``) are three of Khuzestan's generated centres given fixed keys and
names, so the article's count (820, by kind) stays exact: a day-care centre scoring itself about 95
while its county and provincial offices score it about 40; a residential centre with residents and
an active licence that only ever assessed itself; a centre whose licence
``lic-planted-stuck-renewal`` has waited a year for renewal. The same centres are chosen in every
profile (the first of their kind in Khuzestan's fixed article layer), so the article provinces stay
identical across profiles; ``national`` gives them a few more assessments than ``demo``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import jdatetime

from graph_model.enums import (
    ENDPOINTS,
    ActionStatus,
    AssessmentLevel,
    AssessorKind,
    ComplaintStatus,
    CriterionArea,
    Label,
    LicenceStatus,
    Rel,
)
from graph_model.enums import InstitutionKind as K
from seed.catalogue import AGREEMENT_IN_PRINCIPLE, LICENCE_TYPE_BY_KEY
from seed.naming import GEN_EN, GEN_FA, fa_digits
from seed.world import Inst, World

KHUZESTAN = "IR-06"
SELF_INFLATED = "inst-planted-self-inflated"
NEVER_VISITED = "inst-planted-never-visited"
STUCK_RENEWAL = "inst-planted-stuck-renewal"
STUCK_LICENCE = "lic-planted-stuck-renewal"
# Office visits: the levels at which the organisation's own offices assess.
OFFICE_LEVELS = frozenset({AssessmentLevel.COUNTY.value, AssessmentLevel.PROVINCIAL.value,
                           AssessmentLevel.NATIONAL.value})
# Levels whose assessors write findings (and so ask for corrective actions).
FINDING_LEVELS = OFFICE_LEVELS | {AssessmentLevel.EXPERT.value}
# Below this score an office's or expert's assessment asks for corrective actions.
ACTION_BELOW = 60.0
# A criterion scoring below this share of its scale is a shortcoming worth an action.
SHORTCOMING = 0.5
COMPLAINT_SHARE = 0.03  # institutions with complaints
SELF_BIAS = 0.04  # centres rate themselves a little higher than others do
FRAMEWORK_SOURCE = ("modelled on the supervision tasks the source reports name "
                    "(licence, staff, building, care, finances, clients' satisfaction); not an official form")


class CriterionSpec(NamedTuple):
    slug: str
    area: CriterionArea
    name_en: str
    name_fa: str
    weight: float
    scale_max: int


class FrameworkSpec(NamedTuple):
    key: str
    version: int
    valid_from: dt.date
    criteria: tuple[CriterionSpec, ...]


A = CriterionArea
CRITERIA_V1: tuple[CriterionSpec, ...] = (
    CriterionSpec("gov-licence", A.GOVERNANCE, "Licence and board of trustees in order",
                  "پروانه فعالیت و هیئت‌مدیره معتبر و به‌روز", 2, 5),
    CriterionSpec("gov-records", A.GOVERNANCE, "Statutes, minutes and legal registers kept",
                  "اساسنامه، صورتجلسات و دفاتر قانونی", 1, 5),
    CriterionSpec("staff-ratio", A.STAFFING, "Qualified staff per client",
                  "نسبت نیروی متخصص به مددجو", 3, 10),
    CriterionSpec("staff-training", A.STAFFING, "In-service training of staff",
                  "آموزش ضمن خدمت کارکنان", 1, 5),
    CriterionSpec("fac-safety", A.FACILITIES, "Building safety and fire equipment",
                  "ایمنی ساختمان و تجهیزات اطفای حریق", 3, 10),
    CriterionSpec("fac-access", A.FACILITIES, "Accessible and hygienic premises",
                  "مناسب‌سازی و بهداشت فضای مرکز", 2, 5),
    CriterionSpec("svc-care-plans", A.SERVICE_QUALITY, "An individual care plan per client",
                  "برنامه مراقبت فردی برای هر مددجو", 3, 10),
    CriterionSpec("svc-files", A.SERVICE_QUALITY, "Client files complete and up to date",
                  "پرونده کامل و به‌روز مددجویان", 2, 5),
    CriterionSpec("fin-statements", A.FINANCES, "Audited financial statements",
                  "صورت‌های مالی حسابرسی‌شده", 2, 5),
    CriterionSpec("fin-donations", A.FINANCES, "Donations recorded and receipted",
                  "ثبت و رسید کمک‌های مردمی", 1, 5),
    CriterionSpec("sat-survey", A.SATISFACTION, "Clients' satisfaction survey",
                  "نظرسنجی رضایت مددجویان", 2, 10),
    CriterionSpec("sat-complaints", A.SATISFACTION, "Complaints answered within the deadline",
                  "رسیدگی به‌موقع به شکایات مددجویان", 1, 5),
)
# The revision: staffing weighs more, and keeping the centre's data current on the licensing
# portal (the 1401 Khuzestan report's topic) becomes a criterion.
CRITERIA_V2: tuple[CriterionSpec, ...] = tuple(
    c._replace(weight=4) if c.slug == "staff-ratio" else c for c in CRITERIA_V1) + (
    CriterionSpec("gov-portal", A.GOVERNANCE, "Data kept current on the licensing portal",
                  "ثبت و به‌روزرسانی اطلاعات در سامانه صدور مجوزها", 1, 5),)
FRAMEWORKS: tuple[FrameworkSpec, ...] = (
    FrameworkSpec("fw-national-1", 1, dt.date(2019, 3, 21), CRITERIA_V1),  # 1 Farvardin 1398
    FrameworkSpec("fw-national-2", 2, dt.date(2024, 3, 20), CRITERIA_V2),  # 1 Farvardin 1403
)


def criterion_key(framework: FrameworkSpec, spec: CriterionSpec) -> str:
    return f"crit-v{framework.version}-{spec.slug}"


def framework_on(day: dt.date) -> FrameworkSpec:
    """The framework in force on ``day``: the latest whose validFrom is not after it."""
    valid = [f for f in FRAMEWORKS if f.valid_from <= day]
    if not valid:
        raise ValueError(f"no assessment framework was valid on {day}")
    return valid[-1]


def weighted_score(criteria: Sequence[CriterionSpec], values: Sequence[float]) -> float:
    """The score of an assessment: mean of value/scaleMax weighted by the criteria's weights, x100."""
    total = sum(c.weight for c in criteria)
    return round(100 * sum(c.weight * v / c.scale_max for c, v in zip(criteria, values, strict=True)) / total, 2)


# Planted assessments: (level, days before TODAY, quality as a share of the scale), national then demo.
PLANTED_SPREAD = 0.05
PlantedVisits = tuple[tuple[AssessmentLevel, int, float], ...]
_S, _C, _P = AssessmentLevel.SELF, AssessmentLevel.COUNTY, AssessmentLevel.PROVINCIAL
PLANTED_VISITS: dict[str, tuple[PlantedVisits, PlantedVisits]] = {
    SELF_INFLATED: (((_S, 330, .95), (_C, 240, .40), (_S, 170, .95), (_P, 110, .40), (_C, 45, .40), (_S, 25, .95)),
                    ((_C, 240, .40), (_S, 170, .95), (_P, 110, .40), (_S, 25, .95))),
    NEVER_VISITED: (((_S, 700, .75), (_S, 380, .78), (_S, 150, .74), (_S, 40, .76)),
                    ((_S, 380, .78), (_S, 150, .74), (_S, 40, .76))),
}

_NAMES = {
    SELF_INFLATED: ("Khuzestan day-care centre scoring itself far above its offices",
                    "مرکز روزانه خوزستان با خوداظهاری بسیار بالاتر از ارزیابی ادارات"),
    NEVER_VISITED: ("Khuzestan residential centre never visited by an office",
                    "مرکز شبانه‌روزی خوزستان بدون بازدید ادارات"),
    STUCK_RENEWAL: ("Khuzestan centre whose licence renewal has waited a year",
                    "مرکز خوزستان با تمدید پروانه معطل‌مانده یک‌ساله"),
}


def add_supervision(world: World, rng: random.Random, source: str, per_institution: float,
                    today: dt.date, levels: Mapping[AssessmentLevel, float]) -> None:
    """Frameworks, planted cases, structured assessments, corrective actions and complaints.

    ``per_institution`` assessments a centre on average (fewer planted ones below 1: the demo),
    ``levels`` the relative frequency of each level, ``today`` the data's fixed today.
    """
    criteria = add_frameworks(world, source)
    planted = plant_cases(world, today)
    builder = _Assessments(world, rng, source, today, criteria)
    names = {row["key"]: row["props"] for row in world.ds.nodes[Label.INSTITUTION]}
    level_pool = [lv.value for lv in levels for _ in range(int(levels[lv]))]
    first = dt.date(2021, 3, 21)
    for inst in world.institutions:
        if inst.key in PLANTED_VISITS:
            continue
        count = int(per_institution) + (rng.random() < per_institution % 1)
        quality = min(0.95, max(0.35, rng.gauss(0.72, 0.11)))
        start = max(first, dt.date.fromisoformat(inst.founded)) if inst.founded else first
        for _ in range(count):
            level = level_pool[int(rng.random() * len(level_pool))]
            day = _between(rng, start, today)
            builder.add(inst, names[inst.key]["nameFa"], level, day, quality, 0.12,
                        SELF_BIAS if level == AssessmentLevel.SELF.value else 0.0)
    variant = 0 if per_institution >= 1 else 1
    for inst in planted:
        for level, days_ago, quality in PLANTED_VISITS.get(inst.key, ((), ()))[variant]:
            builder.add(inst, names[inst.key]["nameFa"], level.value, today - dt.timedelta(days=days_ago),
                        quality, PLANTED_SPREAD, 0.0)
    add_complaints(world, rng, source, today, skip=set(PLANTED_VISITS))


def add_frameworks(world: World, source: str) -> dict[str, tuple[tuple[str, CriterionSpec], ...]]:
    """The frameworks and their criteria; framework key -> its (criterion key, spec) pairs."""
    ds = world.ds
    out = {}
    for fw in FRAMEWORKS:
        ds.node(Label.FRAMEWORK, fw.key, version=fw.version, validFrom=fw.valid_from.isoformat(),
                nameEn=f"National supervision framework for non-governmental welfare centres, "
                       f"version {fw.version} {GEN_EN}",
                nameFa=f"شیوه‌نامه ملی نظارت و ارزیابی مراکز غیردولتی بهزیستی، ویرایش {fa_digits(str(fw.version))} "
                       f"{GEN_FA}",
                generated=True, source=f"{source}; {FRAMEWORK_SOURCE}")
        pairs = []
        for spec in fw.criteria:
            key = ds.node(Label.CRITERION, criterion_key(fw, spec), area=spec.area.value,
                          weight=float(spec.weight), scaleMax=spec.scale_max,
                          nameEn=f"{spec.name_en} {GEN_EN}", nameFa=f"{spec.name_fa} {GEN_FA}",
                          generated=True, source=f"{source}; {FRAMEWORK_SOURCE}")
            ds.rel(Rel.IN_FRAMEWORK, key, fw.key)
            pairs.append((key, spec))
        out[fw.key] = tuple(pairs)
    return out


class _Assessments:
    """Writes one structured assessment at a time: scores, assessor, findings and actions."""

    def __init__(self, world: World, rng: random.Random, source: str, today: dt.date,
                 criteria: dict[str, tuple[tuple[str, CriterionSpec], ...]]) -> None:
        ds = world.ds
        self.world, self.rng, self.source, self.today, self.criteria = world, rng, source, today, criteria
        self.nodes = ds.nodes.setdefault(Label.ASSESSMENT, [])
        self.actions = ds.nodes.setdefault(Label.CORRECTIVE_ACTION, [])
        self.assesses, self.under, self.scored, self.corrects = (
            ds.rels.setdefault(r, []) for r in (Rel.ASSESSES, Rel.UNDER_FRAMEWORK, Rel.SCORED, Rel.CORRECTS))
        self.experts = 0

    def add(self, inst: Inst, inst_name_fa: str, level: str, day: dt.date, quality: float, spread: float,
            bias: float) -> None:
        """One assessment: each criterion's share of its scale drawn around ``quality + bias``."""
        rng = self.rng
        fw = framework_on(day)
        pairs = self.criteria[fw.key]
        values = [float(round(min(1.0, max(0.0, rng.gauss(quality + bias, spread))) * spec.scale_max))
                  for _, spec in pairs]
        score = weighted_score([spec for _, spec in pairs], values)
        key = self.world.keys.next("asmt")
        assessor_kind, assessor = self._assessor(inst, inst_name_fa, level)
        props: dict[str, object] = {"level": level, "score": score, "date": day.isoformat(),
                                    "assessorKind": assessor_kind.value, "assessor": assessor,
                                    "generated": True, "source": self.source}
        weak = sorted((v / spec.scale_max, i) for i, (v, (_, spec)) in enumerate(zip(values, pairs, strict=True)))
        if level in FINDING_LEVELS:
            props["findings"] = _findings(pairs, values, [i for share, i in weak[:2] if share < SHORTCOMING])
        self.nodes.append({"key": key, "props": props})
        self.assesses.append({"start": key, "end": inst.key, "props": {}})
        self.under.append({"start": key, "end": fw.key, "props": {}})
        self.scored.extend({"start": key, "end": ckey, "props": {"value": v}}
                           for (ckey, _), v in zip(pairs, values, strict=True))
        if level in FINDING_LEVELS and score < ACTION_BELOW:
            shortfalls = [i for share, i in weak[:3] if share < SHORTCOMING] or [weak[0][1]]
            for i in shortfalls:
                self._action(key, day, pairs[i][1])

    def _assessor(self, inst: Inst, inst_name_fa: str, level: str) -> tuple[AssessorKind, str]:
        ref = self.world.ref
        county, province = ref.county(inst.county).name_fa, ref.province(inst.province).name_fa
        if level == AssessmentLevel.SELF.value:
            return AssessorKind.INSTITUTION, inst_name_fa
        if level == AssessmentLevel.COUNTY.value:
            return AssessorKind.OFFICE, f"اداره بهزیستی شهرستان {county}"
        if level == AssessmentLevel.PROVINCIAL.value:
            return AssessorKind.OFFICE, f"اداره کل بهزیستی استان {province}"
        if level == AssessmentLevel.NATIONAL.value:
            return AssessorKind.OFFICE, "سازمان بهزیستی کشور، دفتر امور مشارکت‌های مردمی"
        if level == AssessmentLevel.EXPERT.value:
            self.experts += 1
            return AssessorKind.PERSON, f"کارشناس ارزیاب مستقل {fa_digits(f'{self.experts % 400 + 1:03d}')} {GEN_FA}"
        if level == AssessmentLevel.GUILD.value:
            return AssessorKind.BODY, f"انجمن صنفی مراکز غیردولتی بهزیستی استان {province}"
        return AssessorKind.BODY, f"انجمن خانواده‌های مددجویان شهرستان {county}"

    def _action(self, assessment: str, day: dt.date, spec: CriterionSpec) -> None:
        """Open and not yet due, open past due (overdue), or done: all after the assessment's date."""
        rng, today = self.rng, self.today
        due = day + dt.timedelta(days=rng.choice((60, 90, 120, 180)))
        props: dict[str, object] = {"description": f"{spec.name_fa}: رفع نقص تا موعد مقرر / "
                                                   f"Put right: {spec.name_en.lower()}",
                                    "dueOn": due.isoformat(), "generated": True, "source": self.source}
        done_by = min(today, due + dt.timedelta(days=45))
        if done_by > day and rng.random() < (0.75 if due <= today else 0.25):
            props["status"] = ActionStatus.DONE.value
            props["doneOn"] = _between(rng, day + dt.timedelta(days=1), done_by).isoformat()
        else:
            props["status"] = ActionStatus.OPEN.value
        key = f"act-{len(self.actions) + 1:06d}"
        self.actions.append({"key": key, "props": props})
        self.corrects.append({"start": key, "end": assessment, "props": {}})


def _findings(pairs: Sequence[tuple[str, CriterionSpec]], values: Sequence[float], weak: Sequence[int]) -> str:
    if not weak:
        return "بدون ایراد عمده / No major shortcomings"
    fa = "، ".join(f"{pairs[i][1].name_fa} ({fa_digits(f'{values[i]:g}')} از {fa_digits(str(pairs[i][1].scale_max))})"
                   for i in weak)
    en = "; ".join(f"{pairs[i][1].name_en} ({values[i]:g} of {pairs[i][1].scale_max})" for i in weak)
    return f"کاستی‌ها: {fa} / Shortcomings: {en}"


COMPLAINTS = (
    ("کمبود مراقب در شیفت شب", "Too few carers on night shifts"),
    ("دریافت شهریه بیش از تعرفه مصوب", "Fee charged above the approved tariff"),
    ("خرابی سیستم گرمایش ساختمان در زمستان", "Heating out of order in winter"),
    ("ارائه‌نشدن پرونده مددجو به خانواده", "Client's file not shown to the family"),
    ("تأخیر در پرداخت مستمری مددجو", "Client's allowance paid late"),
    ("وضعیت بهداشتی آشپزخانه و سرویس‌ها", "Hygiene of the kitchen and washrooms"),
)


def add_complaints(world: World, rng: random.Random, source: str, today: dt.date, skip: set[str]) -> None:
    """One or two complaints for a small share of centres, open when recent, mostly closed when older."""
    nodes = world.ds.nodes.setdefault(Label.COMPLAINT, [])
    rels = world.ds.rels.setdefault(Rel.COMPLAINT_ABOUT, [])
    first = dt.date(2022, 3, 21)
    for inst in world.institutions:
        if inst.key in skip or rng.random() >= COMPLAINT_SHARE:
            continue
        for _ in range(1 + (rng.random() < 0.3)):
            received = _between(rng, first, today)
            fa, en = rng.choice(COMPLAINTS)
            closed = (today - received).days > 60 and rng.random() < 0.8
            key = f"cmp-{len(nodes) + 1:06d}"
            nodes.append({"key": key, "props": {
                "summary": f"{fa} / {en}", "receivedOn": received.isoformat(),
                "status": (ComplaintStatus.CLOSED if closed else ComplaintStatus.OPEN).value,
                "generated": True, "source": source}})
            rels.append({"start": key, "end": inst.key, "props": {}})


def plant_cases(world: World, today: dt.date) -> list[Inst]:
    """Give three of Khuzestan's generated centres the planted keys, names and licences.

    The first day-care centre, the first residential centre and the first counselling centre of
    Khuzestan's article layer (the same in every profile): renaming them keeps the article's counts
    exact. Runs after licences are made: every relationship written so far (places, offers,
    licences, the articles' memberships and events) is moved to the new keys, and later steps
    (partnerships, donations) only ever see them.
    """
    wanted = ((SELF_INFLATED, K.DAY_CARE), (NEVER_VISITED, K.RESIDENTIAL_CARE), (STUCK_RENEWAL, K.COUNSELLING_CENTRE))
    renames: dict[str, str] = {}
    for new, kind in wanted:
        old = next(i.key for i in world.institutions
                   if i.province == KHUZESTAN and i.kind is kind and i.key not in renames
                   and not i.key.startswith("inst-planted-") and (kind is not K.RESIDENTIAL_CARE or i.residents))
        renames[old] = new
    _rename_institutions(world, renames)
    planted = [i for i in world.institutions if i.key in renames.values()]
    held = _held_licences(world)
    licences = {row["key"]: row["props"] for row in world.ds.nodes[Label.LICENCE]}
    operating = [k for k in held.get(NEVER_VISITED, []) if _held_type(world, k) != AGREEMENT_IN_PRINCIPLE]
    _make_active(licences[operating[0]], _held_type(world, operating[0]), today, today - dt.timedelta(days=200))
    # Its first operating licence becomes the stuck one; seed/licence_history.py (run next) dates it
    # and writes its history.
    old = next(k for k in held.get(STUCK_RENEWAL, []) if _held_type(world, k) != AGREEMENT_IN_PRINCIPLE)
    _rename_licence(world, old, STUCK_LICENCE)
    return planted


def _rename_institutions(world: World, renames: dict[str, str]) -> None:
    """New keys and names; the rest of each row (kind, place, founding, residents, source) stays."""
    ds = world.ds
    for row in ds.nodes[Label.INSTITUTION]:
        new = renames.get(row["key"])
        if new:
            row["key"] = new
            en, fa = _NAMES[new]
            row["props"].update(nameEn=f"{en} {GEN_EN}", nameFa=f"{fa} {GEN_FA}",
                                source=f"{row['props']['source']}; planted case for supervision tests")
    for rel, rows in ds.rels.items():
        start, end = ENDPOINTS[rel]
        for r in rows if Label.INSTITUTION in (start, end) else ():
            if start is Label.INSTITUTION and r["start"] in renames:
                r["start"] = renames[r["start"]]
            if end is Label.INSTITUTION and r["end"] in renames:
                r["end"] = renames[r["end"]]
    world.institutions[:] = [i._replace(key=renames.get(i.key, i.key)) for i in world.institutions]
    world.offers = {renames.get(k, k): v for k, v in world.offers.items()}
    world.flagships = {renames.get(k, k) for k in world.flagships}


def _held_licences(world: World) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in world.ds.rels.get(Rel.HOLDS, []):
        out.setdefault(r["start"], []).append(r["end"])
    return out


def _held_type(world: World, licence: str) -> str:
    return next(r["end"] for r in world.ds.rels[Rel.OF_TYPE] if r["start"] == licence)


def _rename_licence(world: World, old: str, new: str) -> None:
    ds = world.ds
    for row in ds.nodes[Label.LICENCE]:
        if row["key"] == old:
            row["key"] = new
    for rel in (Rel.HOLDS, Rel.LICENSES, Rel.OF_TYPE):
        start, end = ENDPOINTS[rel]
        for r in ds.rels.get(rel, []):
            if start is Label.LICENCE and r["start"] == old:
                r["start"] = new
            if end is Label.LICENCE and r["end"] == old:
                r["end"] = new


def _make_active(props: dict[str, object], type_key: str, today: dt.date, issued: dt.date) -> None:
    """An operating licence in force on ``today``, issued on ``issued`` (its number follows the year)."""
    years = LICENCE_TYPE_BY_KEY[type_key].validity_years
    expires = _add_years(issued, years)
    if expires <= today:
        raise ValueError(f"a licence issued on {issued} for {years} years is not in force on {today}")
    number = str(props["number"]).split("-")
    number[2] = str(jdatetime.date.fromgregorian(date=issued).year)
    props.update(status=LicenceStatus.ACTIVE.value, issuedOn=issued.isoformat(), expiresOn=expires.isoformat(),
                 number="-".join(number))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day from ``first`` to ``last`` inclusive (``first`` when the span is empty)."""
    span = max(0, last.toordinal() - first.toordinal())
    return dt.date.fromordinal(first.toordinal() + int(rng.random() * (span + 1)))
