"""The facts of the five source articles (../shared/seeds), shared by every profile.

Real, named entities (councils, officials, the Hazrat Ali Akbar institute, the first NGO
house, the two Arbaeen mawkibs, the meetings) are ``generated=False`` with the article as
``source``. The articles give counts, not lists, so the individual centres behind a count
are generated (and marked so) with their own fixed random seed: the demo and national
profiles therefore hold exactly the same article provinces.

Solar Hijri years are not printed in the articles; they are chosen so the stated weekdays hold:
- 19 Mordad is a Wednesday: 1390 or 1401 in range; 1401 (2022-08-10) fits the report's talk of
  connecting to the government's licensing portal.
- 24 Mordad is a Wednesday: 1397 or 1403; 1403 (2024-08-14) fits "this year's name stresses
  people's participation" (1403: "جهش تولید با مشارکت مردم") and the Arbaeen of August 2024.
- 28 Dey has no weekday; the report names the "تدبیر و امید" government (2013-2021), so
  1392-1399; 1395 (2017-01-17) is an assumption and the source says so.
"""

from __future__ import annotations

import random

import jdatetime

from graph_model.enums import CouncilKind, CouncilLevel, DonorKind, EventKind, Label, MemberRole, Rel
from graph_model.enums import InstitutionKind as K
from seed.naming import iso_days
from seed.reference import county_key
from seed.world import CouncilRef, EventRef, Inst, World, add_generated_institution

KHUZESTAN, MARKAZI, SOUTH_KHORASAN = "IR-06", "IR-00", "IR-29"
ARTICLE_PROVINCES = (KHUZESTAN, MARKAZI, SOUTH_KHORASAN)
ARTICLE_SEED = 1401  # fixed, independent of a profile's seed, so all profiles agree

KHUZESTAN_CENTRES, KHUZESTAN_POSITIVE_LIFE = 820, 189
MARKAZI_CENTRES, MARKAZI_CARE_CENTRES = 107, 40
SOUTH_KHORASAN_INSTITUTIONS, SOUTH_KHORASAN_RESIDENTIAL = 118, 54
HAZRAT_ALI_AKBAR_SHARE_PERCENT = 40

SRC_KHZ_19_MORDAD = "Khuzestan welfare PR, 19 Mordad 1401 report (news code 63465)"
SRC_KHZ_24_MORDAD = "Khuzestan welfare PR, 24 Mordad 1403 report (news code 115146)"
SRC_SKH = "South Khorasan welfare PR, provincial participation council report (news code 132780)"
SRC_MKZ_28_DEY = "Shabestan news agency (Arak), 28 Dey report (year 1395 assumed)"
SRC_MKZ_TASNIM = "Tasnim news agency (Arak), meeting with welfare NGO houses"

HAZRAT_ALI_AKBAR = "inst-birjand-hazrat-ali-akbar"
MARKAZI_NGO_HOUSE = "inst-markazi-first-ngo-house"
KHZ_SUPERVISION_COMMITTEE = "council-khuzestan-supervision-committee"
KHZ_ARTICLE_26 = "council-khuzestan-article-26-commission"
KHZ_SUPERVISORY_BOARD = "council-khuzestan-supervisory-board"
SKH_PARTICIPATION_COUNCIL = "council-south-khorasan-participation"
MKZ_PARTICIPATION_COUNCIL = "council-markazi-participation"
MAWKIB_SHALAMCHEH = "evt-mawkib-shalamcheh"
MAWKIB_CHAZABEH = "evt-mawkib-chazabeh"
EVT_KHZ_SUPERVISION_SESSION = "evt-khuzestan-supervision-19-mordad-1401"
EVT_KHZ_NGO_MEETING = "evt-khuzestan-ngo-meeting-24-mordad-1403"
EVT_MKZ_TRAINING = "evt-markazi-training-28-dey-1395"

# Kind mix behind each article count; the stated sub-counts are exact, the rest is a plausible spread.
KHUZESTAN_KINDS = {K.POSITIVE_LIFE_CENTRE: 189, K.CHARITY: 150, K.NGO: 140, K.DAY_CARE: 80,
                   K.REHABILITATION_CENTRE: 60, K.ADDICTION_TREATMENT: 55, K.DISABLED_ELDERLY_CARE: 50,
                   K.COUNSELLING_CENTRE: 50, K.RESIDENTIAL_CARE: 45, K.NGO_HOUSE: 1}
