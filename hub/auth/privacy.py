"""Donor privacy in the directory: what a caller without the PERSONAL right sees of donors.

An individual donor's identity and the amounts they gave are personal data. Without PERSONAL
(anonymous, viewer, planner), donor and donation lists hold companies, contractors, foundations
and public companies only (the list's own ``kind`` / ``donorKind`` filter is narrowed, so totals
and pages agree); an individual donor fetched by key or reached through a link is null; a
giving total that includes the gifts of fewer than k individual donors (settings.privacy_k) is
suppressed. Aggregates over k or more individual donors are shown. The networks, the 3W matrix
and the overview apply the same rule with ``graph_model.privacy``.

The rules are applied by the request's ``hub.auth.visibility.Visibility``, the one object every
reader of donor data takes; this module holds the facts they rest on.
"""

from __future__ import annotations

from graph_model.enums import DonorKind

PUBLIC_DONOR_KINDS = tuple(kind.value for kind in DonorKind if kind is not DonorKind.INDIVIDUAL)
# The filter of each list whose items are donors or carry one (a donation's donor, a council seat's).
KIND_FILTER = {"Donor": "kind", "Donation": "donorKind", "Membership": "memberDonorKind"}
# Relationship types whose rows name a donor (``donorKind``): a donation, a council seat.
RELATIONS_OF_DONORS = frozenset({"Donation", "Membership"})
