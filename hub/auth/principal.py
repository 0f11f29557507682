"""The caller of a request: a role, the provinces a key is scoped to, and the rights they carry.

Rights are what the policy checks (``hub.auth.policy``); roles are named bundles of rights, so the
role matrix is this one table. Province scope narrows what a key may change (an editor of
Khuzestan cannot change Markazi); an institution binding narrows an INSTITUTION key to its own
institution's self-assessments and corrective actions (hub.auth.bound). What a key may read depends
on its role (and, for supervision records, its institution binding), and is applied by the
request's ``hub.auth.visibility.Visibility``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum


class Role(str, Enum):
    ANONYMOUS = "anonymous"  # no credentials; only when HUB_ANONYMOUS=on
    VIEWER = "viewer"
    PLANNER = "planner"
    COUNCIL_MEMBER = "council_member"
    EDITOR = "editor"
    SUPERVISOR = "supervisor"  # a county, provincial or national office's inspector (issue 19)
    INSTITUTION = "institution"  # an institution's own key: its self-assessments and corrective actions
    ADMIN = "admin"


class Right(str, Enum):
    READ = "read"  # the directory, overview, coverage tables and the CSV exports
    NETWORKS = "networks"  # collaboration networks (individual donors redacted without PERSONAL)
    PLAN = "plan"  # coverage what-ifs and planners' need figures (setNeed, removeNeed)
    PERSONAL = "personal"  # individual donors' identities and the amounts they gave
    WRITE = "write"  # entity and relationship mutations, within the key's provinces
    ADMIN = "admin"  # national catalogues, provinces, the audit log
    SUPERVISE = "supervise"  # findings, criteria scores, corrective actions, complaints, ranking, plan, alerts
    ASSESS = "assess"  # record assessments of any level, corrective actions' progress, complaints (in scope)
    SELF_ASSESS = "self_assess"  # an institution key: its own self-assessments and corrective actions only


RIGHTS: dict[Role, frozenset[Right]] = {
    Role.ANONYMOUS: frozenset({Right.READ}),
    Role.VIEWER: frozenset({Right.READ, Right.NETWORKS}),
    Role.PLANNER: frozenset({Right.READ, Right.NETWORKS, Right.PLAN}),
    Role.COUNCIL_MEMBER: frozenset({Right.READ, Right.NETWORKS, Right.PERSONAL}),
    Role.EDITOR: frozenset({Right.READ, Right.NETWORKS, Right.PERSONAL, Right.WRITE}),
    Role.SUPERVISOR: frozenset({Right.READ, Right.NETWORKS, Right.SUPERVISE, Right.ASSESS}),
    Role.INSTITUTION: frozenset({Right.READ, Right.SELF_ASSESS}),
    Role.ADMIN: frozenset(Right),
}


@dataclass(frozen=True)
class Principal:
    """Who a request runs as. ``provinces`` empty means every province."""

    role: Role
    provinces: frozenset[str] = field(default_factory=frozenset)
    subject: str = "anonymous"  # "key:<id>", "jwt:<sub>" or "cli:<user>", for the audit log
    key_id: str | None = None  # the API key's id (the rate limit's bucket); None for JWT / anonymous
    # The institution an INSTITUTION key speaks for (its self-assessments, its corrective actions, its
    # findings); None for every other role (hub.auth.bound).
    institution: str | None = None

    def has(self, right: Right) -> bool:
        return right in RIGHTS[self.role]

    def has_any(self, rights: Iterable[Right]) -> bool:
        return any(r in RIGHTS[self.role] for r in rights)

    @property
    def scoped(self) -> bool:
        return bool(self.provinces) and self.role is not Role.ADMIN

    def may_change(self, provinces: Iterable[str | None]) -> bool:
        """Whether a key scoped to ``self.provinces`` may change records in these provinces; None
        stands for a record of no province (a national catalogue entry), which only an unscoped
        key may change."""
        if not self.scoped:
            return True
        return all(p is not None and p in self.provinces for p in provinces)


ANONYMOUS = Principal(Role.ANONYMOUS)
# In-process callers (seeding, the CLI, schema tests, benchmarks), always named explicitly: nothing
# defaults to it.
SYSTEM = Principal(Role.ADMIN, subject="system")
