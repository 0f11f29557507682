"""`me`: what the caller's credentials may do, so an app can hide what they may not.

Every role holds the READ right (an anonymous caller too, where HUB_ANONYMOUS lets one in), so
every caller can read its own role; the answer says nothing about any other key or record.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from hub.auth.access import requires
from hub.auth.principal import RIGHTS, Principal
from hub.auth.principal import Right as AccessRight


@strawberry.enum(name="Role", description="A bundle of rights an API key or token is issued with.")
class Role(Enum):
    ANONYMOUS = strawberry.enum_value("anonymous", description="No credentials (only when the hub allows it).")
    VIEWER = strawberry.enum_value("viewer", description="Reads the directory, overview, coverage and networks.")
    PLANNER = strawberry.enum_value("planner", description="A viewer who may also run what-ifs and set need "
                                                           "figures.")
    COUNCIL_MEMBER = strawberry.enum_value("council_member", description="A viewer who sees individual donors.")
    EDITOR = strawberry.enum_value("editor", description="Changes records within its provinces.")
    SUPERVISOR = strawberry.enum_value("supervisor", description="An office's inspector: records assessments and "
                                                                 "corrective actions within its provinces, and "
                                                                 "sees findings, scores, actions and complaints.")
    INSTITUTION = strawberry.enum_value("institution", description="An institution's own key: its self-assessments "
                                                                   "and its corrective actions' progress, nothing "
                                                                   "else; it sees its own findings only.")
    ADMIN = strawberry.enum_value("admin", description="Everything, national catalogues and the audit log "
                                                       "included.")


@strawberry.enum(name="Right", description="What a role may do; each root field needs one of these.")
class Right(Enum):
    READ = strawberry.enum_value("read", description="The directory, overview, coverage tables and CSV exports.")
    NETWORKS = strawberry.enum_value("networks", description="Collaboration networks (individual donors "
                                                             "redacted without PERSONAL).")
    PLAN = strawberry.enum_value("plan", description="Coverage what-ifs and planners' need figures.")
    PERSONAL = strawberry.enum_value("personal", description="Individual donors' identities and the amounts they "
                                                             "gave.")
    WRITE = strawberry.enum_value("write", description="Entity and relationship mutations, within the key's "
                                                       "provinces.")
    ADMIN = strawberry.enum_value("admin", description="National catalogues, provinces and the audit log.")
    SUPERVISE = strawberry.enum_value("supervise", description="Assessments' findings, criteria scores and "
                                                               "corrective actions, and complaints.")
    ASSESS = strawberry.enum_value("assess", description="Record assessments of any level and corrective actions' "
                                                         "progress, within the key's provinces.")
    SELF_ASSESS = strawberry.enum_value("self_assess", description="Record the key's own institution's "
                                                                   "self-assessments and its corrective actions' "
                                                                   "progress.")


@strawberry.type(description="The caller as the hub sees it: its role, the provinces it may change and its rights.")
class Me:
    role: Role = strawberry.field(description="The role of the key or token (ANONYMOUS without credentials).")
    provinces: list[str] = strawberry.field(description="Keys of the provinces it may change records in, in key "
                                                        "order; empty: every province (or none, for a role that "
                                                        "writes nothing).")
    rights: list[Right] = strawberry.field(description="Its rights, in the order of the Right enum.")
    institution: str | None = strawberry.field(description="Key of the institution an INSTITUTION key speaks for "
                                                           "(its own self-assessments, actions and findings); "
                                                           "null for every other role.")

    @classmethod
    def of(cls, principal: Principal) -> Me:
        held = RIGHTS[principal.role]
        return cls(role=Role(principal.role.value),
                   provinces=sorted(principal.provinces) if principal.scoped else [],
                   rights=[Right(r.value) for r in AccessRight if r in held], institution=principal.institution)


@strawberry.type
class MeQuery:
    @strawberry.field(description="What the caller's credentials may do: its role, provinces and rights.",
                      extensions=[requires(AccessRight.READ)])
    def me(self, info: strawberry.Info) -> Me:
        # The policy has checked the right, so a principal is present (hub.auth.policy).
        principal: Principal = info.context.principal
        return Me.of(principal)

