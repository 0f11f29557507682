"""The domain's closed vocabularies as GraphQL enums (the Python enums live in graph_model)."""

from __future__ import annotations

from enum import Enum

import strawberry

from graph_model import enums as domain

InstitutionKind = strawberry.enum(domain.InstitutionKind, description=(
    "Kind of institution: charity (خیریه), NGO (سمن), rehabilitation centre (مرکز توانبخشی), residential "
    "care (مرکز شبانه‌روزی), care of disabled and elderly people, Positive Life addiction-prevention centre "
    "(مرکز مثبت زندگی), day care, counselling, addiction treatment, or an NGO house (خانه سمن‌ها)."))
DonorKind = strawberry.enum(domain.DonorKind, description=(
    "Kind of donor: an individual benefactor (خیر), a company, a contractor, a charitable foundation or a "
    "public company."))
CouncilKind = strawberry.enum(domain.CouncilKind, description=(
    "Kind of council: participation council (شورای مشارکت‌ها), supervision committee, Article 26 "
    "commission (کمیسیون ماده ۲۶) or supervisory board."))
CouncilLevel = strawberry.enum(domain.CouncilLevel, description="Whether a council works nationally, for a "
                                                                 "province or for a county.")
MemberRole = strawberry.enum(domain.MemberRole, description="A member's role on a council.")
LicenceStatus = strawberry.enum(domain.LicenceStatus, description=(
    "Where a licence stands: agreement in principle (موافقت اصولی), active activity permit (پروانه فعالیت), "
    "expired, suspended or revoked. Revoked is final."))
AssessmentLevel = strawberry.enum(domain.AssessmentLevel, description=(
    "Who assessed an institution: itself, the county or provincial office, the national office, its guild, "
    "its stakeholders or an outside expert."))
EventKind = strawberry.enum(domain.EventKind, description=(
    "Kind of event: an Arbaeen service station (موکب), a council session, a training course, a charity "
    "event, a religious outreach occasion or a meeting."))
ServiceDomain = strawberry.enum(domain.ServiceDomain, description=(
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
