"""What one request may see of donors and of supervision records: one ``Visibility`` per request,
required wherever such data is read.

Built once, with the request's context (hub.execution.context), from who asks and the settings: the
caller's rights, the privacy threshold k and the key individual donors' pseudonyms are made with.
The loaders, the root lists, the giving totals, the networks, the overview and the 3W matrix all
take it; none of them has a default, so a reader that forgets it does not type-check, and a write
that rebuilds the loaders (hub.schema.results) rebuilds them with the same object. The rules it
applies are those of hub.auth.privacy; and, for supervision records (an assessment's findings, its
criteria scores and corrective actions, complaints), ``supervises``: every institution's with
SUPERVISE or WRITE, an institution key its own institution's only, nobody else's (hub.schema.supervision_records).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from graph_model import listing
from graph_model.enums import DonorKind, Label
from graph_model.privacy import PSEUDONYM_KEY, pseudonym
from hub.auth.principal import Principal, Right
from hub.auth.privacy import KIND_FILTER, PUBLIC_DONOR_KINDS, RELATIONS_OF_DONORS
from hub.settings import Settings

INDIVIDUAL = DonorKind.INDIVIDUAL.value
# Rights that show every institution's supervision records (findings, scores, actions, complaints).
SUPERVISION = frozenset({Right.SUPERVISE, Right.WRITE})


@dataclass(frozen=True)
class Visibility:
    """``principal`` None: no credentials were checked (every field then refuses); it sees what
    the least privileged caller sees, should anything be read regardless."""

    principal: Principal | None
    k: int
    pseudonym_key: bytes = field(default=PSEUDONYM_KEY, repr=False)

    @classmethod
    def of(cls, principal: Principal | None, settings: Settings) -> Visibility:
        return cls(principal, settings.privacy_k)

    @functools.cached_property  # read for each row of a page; who asks does not change (both are frozen)
    def personal(self) -> bool:
        """Whether individual donors' identities and amounts are shown, rather than only aggregates."""
        return self.principal is not None and self.principal.has(Right.PERSONAL)

    def narrow(self, entity: str, req: listing.Request) -> listing.Request:
        """``req`` (a list of ``entity``) with individual donors filtered out when the caller may not
        see them: the list's own kind filter is narrowed, so totals, pages and cursors agree; and
        sorted by what the caller may see."""
        # What it may sort by, too: without PERSONAL, a sort over withheld figures (an institution's
        # total) takes only the visible ones (graph_model.list_types.Sort.public), and its cursors are
        # bound to that view (graph_model.listing.order_of).
        req = req.but(personal=self.personal) if req.personal != self.personal else req
        name = KIND_FILTER.get(entity)
        if name is None or self.personal:
            return req
        filters = dict(req.filters)
        asked = filters.get(name)
        filters[name] = tuple(k for k in (asked if asked is not None else PUBLIC_DONOR_KINDS)
                              if k in PUBLIC_DONOR_KINDS)
        return req.but(filters=tuple(sorted(filters.items())))

    def hides(self, label: Label) -> bool:
        """Whether some nodes of ``label`` are absent for this caller (``donor``: individual donors without
        PERSONAL), wherever they are reached from: by key, by a hop, or carried by a relation's row."""
        return label is Label.DONOR and not self.personal

    def donor(self, row: dict[str, Any] | None) -> dict[str, Any] | None:
        """A donor's row, or None when it is an individual the caller may not see."""
        if row is None or self.personal or row.get("kind") != INDIVIDUAL:
            return row
        return None

    def relation(self, kind: str, row: dict[str, Any] | None) -> dict[str, Any] | None:
        """A relationship's row (a donation, a council seat...), or None when it is an individual
        donor's and the caller may not see it."""
        if row is None or self.personal or kind not in RELATIONS_OF_DONORS or row.get("donorKind") != INDIVIDUAL:
            return row
        return None

    def suppressed(self, individuals: int) -> bool:
        """Whether an aggregate over ``individuals`` individual donors is withheld from the caller."""
        return not self.personal and 0 < individuals < self.k

    @property
    def supervises_all(self) -> bool:
        """Whether the caller sees every institution's supervision records: assessments' findings,
        criteria scores and corrective actions, and complaints (SUPERVISE: supervisors, admins; WRITE:
        editors, who keep the records)."""
        return self.principal is not None and self.principal.has_any(SUPERVISION)

    @property
    def own_institution(self) -> str | None:
        """The one institution whose supervision records an institution key sees (None otherwise)."""
        return None if self.principal is None or self.supervises_all else self.principal.institution

    def supervises(self, institution: str | None) -> bool:
        """Whether the caller sees the supervision records of ``institution`` (see supervises_all)."""
        return self.supervises_all or (institution is not None and institution == self.own_institution)

    def pseudonym(self, key: str) -> str:
        """The stand-in an individual donor hidden from the caller is shown under (graph_model.privacy)."""
        return pseudonym(key, self.pseudonym_key)