MARKAZI_KINDS = {K.DISABLED_ELDERLY_CARE: 40, K.CHARITY: 14, K.NGO: 12, K.REHABILITATION_CENTRE: 8,
                 K.POSITIVE_LIFE_CENTRE: 8, K.DAY_CARE: 8, K.ADDICTION_TREATMENT: 7,
                 K.COUNSELLING_CENTRE: 6, K.RESIDENTIAL_CARE: 3}  # + the real NGO house = 107
# No disabled/elderly care here: those are 24-hour centres and the article counts 54 in all.
SOUTH_KHORASAN_KINDS = {K.RESIDENTIAL_CARE: 53, K.CHARITY: 16, K.NGO: 12, K.POSITIVE_LIFE_CENTRE: 10,
                        K.REHABILITATION_CENTRE: 8, K.DAY_CARE: 8, K.COUNSELLING_CENTRE: 5,
                        K.ADDICTION_TREATMENT: 5}  # + Hazrat Ali Akbar = 118, 54 residential

# Donors every profile starts with: the South Khorasan council pursues the social responsibility
# of companies and large road-building and construction contractors, so those provinces have them.
ARTICLE_DONORS: tuple[tuple[str, DonorKind], ...] = (
    (SOUTH_KHORASAN, DonorKind.CONTRACTOR), (SOUTH_KHORASAN, DonorKind.COMPANY),
    (SOUTH_KHORASAN, DonorKind.PUBLIC_COMPANY), (KHUZESTAN, DonorKind.COMPANY),
    (KHUZESTAN, DonorKind.FOUNDATION), (KHUZESTAN, DonorKind.CONTRACTOR),
    (MARKAZI, DonorKind.COMPANY), (MARKAZI, DonorKind.FOUNDATION),
)

FOUNDED_DAYS = iso_days(jdatetime.date(1374, 1, 1).togregorian(), jdatetime.date(1403, 12, 29).togregorian())

# City centres (approximate) for the real places the articles name.
BIRJAND, AHVAZ, ARAK = (32.8663, 59.2211), (31.3183, 48.6706), (34.0917, 49.6892)
# From "15 km west of Khorramshahr" (IRIB) and "17 km north-west of Bostan" (IRNA): approximate.
SHALAMCHEH, CHAZABEH = (30.44, 48.01), (31.83, 47.86)


def jalali_iso(year: int, month: int, day: int) -> str:
    return jdatetime.date(year, month, day).togregorian().isoformat()


def _article_source(province: str) -> str:
    return {KHUZESTAN: f"generated to match {SRC_KHZ_19_MORDAD}",
            MARKAZI: f"generated to match {SRC_MKZ_28_DEY}",
            SOUTH_KHORASAN: f"generated to match {SRC_SKH}"}[province]


def _spread(world: World, rng: random.Random, province: str, kinds: dict[K, int],
            residents: dict[K, tuple[int, int]]) -> list[Inst]:
    counties = world.ref.counties_of(province)
    weights = [c.population ** 0.8 for c in counties]  # big counties host more, small ones still some
    plan = [kind for kind, n in kinds.items() for _ in range(n)]
    rng.shuffle(plan)
    # Every county has at least one centre; the rest follow population.
    places = list(counties) + rng.choices(counties, weights, k=len(plan) - len(counties))
    out = []
    for kind, county in zip(plan, places, strict=False):  # fewer centres than counties: some get none
        span = residents.get(kind)
        out.append(add_generated_institution(
            world, rng, county.key, kind, rng.choice(FOUNDED_DAYS), _article_source(province),
            residents=rng.randint(*span) if span else None))
    return out


