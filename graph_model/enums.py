"""Labels, relationship types and the domain's closed vocabularies.

Labels and relationship types in Cypher text are never user input: every one a statement
names is a member of these enums. Generated statements (upserts, creates, link writes) take them
from here; hand-written ones spell them out (``(c:County)``), and tests/test_statement_vocabulary.py
checks every name they use against these enums.
"""

from __future__ import annotations

from enum import Enum


class Label(str, Enum):
    PROVINCE = "Province"
    COUNTY = "County"
    INSTITUTION = "Institution"
    DONOR = "Donor"
    PERSON = "Person"
    COUNCIL = "Council"
    SERVICE = "Service"
    TARGET_GROUP = "TargetGroup"
    LICENCE_TYPE = "LicenceType"
    LICENCE = "Licence"
    EVENT = "Event"
    ASSESSMENT = "Assessment"
    FRAMEWORK = "AssessmentFramework"  # a versioned set of criteria assessments score against
    CRITERION = "Criterion"  # one criterion of a framework: area, weight, scale
    CORRECTIVE_ACTION = "CorrectiveAction"  # what an assessment asks the institution to put right
    LICENCE_CHANGE = "LicenceChange"  # one change of a licence's status, with when, who and why
    COMPLAINT = "Complaint"  # a complaint about an institution


class MetaLabel(str, Enum):
    """Labels of the hub's own bookkeeping nodes, kept apart from the domain's ``Label``."""

    HUB_META = "HubMeta"  # the graph version (graph_model.version)
    API_KEY = "ApiKey"  # an API key: id, hash of its secret, role, provinces (hub keys)
    AUDIT_ENTRY = "AuditEntry"  # one mutation, append-only (graph_model.audit)
    PERSISTED_QUERY = "PersistedQuery"  # a registered operation: sha256 and text (hub operations)
    DONATION_TOTAL = "DonationTotal"  # donation totals of one area and period (graph_model.donation_totals)


class Rel(str, Enum):
    """Relationship types, each with the labels it joins (see ``ENDPOINTS``)."""

    IN_PROVINCE = "IN_PROVINCE"  # County -> Province
    LOCATED_IN = "LOCATED_IN"  # Institution -> County
    OFFERS = "OFFERS"  # Institution -> Service {capacity}
    HOLDS = "HOLDS"  # Institution -> Licence
    LICENSES = "LICENSES"  # Licence -> Service
    OF_TYPE = "OF_TYPE"  # Licence -> LicenceType
    PERMITS = "PERMITS"  # LicenceType -> Service
    SERVES = "SERVES"  # Service -> TargetGroup
    DONATED_TO = "DONATED_TO"  # Donor -> Institution {key, amount, date, purpose}
    DONATED_TO_EVENT = "DONATED_TO_EVENT"  # Donor -> Event {key, amount, date, purpose}
    DONOR_MEMBER_OF = "DONOR_MEMBER_OF"  # Donor -> Council {role, since}
    INSTITUTION_MEMBER_OF = "INSTITUTION_MEMBER_OF"  # Institution -> Council {role, since}
    PERSON_MEMBER_OF = "PERSON_MEMBER_OF"  # Person -> Council {role, since}
    COVERS_PROVINCE = "COVERS_PROVINCE"  # Council -> Province
    COVERS_COUNTY = "COVERS_COUNTY"  # Council -> County
    PARTNERS_WITH = "PARTNERS_WITH"  # Institution -> Institution {since, purpose}
    HELD_IN = "HELD_IN"  # Event -> County
    ORGANISED_BY_INSTITUTION = "ORGANISED_BY_INSTITUTION"  # Event -> Institution
    ORGANISED_BY_COUNCIL = "ORGANISED_BY_COUNCIL"  # Event -> Council
    PARTICIPATED_IN = "PARTICIPATED_IN"  # Institution -> Event {role}
    PROVIDED = "PROVIDED"  # Event -> Service {people}
    ASSESSES = "ASSESSES"  # Assessment -> Institution
    NEEDS = "NEEDS"  # County -> TargetGroup {people, source, year}
    BASED_IN = "BASED_IN"  # Donor -> Province
    IN_FRAMEWORK = "IN_FRAMEWORK"  # Criterion -> AssessmentFramework
    UNDER_FRAMEWORK = "UNDER_FRAMEWORK"  # Assessment -> AssessmentFramework
    SCORED = "SCORED"  # Assessment -> Criterion {value}
    CORRECTS = "CORRECTS"  # CorrectiveAction -> Assessment
    CHANGE_OF = "CHANGE_OF"  # LicenceChange -> Licence
    COMPLAINT_ABOUT = "COMPLAINT_ABOUT"  # Complaint -> Institution


