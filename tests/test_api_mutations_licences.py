"""Licence issue and life cycle end to end: the generated client against the ASGI app on a small api_world.

A refused step must come back typed (InvalidTransitionError with the status the licence kept, or
the error of the bad input) with the graph exactly as it was (``refused``).
"""

from __future__ import annotations

from typing import Any

from graph_model.enums import Label
from graph_model.statements.loading import UPSERT_NODE
from hub_client import HubClient
from hub_client.enums import LicenceStatus
from hub_client.input_types import IssueLicenceInput, LicenceFilter
from tests.mutation_client import refused, written

A = LicenceStatus


def licence(**values: Any) -> IssueLicenceInput:
    return IssueLicenceInput(**{"holder": "inst-a", "licenceType": "lt-care", "services": ["svc-care"],
                                "issuedOn": "2021-03-21", **values})


async def issued(hub: HubClient, **values: Any) -> str:
    """Issue a licence; its key."""
    return written(await hub.issue_licence(licence(**values)), "Licence").key


async def listed(hub: HubClient, key: str) -> Any:
    """The licence as the licences list shows it."""
    (found,) = [n for n in (await hub.licences()).licences.nodes if n.key == key]
    return found


async def test_issue_licence_defaults_the_expiry_from_the_type(api_world) -> None:
    hub, _ = api_world
    made = written(await hub.issue_licence(licence(
        number="KH-1403-17", issuedOn="1400/01/01", services=["svc-care", "svc-skills", "svc-care"])), "Licence")
    assert made.key.startswith("lic-")
    assert (made.number, made.status, made.issued_on, made.expires_on, made.expires_on_jalali) == (
        "KH-1403-17", A.ACTIVE, "2021-03-21", "2026-03-21", "1405/01/01")
    assert (made.institution.key, made.licence_type.key) == ("inst-a", "lt-care")
    assert sorted(s.key for s in made.services.nodes) == ["svc-care", "svc-skills"]
    row = await listed(hub, made.key)
    assert (row.status, row.expires_on, row.institution.key) == (A.ACTIVE, "2026-03-21", "inst-a")
    held = (await hub.institution_detail("inst-a")).institution.licences
    assert [(n.key, n.status, n.licence_type.key) for n in held.nodes] == [(made.key, A.ACTIVE, "lt-care")]


async def test_issue_an_agreement_in_principle_and_an_open_ended_licence(api_world) -> None:
    hub, _ = api_world
    aip = written(await hub.issue_licence(licence(status=A.AGREEMENT_IN_PRINCIPLE, expiresOn="2022-03-21",
                                                  key="lic-aip")), "Licence")
    assert (aip.key, aip.status, aip.expires_on) == ("lic-aip", A.AGREEMENT_IN_PRINCIPLE, "2022-03-21")
    open_ended = written(await hub.issue_licence(licence(licenceType="lt-open")), "Licence")
    assert open_ended.expires_on is None
    page = (await hub.licences(filter_=LicenceFilter(status=[A.AGREEMENT_IN_PRINCIPLE]))).licences
    assert [n.key for n in page.nodes] == ["lic-aip"]


async def test_issue_licence_refusals(api_world) -> None:
    hub, store = api_world
    issue = hub.issue_licence
    error = await refused(store, issue(licence(services=["svc-care", "svc-other"])), "ValidationError", "services")
    assert error.fields[0].message == "licence type 'lt-care' does not permit 'svc-other'"
    await refused(store, issue(licence(services=["svc-zz"])), "NotFoundError", "services")
    await refused(store, issue(licence(services=[])), "ValidationError", "services")
    await refused(store, issue(licence(holder="inst-zz")), "NotFoundError", "holder")
    await refused(store, issue(licence(licenceType="lt-zz")), "NotFoundError", "licenceType")
    await refused(store, issue(licence(status=A.EXPIRED)), "ValidationError", "status")
    await refused(store, issue(licence(expiresOn="2021-03-20")), "ValidationError", "expiresOn")
    await issued(hub, key="lic-1")
    # The same issue again is a safe replay (issue 15); the key with other content is taken.
    assert written(await issue(licence(key="lic-1")), "Licence").key == "lic-1"
    await refused(store, issue(licence(key="lic-1", issuedOn="2021-03-22")), "ConflictError", "key")


