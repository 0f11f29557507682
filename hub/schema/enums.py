"""The domain's closed vocabularies as GraphQL enums (the Python enums live in graph_model)."""

from __future__ import annotations

from enum import Enum

import strawberry

from graph_model import enums as domain
from hub.strawberry_compat import describe_enum_values

# What each value means, for GraphiQL (Persian terms as the organisation uses them).
VALUES: dict[Enum, str] = {
    domain.InstitutionKind.CHARITY: "Charity (خیریه).",
    domain.InstitutionKind.NGO: "Non-governmental organisation (سمن).",
    domain.InstitutionKind.REHABILITATION_CENTRE: "Rehabilitation centre (مرکز توانبخشی).",
    domain.InstitutionKind.RESIDENTIAL_CARE: "Residential, 24-hour care centre (مرکز شبانه‌روزی).",
    domain.InstitutionKind.DISABLED_ELDERLY_CARE: "Care centre for disabled and elderly people "
                                                  "(مرکز نگهداری معلولان و سالمندان).",
    domain.InstitutionKind.POSITIVE_LIFE_CENTRE: "Positive Life addiction-prevention centre (مرکز مثبت زندگی).",
    domain.InstitutionKind.DAY_CARE: "Day care centre (مرکز روزانه).",
    domain.InstitutionKind.COUNSELLING_CENTRE: "Counselling centre (مرکز مشاوره).",
    domain.InstitutionKind.ADDICTION_TREATMENT: "Addiction treatment centre (مرکز درمان اعتیاد).",
    domain.InstitutionKind.NGO_HOUSE: "NGO house (خانه سمن‌ها).",
    domain.DonorKind.INDIVIDUAL: "An individual benefactor (خیر حقیقی): personal data.",
    domain.DonorKind.COMPANY: "A company (شرکت).",
    domain.DonorKind.CONTRACTOR: "A contractor, e.g. road or building works (پیمانکار).",
    domain.DonorKind.FOUNDATION: "A charitable foundation (بنیاد خیریه).",
    domain.DonorKind.PUBLIC_COMPANY: "A public or state company (شرکت دولتی/عمومی).",
    domain.CouncilKind.PARTICIPATION_COUNCIL: "Participation council (شورای مشارکت‌ها).",
    domain.CouncilKind.SUPERVISION_COMMITTEE: "Supervision committee (کمیته نظارت).",
    domain.CouncilKind.ARTICLE_26_COMMISSION: "Article 26 commission (کمیسیون ماده ۲۶).",
    domain.CouncilKind.SUPERVISORY_BOARD: "Supervisory board (هیئت نظارت).",
    domain.CouncilLevel.NATIONAL: "Works for the whole country.",
    domain.CouncilLevel.PROVINCIAL: "Works for a province.",
    domain.CouncilLevel.COUNTY: "Works for a county.",
    domain.MemberRole.CHAIR: "Chairs the council (رئیس).",
    domain.MemberRole.SECRETARY: "Its secretary (دبیر).",
    domain.MemberRole.MEMBER: "A member (عضو).",
    domain.MemberRole.OBSERVER: "An observer without a vote (ناظر).",
    domain.LicenceStatus.AGREEMENT_IN_PRINCIPLE: "Agreement in principle (موافقت اصولی): may prepare, not yet "
                                                 "operate.",
    domain.LicenceStatus.ACTIVE: "Activity permit in force (پروانه فعالیت).",
    domain.LicenceStatus.EXPIRED: "Past its expiry, not renewed.",
    domain.LicenceStatus.SUSPENDED: "Suspended; may be reinstated.",
    domain.LicenceStatus.REVOKED: "Revoked for good (final).",
    domain.AssessmentLevel.SELF: "The institution assessed itself.",
    domain.AssessmentLevel.COUNTY: "The county office assessed it.",
    domain.AssessmentLevel.PROVINCIAL: "The provincial office assessed it.",
    domain.AssessmentLevel.NATIONAL: "The national office assessed it.",
    domain.AssessmentLevel.GUILD: "Its guild assessed it.",
    domain.AssessmentLevel.STAKEHOLDER: "Its stakeholders assessed it.",
    domain.AssessmentLevel.EXPERT: "An outside expert assessed it.",
    domain.AssessorKind.PERSON: "A named expert or inspector.",
    domain.AssessorKind.OFFICE: "A county, provincial or national office of the organisation.",
    domain.AssessorKind.BODY: "A guild, council or other body.",
    domain.AssessorKind.INSTITUTION: "The institution itself (a self-assessment).",
    domain.CriterionArea.GOVERNANCE: "Governance and management (حاکمیت و مدیریت).",
    domain.CriterionArea.STAFFING: "Staffing (نیروی انسانی).",
    domain.CriterionArea.FACILITIES: "Premises and equipment (فضا و تجهیزات).",
    domain.CriterionArea.SERVICE_QUALITY: "Quality of the services (کیفیت خدمات).",
    domain.CriterionArea.FINANCES: "Finances (امور مالی).",
    domain.CriterionArea.SATISFACTION: "Beneficiaries' satisfaction (رضایت مددجویان).",
    domain.ActionStatus.OPEN: "Not done yet; overdue once its due date has passed.",
    domain.ActionStatus.DONE: "Done.",
    domain.LicenceChangeKind.ISSUED: "Issued.",
    domain.LicenceChangeKind.ACTIVATED: "An agreement in principle became an activity permit.",
    domain.LicenceChangeKind.SUSPENDED: "Suspended.",
    domain.LicenceChangeKind.REINSTATED: "Reinstated after a suspension.",
    domain.LicenceChangeKind.RENEWAL_REQUESTED: "The holder applied for renewal.",
    domain.LicenceChangeKind.RENEWED: "Renewed: a new expiry date.",
    domain.LicenceChangeKind.EXPIRED: "Recorded as expired.",
    domain.LicenceChangeKind.REVOKED: "Revoked for good.",
    domain.ComplaintStatus.OPEN: "Not yet dealt with.",
    domain.ComplaintStatus.CLOSED: "Dealt with.",
    domain.EventKind.MAWKIB: "Arbaeen service station (موکب).",
    domain.EventKind.COUNCIL_SESSION: "Council session (نشست شورا).",
    domain.EventKind.TRAINING: "Training course (دوره آموزشی).",
    domain.EventKind.CHARITY_EVENT: "Charity event (رویداد خیریه).",
    domain.EventKind.RELIGIOUS_OUTREACH: "Religious outreach occasion (مناسبت مذهبی).",
    domain.EventKind.MEETING: "Meeting (نشست هم‌اندیشی).",
    domain.ServiceDomain.PREVENTION: "Prevention deputyship (معاونت پیشگیری).",
    domain.ServiceDomain.SOCIAL: "Social affairs deputyship (معاونت اجتماعی).",
    domain.ServiceDomain.REHABILITATION: "Rehabilitation deputyship (معاونت توانبخشی).",
}


