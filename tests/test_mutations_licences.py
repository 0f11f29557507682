"""Licence issue and life cycle (graph_model.mutations.licences) on the embedded FalkorDB."""

from __future__ import annotations

from graph_model.enums import Label
from graph_model.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from graph_model.mutations import (
    activate_licence,
    delete_node,
    issue_licence,
    reinstate_licence,
    renew_licence,
    revoke_licence,
    suspend_licence,
    update_node,
)
from graph_model.mutations.licences import add_years
from graph_model.queries import by_keys
from graph_model.statements.loading import UPSERT_NODE
from graph_model.statements.writes_licences import TRANSITION
from graph_model.stores.falkordb import FalkorStore

try:
    from tests.builders import DUMP_NODES, fails_cleanly, links, snapshot
except ImportError:  # tests/ on sys.path rather than the repository root
    from builders import DUMP_NODES, fails_cleanly, links, snapshot  # type: ignore[import-not-found, no-redef]


async def issue(store: FalkorStore, **overrides: object) -> dict:
    args: dict = {"holder": "inst-a", "licence_type": "lt-care", "services": ["svc-care"],
                  "issued_on": "2021-03-21", **overrides}
    return await issue_licence(store, **args)


async def set_status(store: FalkorStore, key: str, status: str) -> None:
    """Put a licence in a status no operation leads to directly (EXPIRED is set by time, not by a call)."""
    await store.write(UPSERT_NODE[Label.LICENCE], rows=[{"key": key, "props": {"status": status}}])


async def test_issue_defaults_the_expiry_from_the_type(small_world: FalkorStore) -> None:
    licence = await issue(small_world, number="KH-1403-17", services=["svc-care", "svc-skills", "svc-care"])
    assert licence == {"key": licence["key"], "number": "KH-1403-17", "status": "ACTIVE", "issuedOn": "2021-03-21",
                       "expiresOn": "2026-03-21", "holder": "inst-a", "licenceType": "lt-care",
                       "services": ["svc-care", "svc-skills"]}
    assert licence["key"].startswith("lic-")
    assert await links(small_world, licence["key"]) == {("OF_TYPE", "lt-care"), ("LICENSES", "svc-care"),
                                                  ("LICENSES", "svc-skills")}
    assert ("HOLDS", licence["key"]) in await links(small_world, "inst-a")


async def test_issue_with_an_explicit_expiry_or_a_type_without_validity(small_world: FalkorStore) -> None:
    aip = await issue(small_world, status="AGREEMENT_IN_PRINCIPLE", expires_on="2022-03-21")
    assert (aip["status"], aip["expiresOn"]) == ("AGREEMENT_IN_PRINCIPLE", "2022-03-21")
    open_ended = await issue(small_world, licence_type="lt-open")
    assert "expiresOn" not in open_ended
    assert add_years("2024-02-29", 5) == "2029-02-28"


async def test_issue_refusals(small_world: FalkorStore) -> None:
    error = await fails_cleanly(small_world, ValidationFailed, "services",
                                issue(small_world, services=["svc-care", "svc-other"]))
    assert error.errors[0].message == "licence type 'lt-care' does not permit 'svc-other'"
    await fails_cleanly(small_world, NotFound, "services", issue(small_world, services=["svc-zz"]))
    await fails_cleanly(small_world, ValidationFailed, "services", issue(small_world, services=[]))
    await fails_cleanly(small_world, NotFound, "holder", issue(small_world, holder="inst-zz"))
    await fails_cleanly(small_world, NotFound, "licenceType", issue(small_world, licence_type="lt-zz"))
    await fails_cleanly(small_world, ValidationFailed, "status", issue(small_world, status="EXPIRED"))
    await fails_cleanly(small_world, ValidationFailed, "expiresOn", issue(small_world, expires_on="2021-03-20"))
    await fails_cleanly(small_world, ValidationFailed, "issuedOn", issue(small_world, issued_on="21/03/2021"))
    first = await issue(small_world, key="lic-1")
    # The same issue again is a replay (issue 15: safe to retry) and answers the same; the key
    # with anything else is taken.
    assert await issue(small_world, key="lic-1") == first
    await fails_cleanly(small_world, Conflict, "key", issue(small_world, key="lic-1", issued_on="2021-03-22"))