# (start label, end label) of every relationship type. One type per pair keeps Cypher
# free of label unions, which FalkorDB and Neo4j treat differently.
ENDPOINTS: dict[Rel, tuple[Label, Label]] = {
    Rel.IN_PROVINCE: (Label.COUNTY, Label.PROVINCE),
    Rel.LOCATED_IN: (Label.INSTITUTION, Label.COUNTY),
    Rel.OFFERS: (Label.INSTITUTION, Label.SERVICE),
    Rel.HOLDS: (Label.INSTITUTION, Label.LICENCE),
    Rel.LICENSES: (Label.LICENCE, Label.SERVICE),
    Rel.OF_TYPE: (Label.LICENCE, Label.LICENCE_TYPE),
    Rel.PERMITS: (Label.LICENCE_TYPE, Label.SERVICE),
    Rel.SERVES: (Label.SERVICE, Label.TARGET_GROUP),
    Rel.DONATED_TO: (Label.DONOR, Label.INSTITUTION),
    Rel.DONATED_TO_EVENT: (Label.DONOR, Label.EVENT),
    Rel.DONOR_MEMBER_OF: (Label.DONOR, Label.COUNCIL),
    Rel.INSTITUTION_MEMBER_OF: (Label.INSTITUTION, Label.COUNCIL),
    Rel.PERSON_MEMBER_OF: (Label.PERSON, Label.COUNCIL),
    Rel.COVERS_PROVINCE: (Label.COUNCIL, Label.PROVINCE),
    Rel.COVERS_COUNTY: (Label.COUNCIL, Label.COUNTY),
    Rel.PARTNERS_WITH: (Label.INSTITUTION, Label.INSTITUTION),
    Rel.HELD_IN: (Label.EVENT, Label.COUNTY),
    Rel.ORGANISED_BY_INSTITUTION: (Label.EVENT, Label.INSTITUTION),
    Rel.ORGANISED_BY_COUNCIL: (Label.EVENT, Label.COUNCIL),
    Rel.PARTICIPATED_IN: (Label.INSTITUTION, Label.EVENT),
    Rel.PROVIDED: (Label.EVENT, Label.SERVICE),
    Rel.ASSESSES: (Label.ASSESSMENT, Label.INSTITUTION),
    Rel.NEEDS: (Label.COUNTY, Label.TARGET_GROUP),
    Rel.BASED_IN: (Label.DONOR, Label.PROVINCE),
    Rel.IN_FRAMEWORK: (Label.CRITERION, Label.FRAMEWORK),
    Rel.UNDER_FRAMEWORK: (Label.ASSESSMENT, Label.FRAMEWORK),
    Rel.SCORED: (Label.ASSESSMENT, Label.CRITERION),
    Rel.CORRECTS: (Label.CORRECTIVE_ACTION, Label.ASSESSMENT),
    Rel.CHANGE_OF: (Label.LICENCE_CHANGE, Label.LICENCE),
    Rel.COMPLAINT_ABOUT: (Label.COMPLAINT, Label.INSTITUTION),
}

# Relationships that carry their own stable key (they are listed and addressed one by one).
KEYED_RELS: frozenset[Rel] = frozenset({Rel.DONATED_TO, Rel.DONATED_TO_EVENT})


class ServiceDomain(str, Enum):
    PREVENTION = "PREVENTION"  # پیشگیری
    SOCIAL = "SOCIAL"  # اجتماعی
    REHABILITATION = "REHABILITATION"  # توانبخشی


class InstitutionKind(str, Enum):
    CHARITY = "CHARITY"  # خیریه
    NGO = "NGO"  # سمن
    REHABILITATION_CENTRE = "REHABILITATION_CENTRE"  # مرکز توانبخشی
    RESIDENTIAL_CARE = "RESIDENTIAL_CARE"  # مرکز شبانه‌روزی
    DISABLED_ELDERLY_CARE = "DISABLED_ELDERLY_CARE"  # مرکز نگهداری معلولان و سالمندان
    POSITIVE_LIFE_CENTRE = "POSITIVE_LIFE_CENTRE"  # مرکز مثبت زندگی
    DAY_CARE = "DAY_CARE"  # مرکز روزانه
    COUNSELLING_CENTRE = "COUNSELLING_CENTRE"  # مرکز مشاوره
    ADDICTION_TREATMENT = "ADDICTION_TREATMENT"  # مرکز درمان اعتیاد
    NGO_HOUSE = "NGO_HOUSE"  # خانه سمن‌ها