def described(kind: type[Enum], description: str) -> type[Enum]:
    """The domain enum as a GraphQL enum, each value with its description from VALUES."""
    return describe_enum_values(strawberry.enum(kind, description=description), lambda value: VALUES[kind(value)])


# Each GraphQL enum is the domain's class itself (strawberry.enum marks it in place), named by a class
# alias, which type checkers take as a type (the result of a call they do not), and described below it.
InstitutionKind = domain.InstitutionKind
described(InstitutionKind, (
    "Kind of institution: charity (خیریه), NGO (سمن), rehabilitation centre (مرکز توانبخشی), residential "
    "care (مرکز شبانه‌روزی), care of disabled and elderly people, Positive Life addiction-prevention centre "
    "(مرکز مثبت زندگی), day care, counselling, addiction treatment, or an NGO house (خانه سمن‌ها)."))
DonorKind = domain.DonorKind
described(DonorKind, (
    "Kind of donor: an individual benefactor (خیر), a company, a contractor, a charitable foundation or a "
    "public company."))
CouncilKind = domain.CouncilKind
described(CouncilKind, (
    "Kind of council: participation council (شورای مشارکت‌ها), supervision committee, Article 26 "
    "commission (کمیسیون ماده ۲۶) or supervisory board."))
CouncilLevel = domain.CouncilLevel
described(CouncilLevel, "Whether a council works nationally, for a province or for a county.")
MemberRole = domain.MemberRole
described(MemberRole, "A member's role on a council.")
LicenceStatus = domain.LicenceStatus
described(LicenceStatus, (
    "Where a licence stands: agreement in principle (موافقت اصولی), active activity permit (پروانه فعالیت), "
    "expired, suspended or revoked. Revoked is final."))
AssessmentLevel = domain.AssessmentLevel
described(AssessmentLevel, (
    "Who assessed an institution: itself, the county or provincial office, the national office, its guild, "
    "its stakeholders or an outside expert."))
AssessorKind = domain.AssessorKind
described(AssessorKind, "Who made an assessment: a person, an office, a body, or the institution itself.")
CriterionArea = domain.CriterionArea
described(CriterionArea, "The area an assessment criterion belongs to.")
ActionStatus = domain.ActionStatus
described(ActionStatus, "Where a corrective action stands (overdue is computed from the due date, never stored).")
LicenceChangeKind = domain.LicenceChangeKind
described(LicenceChangeKind, "What happened to a licence in one recorded change of its status.")
ComplaintStatus = domain.ComplaintStatus
described(ComplaintStatus, "Where a complaint stands.")
EventKind = domain.EventKind
described(EventKind, (
    "Kind of event: an Arbaeen service station (موکب), a council session, a training course, a charity "
    "event, a religious outreach occasion or a meeting."))
ServiceDomain = domain.ServiceDomain
described(ServiceDomain, (
    "The organisation's three deputyships: prevention (پیشگیری), social affairs (اجتماعی) and "
    "rehabilitation (توانبخشی)."))


@strawberry.enum(description="Sort direction.")
class Direction(Enum):
    ASC = strawberry.enum_value("ASC", description="Smallest (or A, or earliest) first.")
    DESC = strawberry.enum_value("DESC", description="Largest (or Z, or latest) first.")


@strawberry.enum(description="The calendar a date or a year is given in.")
class Calendar(Enum):
    JALALI = strawberry.enum_value("JALALI", description="Solar Hijri (هجری شمسی), e.g. 1403.")
    GREGORIAN = strawberry.enum_value("GREGORIAN", description="Gregorian, e.g. 2024.")
