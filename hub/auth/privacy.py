"""Donor privacy in the directory: what a caller without the PERSONAL right sees of donors.

An individual donor's identity and the amounts they gave are personal data. Without PERSONAL
(anonymous, viewer, planner), donor and donation lists hold companies, contractors, foundations
and public companies only (the list's own ``kind`` / ``donorKind`` filter is narrowed, so totals
and pages agree); an individual donor fetched by key or reached through a link is null; a
giving total that includes the gifts of fewer than k individual donors (settings.privacy_k) is
suppressed. Aggregates over k or more individual donors are shown. The networks, the 3W matrix
and the overview apply the same rule with ``graph_model.privacy``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from graph_model import listing
from graph_model.enums import DonorKind
from hub.auth.principal import Principal

PUBLIC_DONOR_KINDS = tuple(kind.value for kind in DonorKind if kind is not DonorKind.INDIVIDUAL)
# The filter of each list whose items are donors or carry one (a donation's donor, a council seat's).
_KIND_FILTER = {"Donor": "kind", "Donation": "donorKind", "Membership": "memberDonorKind"}


def narrow(entity: str, req: listing.Request, principal: Principal) -> listing.Request:
    """``req`` with individual donors filtered out when the caller may not see them."""
    name = _KIND_FILTER.get(entity)
    if name is None or principal.sees_personal:
        return req
    filters = dict(req.filters)
    asked = filters.get(name)
    filters[name] = tuple(k for k in (asked if asked is not None else PUBLIC_DONOR_KINDS) if k in PUBLIC_DONOR_KINDS)
    return dataclasses.replace(req, filters=tuple(sorted(filters.items())))


def visible_donor(row: dict[str, Any] | None, principal: Principal) -> dict[str, Any] | None:
    """A donor's row, or None when it is an individual the caller may not see."""
    if row is None or principal.sees_personal or row.get("kind") != DonorKind.INDIVIDUAL.value:
        return row
    return None


def suppressed(individuals: int, principal: Principal, k: int) -> bool:
    """Whether an aggregate over ``individuals`` individual donors is withheld from the caller."""
    return not principal.sees_personal and 0 < individuals < k