async def test_renew(small_world: FalkorStore) -> None:
    key = (await issue(small_world))["key"]
    assert (await renew_licence(small_world, key))["expiresOn"] == "2031-03-21"
    error = await fails_cleanly(small_world, ValidationFailed, "expiresOn",
                                renew_licence(small_world, key, expires_on="2030-01-01"))
    assert "2031-03-21" in error.message
    await set_status(small_world, key, "EXPIRED")
    renewed = await renew_licence(small_world, key, expires_on="2032-01-01")
    assert (renewed["status"], renewed["expiresOn"]) == ("ACTIVE", "2032-01-01")


async def test_a_revoked_or_suspended_licence_cannot_be_renewed(small_world: FalkorStore) -> None:
    key = (await issue(small_world))["key"]
    await suspend_licence(small_world, key, reason="audit")
    error = await fails_cleanly(small_world, InvalidTransition, "status", renew_licence(small_world, key))
    assert error.message == "a SUSPENDED licence cannot be renewed (allowed from ACTIVE or EXPIRED)"
    await revoke_licence(small_world, key, reason="why")
    for call in (renew_licence(small_world, key), renew_licence(small_world, key, expires_on="2040-01-01")):
        error = await fails_cleanly(small_world, InvalidTransition, "status", call)
        assert error.code == "INVALID_TRANSITION" and error.message.startswith("a REVOKED licence cannot be renewed")


async def test_life_cycle(small_world: FalkorStore) -> None:
    key = (await issue(small_world, status="AGREEMENT_IN_PRINCIPLE"))["key"]
    await fails_cleanly(small_world, InvalidTransition, "status", suspend_licence(small_world, key, reason="audit"))
    await fails_cleanly(small_world, InvalidTransition, "status", reinstate_licence(small_world, key))
    assert (await activate_licence(small_world, key))["status"] == "ACTIVE"
    await fails_cleanly(small_world, InvalidTransition, "status", activate_licence(small_world, key))
    assert (await suspend_licence(small_world, key, reason="audit"))["status"] == "SUSPENDED"
    await fails_cleanly(small_world, InvalidTransition, "status", suspend_licence(small_world, key, reason="audit"))
    assert (await reinstate_licence(small_world, key))["status"] == "ACTIVE"
    assert (await revoke_licence(small_world, key, reason="why"))["status"] == "REVOKED"
    error = await fails_cleanly(small_world, InvalidTransition, "status", revoke_licence(small_world, key, reason="x"))
    assert "a REVOKED licence cannot be revoked" in error.message
    await fails_cleanly(small_world, NotFound, "key", suspend_licence(small_world, "lic-zz", reason="x"))
    await fails_cleanly(small_world, NotFound, "key", renew_licence(small_world, "lic-zz"))


async def test_the_status_check_is_part_of_the_write(small_world: FalkorStore) -> None:
    """A suspension prepared while the licence was ACTIVE writes nothing once it is REVOKED."""
    key = (await issue(small_world))["key"]
    await revoke_licence(small_world, key, reason="why")
    before = await snapshot(small_world)
    assert await small_world.write(TRANSITION, key=key, allowed=["ACTIVE"], to="SUSPENDED", on="2099-01-01",
                                   change={"key": "lchg-late", "change": "SUSPENDED", "reason": "late"}) == []
    assert await snapshot(small_world) == before


async def test_licence_edits_and_deletion(small_world: FalkorStore) -> None:
    key = (await issue(small_world))["key"]
    assert (await update_node(small_world, Label.LICENCE, key, {"number": "MK-1"}))["number"] == "MK-1"
    await fails_cleanly(small_world, ValidationFailed, "status",
                        update_node(small_world, Label.LICENCE, key, {"status": "ACTIVE"}))
    await fails_cleanly(small_world, ValidationFailed, "expiresOn",
                        update_node(small_world, Label.LICENCE, key, {"expiresOn": "2040-01-01"}))
    error = await fails_cleanly(small_world, Conflict, "key", delete_node(small_world, Label.INSTITUTION, "inst-a"))
    assert "1 HOLDS (Licence)" in error.message
    await fails_cleanly(small_world, Conflict, "key", delete_node(small_world, Label.LICENCE_TYPE, "lt-care"))
    await delete_node(small_world, Label.LICENCE, key)  # its holder, type and services are its own links
    assert await by_keys(small_world, Label.LICENCE, [key]) == {}
    # Its history (the ISSUED change) goes with it: a change of no licence means nothing.
    assert not [n for n in await small_world.read(DUMP_NODES) if "LicenceChange" in n["labels"]]
    await delete_node(small_world, Label.INSTITUTION, "inst-a")
