"""Persian labels of the domain's closed vocabularies, as a welfare office writes them in its registers.

A spreadsheet says «خیریه», not CHARITY; «فعال», not ACTIVE. ``hub import`` (graph_model.importing.values
.read_enum) accepts, for an enum cell, the English value or one of these words, and shows them in
``hub import --columns`` and in its Persian messages. ``FA`` holds one label per value (what the hub
shows); ``ALSO`` a few other spellings or synonyms people commonly type for the same value.

The terms are the project's own where it has one (the comments of graph_model.enums, the
parenthesised terms of hub/schema/enums.py, web/src/messages/fa.ts, DOMAIN.md); council and
assessment levels, licence statuses other than the first two, member roles' spellings, assessor
kinds and assessment levels beyond the organisation's offices are the plain standard Persian words.

Words compare after ``fold``: graph_model.text.normalise (Arabic ي/ك and other letter forms, ZWNJ,
diacritics, digits, case) and then without spaces, so «توان‌بخشی», «توان بخشی» and «توانبخشی» are one
word. tests/test_import_enum_labels.py checks every value of every enum an import column uses has a
label, and that no two values of one enum share a folded word.
"""

from __future__ import annotations

from enum import Enum
from functools import cache

from graph_model.enums import (
    AssessmentLevel,
    AssessorKind,
    CouncilKind,
    CouncilLevel,
    CriterionArea,
    DonorKind,
    EventKind,
    InstitutionKind,
    LicenceStatus,
    MemberRole,
    ServiceDomain,
)
from graph_model.text import normalise

FA: dict[Enum, str] = {
    InstitutionKind.CHARITY: "خیریه",
    InstitutionKind.NGO: "سمن",
    InstitutionKind.REHABILITATION_CENTRE: "مرکز توانبخشی",
    InstitutionKind.RESIDENTIAL_CARE: "مرکز شبانه‌روزی",
    InstitutionKind.DISABLED_ELDERLY_CARE: "مرکز نگهداری معلولان و سالمندان",
    InstitutionKind.POSITIVE_LIFE_CENTRE: "مرکز مثبت زندگی",
    InstitutionKind.DAY_CARE: "مرکز روزانه",
    InstitutionKind.COUNSELLING_CENTRE: "مرکز مشاوره",
    InstitutionKind.ADDICTION_TREATMENT: "مرکز درمان اعتیاد",
    InstitutionKind.NGO_HOUSE: "خانه سمن‌ها",
    DonorKind.INDIVIDUAL: "خیر حقیقی",
    DonorKind.COMPANY: "شرکت",
    DonorKind.CONTRACTOR: "پیمانکار",
    DonorKind.FOUNDATION: "بنیاد خیریه",
    DonorKind.PUBLIC_COMPANY: "شرکت دولتی/عمومی",
    CouncilKind.PARTICIPATION_COUNCIL: "شورای مشارکت‌ها",
    CouncilKind.SUPERVISION_COMMITTEE: "کمیته نظارت",
    CouncilKind.ARTICLE_26_COMMISSION: "کمیسیون ماده ۲۶",
    CouncilKind.SUPERVISORY_BOARD: "هیئت نظارت",
    CouncilLevel.NATIONAL: "ملی",
    CouncilLevel.PROVINCIAL: "استانی",
    CouncilLevel.COUNTY: "شهرستانی",
    MemberRole.CHAIR: "رئیس",
    MemberRole.SECRETARY: "دبیر",
    MemberRole.MEMBER: "عضو",
    MemberRole.OBSERVER: "ناظر",
    LicenceStatus.AGREEMENT_IN_PRINCIPLE: "موافقت اصولی",
    LicenceStatus.ACTIVE: "فعال",
    LicenceStatus.EXPIRED: "منقضی",
    LicenceStatus.SUSPENDED: "تعلیق‌شده",
    LicenceStatus.REVOKED: "لغوشده",
    AssessmentLevel.SELF: "خودارزیابی",
    AssessmentLevel.COUNTY: "شهرستانی",
    AssessmentLevel.PROVINCIAL: "استانی",
    AssessmentLevel.NATIONAL: "ملی",
    AssessmentLevel.GUILD: "صنفی",
    AssessmentLevel.STAKEHOLDER: "ذی‌نفعان",
    AssessmentLevel.EXPERT: "کارشناس مستقل",
    AssessorKind.PERSON: "شخص",
    AssessorKind.OFFICE: "اداره",
    AssessorKind.BODY: "نهاد",
    AssessorKind.INSTITUTION: "موسسه",
    EventKind.MAWKIB: "موکب",
    EventKind.COUNCIL_SESSION: "نشست شورا",
    EventKind.TRAINING: "دوره آموزشی",
    EventKind.CHARITY_EVENT: "رویداد خیریه",
    EventKind.RELIGIOUS_OUTREACH: "مناسبت مذهبی",
    EventKind.MEETING: "نشست هم‌اندیشی",
    # Not in any import column today; labelled because the project names them in Persian.
    ServiceDomain.PREVENTION: "پیشگیری",
    ServiceDomain.SOCIAL: "اجتماعی",
    ServiceDomain.REHABILITATION: "توانبخشی",
    CriterionArea.GOVERNANCE: "حاکمیت و مدیریت",
    CriterionArea.STAFFING: "نیروی انسانی",
    CriterionArea.FACILITIES: "فضا و تجهیزات",
    CriterionArea.SERVICE_QUALITY: "کیفیت خدمات",
    CriterionArea.FINANCES: "امور مالی",
    CriterionArea.SATISFACTION: "رضایت مددجویان",
}

