"""What one request may see of donors: one ``Visibility`` per request, required wherever donor data
is read.

Built once, with the request's context (hub.execution.context), from who asks and the settings: the
caller's rights, the privacy threshold k and the key individual donors' pseudonyms are made with.
The loaders, the root lists, the giving totals, the networks, the overview and the 3W matrix all
take it; none of them has a default, so a reader that forgets it does not type-check, and a write
that rebuilds the loaders (hub.schema.results) rebuilds them with the same object. The rules it
applies are those of hub.auth.privacy.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from graph_model import listing
from graph_model.enums import DonorKind
from graph_model.privacy import PSEUDONYM_KEY, pseudonym
from hub.auth.principal import Principal, Right
from hub.auth.privacy import KIND_FILTER, PUBLIC_DONOR_KINDS, RELATIONS_OF_DONORS
from hub.settings import Settings

INDIVIDUAL = DonorKind.INDIVIDUAL.value


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

    @property
    def personal(self) -> bool:
        """Whether individual donors' identities and amounts are shown, rather than only aggregates."""
        return self.principal is not None and self.principal.has(Right.PERSONAL)

    def narrow(self, entity: str, req: listing.Request) -> listing.Request:
        """``req`` (a list of ``entity``) with individual donors filtered out when the caller may not
        see them: the list's own kind filter is narrowed, so totals, pages and cursors agree; and
        sorted by what the caller may see."""
        # What it may sort by, too: without PERSONAL, a sort over withheld figures (an institution's
        # total) takes only the visible ones (graph_model.listing.Sort.public), and its cursors are
        # bound to that view (graph_model.listing.order_of).
        req = dataclasses.replace(req, personal=self.personal)
        name = KIND_FILTER.get(entity)
        if name is None or self.personal:
            return req
        filters = dict(req.filters)
        asked = filters.get(name)
        filters[name] = tuple(k for k in (asked if asked is not None else PUBLIC_DONOR_KINDS)
                              if k in PUBLIC_DONOR_KINDS)
        return dataclasses.replace(req, filters=tuple(sorted(filters.items())))

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

    def pseudonym(self, key: str) -> str:
        """The stand-in an individual donor hidden from the caller is shown under (graph_model.privacy)."""
        return pseudonym(key, self.pseudonym_key)