def _real_institution(world: World, key: str, county: str, kind: K, lat_lon: tuple[float, float],
                      source: str, name_fa: str, name_en: str, residents: int | None = None) -> None:
    props: dict[str, object] = {"nameFa": name_fa, "nameEn": name_en, "kind": kind.value,
                                "lat": lat_lon[0], "lon": lat_lon[1], "generated": False, "source": source}
    if residents is not None:
        props["residents"] = residents
    world.ds.node(Label.INSTITUTION, key, **props)
    world.ds.rel(Rel.LOCATED_IN, key, county)
    world.institutions.append(Inst(key, county, world.ref.county(county).province_key, kind, None, residents))


def add_article_institutions(world: World) -> None:
    """The centres behind the article counts, the Hazrat Ali Akbar institute and the NGO house."""
    rng = random.Random(ARTICLE_SEED)
    care = {K.RESIDENTIAL_CARE: (12, 45), K.DISABLED_ELDERLY_CARE: (15, 60)}
    _spread(world, rng, KHUZESTAN, KHUZESTAN_KINDS, care)
    _real_institution(world, MARKAZI_NGO_HOUSE, county_key(MARKAZI, "Arak", world.ref), K.NGO_HOUSE, ARAK,
                      f"{SRC_MKZ_TASNIM} (the first welfare NGO opened; county Arak assumed)",
                      "نخستین خانه سازمان‌های مردم‌نهاد بهزیستی استان مرکزی",
                      "First welfare NGO house of Markazi province")
    _spread(world, rng, MARKAZI, MARKAZI_KINDS, care)
    others = _spread(world, rng, SOUTH_KHORASAN, SOUTH_KHORASAN_KINDS, {K.RESIDENTIAL_CARE: (6, 24)})
    # Hazrat Ali Akbar holds 40% of all residents of the 54 residential centres, so the other
    # 53 hold 60%: make their total a multiple of 3 and give the institute two thirds of it.
    residential = [i for i in others if i.kind is K.RESIDENTIAL_CARE]
    rows = {r["key"]: r for r in world.ds.nodes[Label.INSTITUTION][-len(others):]}
    rest = sum(rows[i.key]["props"]["residents"] for i in residential)
    last = residential[-1]
    rows[last.key]["props"]["residents"] += (-rest) % 3
    world.institutions[world.institutions.index(last)] = last._replace(
        residents=rows[last.key]["props"]["residents"])
    rest += (-rest) % 3
    _real_institution(world, HAZRAT_ALI_AKBAR, county_key(SOUTH_KHORASAN, "Birjand", world.ref),
                      K.RESIDENTIAL_CARE, BIRJAND,
                      f"{SRC_SKH}; residents set to 40% of the province's residential total "
                      "(the share is the article's, the head count illustrative)",
                      "موسسه خیریه توانبخشی حضرت علی اکبر (ع) بیرجند",
                      "Hazrat Ali Akbar charitable rehabilitation institute, Birjand",
                      residents=rest * 2 // 3)


COUNCILS = (
    (KHZ_SUPERVISION_COMMITTEE, KHUZESTAN, CouncilKind.SUPERVISION_COMMITTEE, SRC_KHZ_19_MORDAD,
     "کمیته نظارت بر موسسات و مراکز غیردولتی بهزیستی خوزستان",
     "Khuzestan welfare supervision committee over non-governmental institutions and centres"),
    (KHZ_ARTICLE_26, KHUZESTAN, CouncilKind.ARTICLE_26_COMMISSION, SRC_KHZ_19_MORDAD,
     "کمیسیون ماده ۲۶ بهزیستی خوزستان", "Khuzestan welfare Article 26 commission"),
    (KHZ_SUPERVISORY_BOARD, KHUZESTAN, CouncilKind.SUPERVISORY_BOARD, SRC_KHZ_19_MORDAD,
     "هیئت نظارت بر موسسات و مراکز غیردولتی بهزیستی خوزستان",
     "Khuzestan supervisory board over non-governmental institutions and centres"),
    (SKH_PARTICIPATION_COUNCIL, SOUTH_KHORASAN, CouncilKind.PARTICIPATION_COUNCIL,
     f"{SRC_SKH}: pursues corporate social responsibility of companies",
     "شورای مشارکت‌های بهزیستی استان خراسان جنوبی", "South Khorasan welfare participation council"),
    (MKZ_PARTICIPATION_COUNCIL, MARKAZI, CouncilKind.PARTICIPATION_COUNCIL,
     f"{SRC_MKZ_28_DEY}; {SRC_MKZ_TASNIM} (the provincial council itself is assumed)",
     "شورای مشارکت‌های بهزیستی استان مرکزی", "Markazi welfare participation council"),
)

# (key, Persian, English, title, source, memberships). Roles are read from who spoke and
# summed up in each report, an inference the articles do not state outright.
PERSONS = (
    ("person-behrouz-rafiei", "دکتر بهروز رفیعی", "Dr Behrouz Rafiei", "Director General, Markazi welfare",
     SRC_MKZ_28_DEY, ((MKZ_PARTICIPATION_COUNCIL, MemberRole.CHAIR),)),
    ("person-gholamreza-vanaei", "غلامرضا ونایی", "Gholamreza Vanaei",
     "Deputy for rehabilitation, Markazi welfare", SRC_MKZ_TASNIM,
     ((MKZ_PARTICIPATION_COUNCIL, MemberRole.MEMBER),)),
    ("person-mehran-karimian", "مهران کریمیان", "Mehran Karimian", "Director General, Khuzestan welfare",
     SRC_KHZ_19_MORDAD, ((KHZ_SUPERVISION_COMMITTEE, MemberRole.CHAIR), (KHZ_ARTICLE_26, MemberRole.CHAIR))),
    ("person-babak-ghanei", "بابک قانعی", "Babak Ghanei",
     "Director General, national office for development and supervision of non-governmental centres",
     SRC_KHZ_19_MORDAD, ((KHZ_SUPERVISION_COMMITTEE, MemberRole.OBSERVER),)),
    ("person-gholamali-jafari", "سید غلامعلی جعفری", "Seyed Gholamali Jafari",
     "Deputy for rehabilitation, Khuzestan welfare", SRC_KHZ_19_MORDAD,
     ((KHZ_SUPERVISION_COMMITTEE, MemberRole.MEMBER), (KHZ_ARTICLE_26, MemberRole.MEMBER))),
    ("person-ramin-kiani", "رامین کیانی", "Ramin Kiani", "Head of ICT, Khuzestan welfare",
     SRC_KHZ_19_MORDAD, ((KHZ_SUPERVISION_COMMITTEE, MemberRole.MEMBER),)),
    ("person-rostam-kordzangeneh", "رستم کردزنگنه", "Rostam Kordzangeneh",
     "Deputy for public participation, Khuzestan welfare", SRC_KHZ_24_MORDAD,
     ((KHZ_ARTICLE_26, MemberRole.MEMBER), (KHZ_SUPERVISORY_BOARD, MemberRole.MEMBER))),
    ("person-sharafi", "شرفی", "Sharafi", "Director General, South Khorasan welfare", SRC_SKH,
     ((SKH_PARTICIPATION_COUNCIL, MemberRole.SECRETARY),)),
    ("person-sherafati", "شرافتی", "Sherafati",
     "Political, security and social deputy of the South Khorasan governorate", SRC_SKH,
     ((SKH_PARTICIPATION_COUNCIL, MemberRole.CHAIR),)),
)


def add_article_network(world: World) -> None:
    """Councils, officials and the dated events of the articles."""
    ds = world.ds
    for key, province, kind, source, name_fa, name_en in COUNCILS:
        ds.node(Label.COUNCIL, key, nameFa=name_fa, nameEn=name_en, kind=kind.value,
                level=CouncilLevel.PROVINCIAL.value, generated=False, source=source)
        ds.rel(Rel.COVERS_PROVINCE, key, province)
        world.councils.append(CouncilRef(key, province, None))
    for key, name_fa, name_en, title, source, seats in PERSONS:
        ds.node(Label.PERSON, key, nameFa=name_fa, nameEn=name_en, title=title, generated=False,
                source=source)
        for council, role in seats:
            ds.rel(Rel.PERSON_MEMBER_OF, key, council, role=role.value)
    _add_events(world)


def _event(world: World, key: str, county: str, kind: EventKind, starts: str, ends: str | None,
           lat_lon: tuple[float, float], source: str, name_fa: str, name_en: str) -> None:
    props: dict[str, object] = {"nameFa": name_fa, "nameEn": name_en, "kind": kind.value,
                                "startsOn": starts, "lat": lat_lon[0], "lon": lat_lon[1],
                                "generated": False, "source": source}
    if ends:
        props["endsOn"] = ends
    world.ds.node(Label.EVENT, key, **props)
    world.ds.rel(Rel.HELD_IN, key, county)
    world.events.append(EventRef(key, world.ref.county(county).province_key, starts))


def _add_events(world: World) -> None:
    ref, ds = world.ref, world.ds
    ahvaz = county_key(KHUZESTAN, "Ahvaz", ref)
    _event(world, EVT_KHZ_SUPERVISION_SESSION, ahvaz, EventKind.COUNCIL_SESSION, jalali_iso(1401, 5, 19),
           None, AHVAZ, SRC_KHZ_19_MORDAD,
           "جلسه کمیته نظارت بر موسسات و مراکز غیردولتی بهزیستی خوزستان (۱۹ مرداد ۱۴۰۱)",
           "Session of the Khuzestan supervision committee (19 Mordad 1401)")
    ds.rel(Rel.ORGANISED_BY_COUNCIL, EVT_KHZ_SUPERVISION_SESSION, KHZ_SUPERVISION_COMMITTEE)
    _event(world, EVT_KHZ_NGO_MEETING, ahvaz, EventKind.MEETING, jalali_iso(1403, 5, 24), None, AHVAZ,
           f"{SRC_KHZ_24_MORDAD}: day of NGOs and social participation",
           "نشست هم‌اندیشی مدیرکل بهزیستی خوزستان با تشکل‌های مردمی و موسسات غیردولتی (۲۴ مرداد ۱۴۰۳)",
           "Consultation meeting of Khuzestan welfare with NGOs and non-governmental institutions "
           "(24 Mordad 1403)")
    # Arbaeen 1446 fell on 25 August 2024; the 24 Mordad report already speaks of both mawkibs.
    mawkib_source = f"{SRC_KHZ_24_MORDAD}; dates approximate around Arbaeen (25 Aug 2024)"
    for key, county, where, fa, en in (
            (MAWKIB_SHALAMCHEH, county_key(KHUZESTAN, "Khorramshahr", ref), SHALAMCHEH, "شلمچه", "Shalamcheh"),
            (MAWKIB_CHAZABEH, county_key(KHUZESTAN, "Dasht-e Azadegan", ref), CHAZABEH, "چذابه", "Chazabeh")):
        _event(world, key, county, EventKind.MAWKIB, "2024-08-14", "2024-08-30", where, mawkib_source,
               f"موکب خدمات بهزیستی خوزستان در مرز {fa}",
               f"Khuzestan welfare Arbaeen mawkib at the {en} border crossing")
        for service in ("svc-social-emergency", "svc-counselling-1480", "svc-assistive-devices"):
            ds.rel(Rel.PROVIDED, key, service)
    _event(world, EVT_MKZ_TRAINING, county_key(MARKAZI, "Arak", ref), EventKind.TRAINING,
           jalali_iso(1395, 10, 28), None, ARAK, SRC_MKZ_28_DEY,
           "دوره آموزشی بازآموزی مدیران و مسئولان فنی مراکز غیردولتی (۲۸ دی)",
           "Refresher training for managers and technical heads of non-governmental centres (28 Dey)")
    # Who attended is not listed: a few generated centres of the province stand in for them.
    rng = random.Random(ARTICLE_SEED + 1)
    by_province = world.by_province()
    for event, province, role, n, on in (
            (EVT_KHZ_NGO_MEETING, KHUZESTAN, "participant", 12, jalali_iso(1403, 5, 24)),
            (EVT_MKZ_TRAINING, MARKAZI, "trainee", 15, jalali_iso(1395, 10, 28))):
        founded_before = [i for i in by_province[province] if i.founded and i.founded < on]
        for inst in rng.sample(founded_before, n):
            ds.rel(Rel.PARTICIPATED_IN, inst.key, event, role=role)