# Other words accepted for a value (never shown): long forms, the plural or adjective people also
# write, and spellings that folding alone does not join (هیئت / هیأت).
ALSO: dict[Enum, tuple[str, ...]] = {
    InstitutionKind.CHARITY: ("موسسه خیریه",),
    InstitutionKind.NGO: ("سازمان مردم‌نهاد", "سازمان مردم نهاد"),
    InstitutionKind.RESIDENTIAL_CARE: ("شبانه‌روزی",),
    InstitutionKind.POSITIVE_LIFE_CENTRE: ("مثبت زندگی",),
    InstitutionKind.NGO_HOUSE: ("خانه سمن",),
    DonorKind.INDIVIDUAL: ("خیر", "شخص حقیقی"),
    DonorKind.COMPANY: ("شرکت خصوصی",),
    DonorKind.FOUNDATION: ("بنیاد",),
    DonorKind.PUBLIC_COMPANY: ("شرکت دولتی", "شرکت عمومی"),
    CouncilKind.PARTICIPATION_COUNCIL: ("شورای مشارکت",),
    CouncilKind.SUPERVISORY_BOARD: ("هیأت نظارت",),
    CouncilLevel.NATIONAL: ("کشوری",),
    CouncilLevel.PROVINCIAL: ("استان",),
    CouncilLevel.COUNTY: ("شهرستان",),
    MemberRole.CHAIR: ("رییس شورا", "رئیس شورا"),
    MemberRole.SECRETARY: ("دبیر شورا",),
    MemberRole.OBSERVER: ("عضو ناظر",),
    LicenceStatus.ACTIVE: ("پروانه فعالیت", "معتبر"),
    LicenceStatus.EXPIRED: ("منقضی‌شده", "منقضی شده"),
    LicenceStatus.SUSPENDED: ("تعلیق", "معلق"),
    LicenceStatus.REVOKED: ("لغو", "ابطال", "باطل‌شده"),
    AssessmentLevel.SELF: ("خود ارزیابی",),
    AssessmentLevel.COUNTY: ("شهرستان",),
    AssessmentLevel.PROVINCIAL: ("استان",),
    AssessmentLevel.NATIONAL: ("کشوری", "ستاد"),
    AssessmentLevel.GUILD: ("تشکل صنفی",),
    AssessmentLevel.STAKEHOLDER: ("ذینفع",),
    AssessmentLevel.EXPERT: ("کارشناس",),
    AssessorKind.PERSON: ("کارشناس",),
    AssessorKind.BODY: ("تشکل",),
    EventKind.COUNCIL_SESSION: ("جلسه شورا",),
    EventKind.TRAINING: ("کارگاه آموزشی",),
    EventKind.MEETING: ("جلسه",),
}


def fold(text: str) -> str:
    """The form words compare in: the search folding (graph_model.text.normalise), without spaces."""
    return normalise(text).replace(" ", "")


def label(member: Enum) -> str:
    """The Persian label of ``member``, or its English value where it has none."""
    return FA.get(member, str(member.value))


def labelled(enum: type[Enum]) -> bool:
    return all(m in FA for m in enum)


@cache
def words(enum: type[Enum]) -> dict[str, Enum]:
    """Every accepted Persian word of ``enum``, folded, -> its member."""
    found: dict[str, Enum] = {}
    for member in enum:
        for word in (FA[member], *ALSO.get(member, ())) if member in FA else ():
            found.setdefault(fold(word), member)
    return found


def from_persian(text: str, enum: type[Enum]) -> Enum | None:
    """The member of ``enum`` whose label or other word ``text`` is (after folding), or None."""
    return words(enum).get(fold(text))