async def test_renew_licence(api_world) -> None:
    hub, store = api_world
    key = await issued(hub)
    renewed = written(await hub.renew_licence(key), "Licence")
    assert (renewed.status, renewed.expires_on) == (A.ACTIVE, "2031-03-21")
    assert (await listed(hub, key)).expires_on == "2031-03-21"
    error = await refused(store, hub.renew_licence(key, expires_on="2030-01-01"), "ValidationError", "expiresOn")
    assert "2031-03-21" in error.message
    # EXPIRED is set by time, not by a call: put it there directly, then renew it back to ACTIVE.
    await store.write(UPSERT_NODE[Label.LICENCE], rows=[{"key": key, "props": {"status": "EXPIRED"}}])
    back = written(await hub.renew_licence(key, expires_on="1410/10/11"), "Licence")
    assert (back.status, back.expires_on) == (A.ACTIVE, "2032-01-01")
    await refused(store, hub.renew_licence("lic-zz"), "NotFoundError", "key")
    # Nothing to extend from: an open-ended licence needs an explicit expiry.
    open_ended = await issued(hub, licenceType="lt-open")
    await refused(store, hub.renew_licence(open_ended), "ValidationError", "expiresOn")
    assert written(await hub.renew_licence(open_ended, expires_on="2030-01-01"), "Licence").expires_on == "2030-01-01"


async def test_a_revoked_licence_cannot_be_renewed(api_world) -> None:
    hub, store = api_world
    key = await issued(hub)
    written(await hub.revoke_licence(key, reason="تخلف"), "Licence")
    for call in (hub.renew_licence(key), hub.renew_licence(key, expires_on="2040-01-01")):
        error = await refused(store, call, "InvalidTransitionError", "status")
        assert (error.code, error.current_status) == ("INVALID_TRANSITION", A.REVOKED)
        assert error.message.startswith("a REVOKED licence cannot be renewed")
    assert (await listed(hub, key)).status == A.REVOKED


async def test_suspend_and_reinstate(api_world) -> None:
    hub, store = api_world
    key = await issued(hub)
    suspended = written(await hub.suspend_licence(key, reason="بازرسی"), "Licence")
    assert (suspended.key, suspended.status, suspended.institution.key) == (key, A.SUSPENDED, "inst-a")
    assert (await listed(hub, key)).status == A.SUSPENDED
    error = await refused(store, hub.suspend_licence(key, reason="بازرسی"), "InvalidTransitionError", "status")
    assert error.current_status == A.SUSPENDED
    error = await refused(store, hub.renew_licence(key), "InvalidTransitionError", "status")
    assert error.current_status == A.SUSPENDED
    assert written(await hub.reinstate_licence(key), "Licence").status == A.ACTIVE
    assert (await listed(hub, key)).status == A.ACTIVE
    error = await refused(store, hub.reinstate_licence(key), "InvalidTransitionError", "status")
    assert error.current_status == A.ACTIVE
    await refused(store, hub.suspend_licence("lic-zz", reason="x"), "NotFoundError", "key")
    await refused(store, hub.reinstate_licence("lic-zz"), "NotFoundError", "key")


async def test_revoke(api_world) -> None:
    hub, store = api_world
    key = await issued(hub, status=A.AGREEMENT_IN_PRINCIPLE)
    assert written(await hub.revoke_licence(key, reason="تخلف"), "Licence").status == A.REVOKED
    assert (await listed(hub, key)).status == A.REVOKED
    error = await refused(store, hub.revoke_licence(key, reason="تخلف"), "InvalidTransitionError", "status")
    assert error.current_status == A.REVOKED and "cannot be revoked" in error.message
    await refused(store, hub.revoke_licence("lic-zz", reason="x"), "NotFoundError", "key")


async def test_activate(api_world) -> None:
    hub, store = api_world
    key = await issued(hub, status=A.AGREEMENT_IN_PRINCIPLE)
    for step in (hub.suspend_licence(key, reason="بازرسی"), hub.reinstate_licence(key), hub.renew_licence(key)):
        error = await refused(store, step, "InvalidTransitionError", "status")
        assert error.current_status == A.AGREEMENT_IN_PRINCIPLE
    active = written(await hub.activate_licence(key), "Licence")
    assert (active.status, active.licence_type.key, [s.key for s in active.services.nodes]) == (
        A.ACTIVE, "lt-care", ["svc-care"])
    assert (await listed(hub, key)).status == A.ACTIVE
    error = await refused(store, hub.activate_licence(key), "InvalidTransitionError", "status")
    assert error.current_status == A.ACTIVE
    await refused(store, hub.activate_licence("lic-zz"), "NotFoundError", "key")
