"""The service catalogue: services in the three domains, target groups and licence types.

This is reference data written for the hub, not copied from an official register: the
services and licence types are real kinds of welfare provision in Iran, but the list is a
representative subset. The organisation issues 92 licence types (Khuzestan welfare PR,
19 Mordad report); the catalogue holds the few that the seed's institutions need.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph_model.enums import InstitutionKind, Label, Rel, ServiceDomain
from seed.dataset import Dataset

SOURCE = "Participation Hub catalogue (representative subset)"
LICENCE_TYPE_SOURCE = ("Participation Hub catalogue (representative subset of the 92 licence types "
                       "reported by Khuzestan welfare PR, 19 Mordad)")

P, S, R = ServiceDomain.PREVENTION, ServiceDomain.SOCIAL, ServiceDomain.REHABILITATION


@dataclass(frozen=True)
class TargetGroup:
    key: str
    name_en: str
    name_fa: str


@dataclass(frozen=True)
class Service:
    key: str
    name_en: str
    name_fa: str
    domain: ServiceDomain
    serves: tuple[str, ...]
    capacity: tuple[int, int]  # places (residential) or people a year (the rest) an institution offers


@dataclass(frozen=True)
class LicenceType:
    key: str
    name_en: str
    name_fa: str
    validity_years: int
    permits: tuple[str, ...]


TARGET_GROUPS: tuple[TargetGroup, ...] = (
    TargetGroup("tg-disability", "People with disabilities", "افراد دارای معلولیت"),
    TargetGroup("tg-elderly", "The elderly", "سالمندان"),
    TargetGroup("tg-low-income", "Low-income households", "خانوارهای کم‌برخوردار"),
    TargetGroup("tg-addiction", "People with addiction", "افراد درگیر اعتیاد"),
    TargetGroup("tg-children", "Children and adolescents", "کودکان و نوجوانان"),
    TargetGroup("tg-women-heads", "Women heads of household", "زنان سرپرست خانوار"),
    TargetGroup("tg-mental-illness", "People with chronic mental illness", "بیماران روانی مزمن"),
)

SERVICES: tuple[Service, ...] = (
    Service("svc-positive-life", "Addiction prevention and harm reduction (Positive Life)",
            "پیشگیری و کاهش آسیب اعتیاد (مثبت زندگی)", P, ("tg-addiction", "tg-children"), (200, 1500)),
    Service("svc-counselling-1480", "Counselling hotline 1480", "صدای مشاور ۱۴۸۰", P,
            ("tg-low-income", "tg-women-heads", "tg-children"), (500, 5000)),
    Service("svc-early-childhood", "Early childhood development and kindergartens",
            "توسعه دوران اولیه کودکی و مهدهای کودک", P, ("tg-children",), (40, 200)),
    Service("svc-amblyopia-screening", "Amblyopia (lazy eye) screening of children",
            "پیشگیری از تنبلی چشم کودکان", P, ("tg-children",), (300, 3000)),
    Service("svc-addiction-outpatient", "Outpatient addiction treatment", "درمان سرپایی اعتیاد", P,
            ("tg-addiction",), (50, 400)),
    Service("svc-addiction-residential", "Residential mid-term addiction recovery",
            "اقامتی میان‌مدت بهبودی از اعتیاد", P, ("tg-addiction",), (15, 60)),
    Service("svc-life-skills", "Life-skills and parenting training", "آموزش مهارت‌های زندگی و فرزندپروری",
            P, ("tg-children", "tg-women-heads", "tg-low-income"), (100, 800)),
    Service("svc-social-emergency", "Social emergency (123) and crisis intervention",
            "اورژانس اجتماعی ۱۲۳ و مداخله در بحران", S, ("tg-children", "tg-women-heads"), (200, 2000)),
    Service("svc-women-heads-empowerment", "Empowerment of women heads of household",
            "توانمندسازی زنان سرپرست خانوار", S, ("tg-women-heads",), (30, 300)),
    Service("svc-child-residential", "Residential care for children without adequate guardianship",
            "نگهداری کودکان و نوجوانان بی‌سرپرست و بدسرپرست", S, ("tg-children",), (8, 40)),
    Service("svc-livelihood", "Livelihood support and employment", "حمایت معیشتی و اشتغال مددجویان", S,
            ("tg-low-income", "tg-women-heads", "tg-disability"), (50, 600)),
    Service("svc-housing", "Housing support for families in need", "تأمین مسکن مددجویان", S,
            ("tg-low-income", "tg-disability"), (5, 60)),
    Service("svc-residential-disability", "Residential (24-hour) care for people with disabilities",
            "نگهداری شبانه‌روزی افراد دارای معلولیت", R, ("tg-disability",), (15, 80)),
    Service("svc-residential-elderly", "Residential (24-hour) care for the elderly",
            "نگهداری شبانه‌روزی سالمندان", R, ("tg-elderly",), (15, 80)),
    Service("svc-elderly-day-care", "Elderly day care", "مراقبت روزانه سالمندان", R, ("tg-elderly",),
            (20, 80)),
    Service("svc-disability-day-care", "Day rehabilitation for people with disabilities",
            "توانبخشی روزانه افراد دارای معلولیت", R, ("tg-disability",), (20, 100)),
    Service("svc-home-rehab", "Home-based rehabilitation and care", "توانبخشی و مراقبت در منزل", R,
            ("tg-disability", "tg-elderly"), (30, 250)),
    Service("svc-community-rehab", "Community-based rehabilitation", "توانبخشی مبتنی بر جامعه", R,
            ("tg-disability",), (50, 500)),
    Service("svc-assistive-devices", "Assistive devices and rehabilitation aids",
            "تأمین وسایل کمک توانبخشی", R, ("tg-disability", "tg-elderly"), (30, 400)),
    Service("svc-psychiatric-care", "Care for people with chronic mental illness",
            "نگهداری و توانبخشی بیماران روانی مزمن", R, ("tg-mental-illness",), (15, 60)),
)

AGREEMENT_IN_PRINCIPLE = "lt-agreement-in-principle"

LICENCE_TYPES: tuple[LicenceType, ...] = (
    # The first step of every centre: a one-year approval to build and staff it; the
    # operating licence (پروانه فعالیت) follows. Renewal of both is a known pain point.
    LicenceType(AGREEMENT_IN_PRINCIPLE, "Agreement in principle (establishment approval)",
                "موافقت اصولی تأسیس", 1, tuple(s.key for s in SERVICES)),
    LicenceType("lt-op-residential-disability", "Operating licence: residential centre for people with "
                "disabilities", "پروانه فعالیت مرکز شبانه‌روزی افراد دارای معلولیت", 5,
                ("svc-residential-disability",)),
    LicenceType("lt-op-residential-elderly", "Operating licence: residential centre for the elderly",
                "پروانه فعالیت مرکز شبانه‌روزی سالمندان", 5, ("svc-residential-elderly",)),
    LicenceType("lt-op-day-rehab", "Operating licence: day rehabilitation centre",
                "پروانه فعالیت مرکز توانبخشی روزانه", 5,
                ("svc-disability-day-care", "svc-elderly-day-care")),
    LicenceType("lt-op-home-care", "Operating licence: home care and rehabilitation services",
                "پروانه فعالیت مرکز خدمات مراقبت و توانبخشی در منزل", 3,
                ("svc-home-rehab", "svc-community-rehab")),
    LicenceType("lt-op-positive-life", "Operating licence: Positive Life centre",
                "پروانه فعالیت مرکز مثبت زندگی", 3, ("svc-positive-life", "svc-life-skills")),
    LicenceType("lt-op-counselling", "Operating licence: counselling centre",
                "پروانه فعالیت مرکز مشاوره", 5, ("svc-counselling-1480", "svc-life-skills")),
    LicenceType("lt-op-addiction-outpatient", "Operating licence: outpatient addiction treatment centre",
                "پروانه فعالیت مرکز درمان سرپایی اعتیاد", 3, ("svc-addiction-outpatient",)),
    LicenceType("lt-op-addiction-residential", "Operating licence: residential addiction recovery centre",
                "پروانه فعالیت مرکز اقامتی میان‌مدت درمان اعتیاد", 3, ("svc-addiction-residential",)),
    LicenceType("lt-op-kindergarten", "Operating licence: kindergarten", "پروانه فعالیت مهد کودک", 5,
                ("svc-early-childhood", "svc-amblyopia-screening")),
    LicenceType("lt-op-child-home", "Operating licence: children's residential home",
                "پروانه فعالیت خانه کودکان و نوجوانان", 5, ("svc-child-residential",)),
    LicenceType("lt-op-crisis-centre", "Operating licence: crisis intervention centre",
                "پروانه فعالیت مرکز مداخله در بحران", 5, ("svc-social-emergency",)),
    LicenceType("lt-op-psychiatric", "Operating licence: care centre for chronic mental illness",
                "پروانه فعالیت مرکز نگهداری بیماران روانی مزمن", 5, ("svc-psychiatric-care",)),
    LicenceType("lt-charity-institute", "Establishment licence: charitable institute",
                "پروانه تأسیس مؤسسه خیریه", 5,
                ("svc-livelihood", "svc-housing", "svc-assistive-devices", "svc-women-heads-empowerment")),
    LicenceType("lt-ngo-activity", "Activity permit: non-governmental organisation (saman)",
                "مجوز فعالیت سازمان مردم‌نهاد", 5,
                ("svc-women-heads-empowerment", "svc-life-skills", "svc-community-rehab",
                 "svc-livelihood")),
)

# Which services each kind of institution may offer (the first is its main service).
KIND_SERVICES: dict[InstitutionKind, tuple[str, ...]] = {
    InstitutionKind.CHARITY: ("svc-livelihood", "svc-housing", "svc-women-heads-empowerment",
                              "svc-assistive-devices"),
    InstitutionKind.NGO: ("svc-life-skills", "svc-women-heads-empowerment", "svc-community-rehab",
                          "svc-livelihood"),
    InstitutionKind.REHABILITATION_CENTRE: ("svc-disability-day-care", "svc-home-rehab",
                                            "svc-community-rehab", "svc-assistive-devices"),
    InstitutionKind.RESIDENTIAL_CARE: ("svc-residential-disability", "svc-residential-elderly",
                                       "svc-child-residential", "svc-psychiatric-care"),
    InstitutionKind.DISABLED_ELDERLY_CARE: ("svc-residential-elderly", "svc-residential-disability",
                                            "svc-elderly-day-care", "svc-disability-day-care"),
    InstitutionKind.POSITIVE_LIFE_CENTRE: ("svc-positive-life", "svc-life-skills"),
    InstitutionKind.DAY_CARE: ("svc-elderly-day-care", "svc-disability-day-care", "svc-early-childhood",
                               "svc-amblyopia-screening"),
    InstitutionKind.COUNSELLING_CENTRE: ("svc-counselling-1480", "svc-life-skills",
                                         "svc-social-emergency"),
    InstitutionKind.ADDICTION_TREATMENT: ("svc-addiction-outpatient", "svc-addiction-residential"),
    InstitutionKind.NGO_HOUSE: ("svc-life-skills", "svc-community-rehab"),
}

SERVICE_BY_KEY: dict[str, Service] = {s.key: s for s in SERVICES}
LICENCE_TYPE_BY_KEY: dict[str, LicenceType] = {lt.key: lt for lt in LICENCE_TYPES}
# The operating licence types that permit each service (the agreement in principle excluded).
OPERATING_TYPES: dict[str, tuple[str, ...]] = {
    s.key: tuple(lt.key for lt in LICENCE_TYPES if lt.key != AGREEMENT_IN_PRINCIPLE and s.key in lt.permits)
    for s in SERVICES
}


def add_catalogue(ds: Dataset) -> None:
    """Write services, target groups, licence types and the SERVES / PERMITS links."""
    for tg in TARGET_GROUPS:
        ds.node(Label.TARGET_GROUP, tg.key, nameFa=tg.name_fa, nameEn=tg.name_en,
                source=SOURCE, generated=False)
    for s in SERVICES:
        ds.node(Label.SERVICE, s.key, nameFa=s.name_fa, nameEn=s.name_en, domain=s.domain.value,
                source=SOURCE, generated=False)
        for tg_key in s.serves:
            ds.rel(Rel.SERVES, s.key, tg_key)
    for lt in LICENCE_TYPES:
        ds.node(Label.LICENCE_TYPE, lt.key, nameFa=lt.name_fa, nameEn=lt.name_en,
                validityYears=lt.validity_years, source=LICENCE_TYPE_SOURCE, generated=False)
        for svc_key in lt.permits:
            ds.rel(Rel.PERMITS, lt.key, svc_key)
