"""The write side of the domain: every change to the graph, each in one write statement.

Each operation takes the store first, validates its input with ``graph_model.model``,
writes with exactly one statement (one transaction: all of it or nothing) and returns a
plain dict of what it wrote. Expected failures raise ``graph_model.errors`` carrying
``FieldError`` entries that name the input field: ValidationFailed (bad values), NotFound
(an unknown key), Conflict (a taken key, or dependents that keep a node from being
deleted) and InvalidTransition (a licence that may not move from its status). After any
failure the graph is as it was.

    entities    create / update / delete any entity with its links
    donations   record / update / delete a donation (keyed relationship)
    relations   offers, council members, partners, event participants and services, needs
    licences    issue, renew, request renewal, suspend, reinstate, revoke, activate (each recorded)
"""

from graph_model.mutations.donations import delete_donation, record_donation, update_donation
from graph_model.mutations.entities import create_node, delete_node, update_node
from graph_model.mutations.licences import (
    activate_licence,
    issue_licence,
    reinstate_licence,
    renew_licence,
    request_licence_renewal,
    revoke_licence,
    suspend_licence,
)
from graph_model.mutations.relations import (
    add_member,
    link_partners,
    offer_service,
    record_provided_service,
    register_participant,
    remove_member,
    remove_need,
    remove_participant,
    remove_provided_service,
    set_need,
    unlink_partners,
    update_member,
    withdraw_service,
)

__all__ = [
    "activate_licence", "add_member", "create_node", "delete_donation", "delete_node", "issue_licence",
    "link_partners", "offer_service", "record_donation", "record_provided_service", "register_participant",
    "reinstate_licence", "remove_member", "remove_need", "remove_participant", "remove_provided_service",
    "renew_licence", "request_licence_renewal", "revoke_licence", "set_need", "suspend_licence", "unlink_partners",
    "update_donation", "update_member", "update_node", "withdraw_service",
]