class DonorKind(str, Enum):
    INDIVIDUAL = "INDIVIDUAL"  # خیر حقیقی
    COMPANY = "COMPANY"  # شرکت
    CONTRACTOR = "CONTRACTOR"  # پیمانکار (راه‌سازی، ساختمان)
    FOUNDATION = "FOUNDATION"  # بنیاد خیریه
    PUBLIC_COMPANY = "PUBLIC_COMPANY"  # شرکت دولتی/عمومی


class CouncilKind(str, Enum):
    PARTICIPATION_COUNCIL = "PARTICIPATION_COUNCIL"  # شورای مشارکت‌ها
    SUPERVISION_COMMITTEE = "SUPERVISION_COMMITTEE"  # کمیته نظارت
    ARTICLE_26_COMMISSION = "ARTICLE_26_COMMISSION"  # کمیسیون ماده ۲۶
    SUPERVISORY_BOARD = "SUPERVISORY_BOARD"  # هیئت نظارت


class CouncilLevel(str, Enum):
    NATIONAL = "NATIONAL"
    PROVINCIAL = "PROVINCIAL"
    COUNTY = "COUNTY"


class MemberRole(str, Enum):
    CHAIR = "CHAIR"
    SECRETARY = "SECRETARY"
    MEMBER = "MEMBER"
    OBSERVER = "OBSERVER"


class LicenceStatus(str, Enum):
    AGREEMENT_IN_PRINCIPLE = "AGREEMENT_IN_PRINCIPLE"  # موافقت اصولی
    ACTIVE = "ACTIVE"  # پروانه فعالیت
    EXPIRED = "EXPIRED"
    SUSPENDED = "SUSPENDED"
    REVOKED = "REVOKED"


class AssessmentLevel(str, Enum):
    SELF = "SELF"
    COUNTY = "COUNTY"
    PROVINCIAL = "PROVINCIAL"
    NATIONAL = "NATIONAL"
    GUILD = "GUILD"
    STAKEHOLDER = "STAKEHOLDER"
    EXPERT = "EXPERT"


class AssessorKind(str, Enum):
    PERSON = "PERSON"  # a named expert or inspector
    OFFICE = "OFFICE"  # a county, provincial or national office of the organisation
    BODY = "BODY"  # a guild, council or other body
    INSTITUTION = "INSTITUTION"  # the institution itself (a self-assessment)


class CriterionArea(str, Enum):
    GOVERNANCE = "GOVERNANCE"  # حاکمیت و مدیریت
    STAFFING = "STAFFING"  # نیروی انسانی
    FACILITIES = "FACILITIES"  # فضا و تجهیزات
    SERVICE_QUALITY = "SERVICE_QUALITY"  # کیفیت خدمات
    FINANCES = "FINANCES"  # امور مالی
    SATISFACTION = "SATISFACTION"  # رضایت مددجویان


class ActionStatus(str, Enum):
    OPEN = "OPEN"  # overdue once its due date has passed (computed, never stored)
    DONE = "DONE"


class LicenceChangeKind(str, Enum):
    """What happened to a licence; each change records the status it left the licence in."""

    ISSUED = "ISSUED"
    ACTIVATED = "ACTIVATED"  # an agreement in principle turned into an operating licence
    SUSPENDED = "SUSPENDED"
    REINSTATED = "REINSTATED"
    RENEWAL_REQUESTED = "RENEWAL_REQUESTED"
    RENEWED = "RENEWED"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"


class ComplaintStatus(str, Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class EventKind(str, Enum):
    MAWKIB = "MAWKIB"  # موکب
    COUNCIL_SESSION = "COUNCIL_SESSION"  # نشست شورا
    TRAINING = "TRAINING"  # دوره آموزشی
    CHARITY_EVENT = "CHARITY_EVENT"  # رویداد خیریه
    RELIGIOUS_OUTREACH = "RELIGIOUS_OUTREACH"  # مناسبت مذهبی
    MEETING = "MEETING"  # نشست هم‌اندیشی
