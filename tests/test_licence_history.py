"""A licence's history end to end: every step through the generated client records its change.

Issue, suspend (with a reason), reinstate, request renewal and renew, each with its day given,
leave five LicenceChange records on the licence, in order, each with the status it left, the one
before, the day, who (the caller's subject: ``jwt:tester``, tests.asgi) and why. The bad inputs
(no reason to suspend, a second renewal request while one is pending, a day before the last
change or in the future) come back typed with the graph exactly as it was.
"""

from __future__ import annotations

from typing import Any

from hub_client import HubClient
from hub_client.enums import LicenceChangeKind, LicenceStatus
from hub_client.input_types import IssueLicenceInput
from tests.mutation_client import refused, written

A = LicenceStatus
K = LicenceChangeKind


async def history(hub: HubClient, key: str) -> Any:
    institution = (await hub.licence_history("inst-a")).institution
    assert institution is not None
    (licence,) = [n for n in institution.licences.nodes if n.key == key]
    return licence


async def test_the_history_is_complete_and_ordered(api_world: tuple[HubClient, Any]) -> None:
    hub, _ = api_world
    key = written(await hub.issue_licence(IssueLicenceInput(
        holder="inst-a", licence_type="lt-care", services=["svc-care"], issued_on="2021-03-21", key="lic-h")),
        "Licence").key
    assert written(await hub.suspend_licence(key, on="2023-05-01", reason="بازرسی: کمبود نیرو"),
                   "Licence").status == A.SUSPENDED
    assert written(await hub.reinstate_licence(key, on="2023-05-01"), "Licence").status == A.ACTIVE
    requested = written(await hub.request_licence_renewal(key, on="1404/11/01"), "Licence")  # 2026-01-21
    assert requested.status == A.ACTIVE
    assert (await history(hub, key)).renewal_requested_on == "2026-01-21"
    renewed = written(await hub.renew_licence(key, on="2026-03-01"), "Licence")
    assert (renewed.status, renewed.expires_on) == (A.ACTIVE, "2031-03-21")

    licence = await history(hub, key)
    assert licence.renewal_requested_on is None, "renewing answers the request"
    changes = licence.changes.nodes
    assert licence.changes.total_count == 5
    # Suspended and reinstated on one day still come out in the order they happened.
    assert [(c.change, c.previous, c.status, c.on) for c in changes] == [
        (K.ISSUED, None, A.ACTIVE, "2021-03-21"),
        (K.SUSPENDED, A.ACTIVE, A.SUSPENDED, "2023-05-01"),
        (K.REINSTATED, A.SUSPENDED, A.ACTIVE, "2023-05-01"),
        (K.RENEWAL_REQUESTED, A.ACTIVE, A.ACTIVE, "2026-01-21"),
        (K.RENEWED, A.ACTIVE, A.ACTIVE, "2026-03-01"),
    ]
    assert {c.by for c in changes} == {"jwt:tester"}
    assert [c.reason for c in changes] == [None, "بازرسی: کمبود نیرو", None, None, None]
    assert changes[1].on_jalali == "1402/02/11"
    assert not any(c.generated for c in changes)


async def test_who_changed_a_licence_is_shown_only_to_supervisors_and_editors(
        api_world: tuple[HubClient, Any]) -> None:
    """`by` names an API key or a token's subject, which only the audit log's readers see otherwise:
    null for a viewer, an institution key and a council member; the step itself and its reason stay."""
    from hub_client import HubClient as Client
    from tests.asgi import asgi_client

    hub, store = api_world
    key = written(await hub.issue_licence(IssueLicenceInput(
        holder="inst-a", licence_type="lt-care", services=["svc-care"], issued_on="2021-03-21", key="lic-w")),
        "Licence").key
    written(await hub.suspend_licence(key, on="2023-05-01", reason="بازرسی"), "Licence")
    for role, shown in (("viewer", False), ("council_member", False), ("supervisor", True), ("editor", True)):
        async with asgi_client(store, role=role) as http:
            seen = await history(Client(url="http://hub/graphql", http_client=http), key)  # type: ignore[arg-type]
        changes = seen.changes.nodes
        assert [c.change for c in changes] == [K.ISSUED, K.SUSPENDED], role
        assert [c.reason for c in changes] == [None, "بازرسی"], role
        assert {c.by for c in changes} == ({"jwt:tester"} if shown else {None}), role


async def test_bad_steps_are_typed_and_write_nothing(api_world: tuple[HubClient, Any]) -> None:
    hub, store = api_world
    key = written(await hub.issue_licence(IssueLicenceInput(
        holder="inst-a", licence_type="lt-care", services=["svc-care"], issued_on="2021-03-21")), "Licence").key
    for reason in (None, "  "):
        await refused(store, hub.suspend_licence(key, reason=reason), "ValidationError", "reason")
        await refused(store, hub.revoke_licence(key, reason=reason), "ValidationError", "reason")
    await refused(store, hub.suspend_licence(key, on="2020-01-01", reason="late"), "ValidationError", "on")
    await refused(store, hub.suspend_licence(key, on="2999-01-01", reason="early"), "ValidationError", "on")
    written(await hub.request_licence_renewal(key, on="2025-12-01"), "Licence")
    await refused(store, hub.request_licence_renewal(key, on="2025-12-02"), "ConflictError", "key")
    await refused(store, hub.request_licence_renewal("lic-zz"), "NotFoundError", "key")
    written(await hub.suspend_licence(key, on="2025-12-03", reason="audit"), "Licence")
    await refused(store, hub.request_licence_renewal(key), "InvalidTransitionError", "status")
    assert [c.change for c in (await history(hub, key)).changes.nodes] == [
        K.ISSUED, K.RENEWAL_REQUESTED, K.SUSPENDED]


def _histories(profile: str) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """The profile's licences and each one's changes in order (day, then key)."""
    from graph_model.enums import Label, Rel
    from tests.datasets import demo, national

    ds = national() if profile == "national" else demo()
    licences = {n["key"]: n["props"] for n in ds.nodes[Label.LICENCE]}
    changes = {n["key"]: n["props"] for n in ds.nodes[Label.LICENCE_CHANGE]}
    held: dict[str, list[tuple[str, str]]] = {key: [] for key in licences}
    for link in ds.rels[Rel.CHANGE_OF]:
        held[link["end"]].append((changes[link["start"]]["on"], link["start"]))
    return licences, {key: [changes[c] for _, c in sorted(pairs)] for key, pairs in held.items()}


def test_every_seeded_licence_has_a_history_consistent_with_it() -> None:
    """Both profiles: each history starts ISSUED, runs in order (each change's previous status is the
    one before's), never passes the seed's TODAY, ends in the licence's status; a pending request is
    the last request with no renewal after it; everything is marked generated."""
    from seed.generator import TODAY

    for profile in ("demo", "national"):
        licences, histories = _histories(profile)
        kinds: set[str] = set()
        for key, props in licences.items():
            h = histories[key]
            assert h and h[0]["change"] == "ISSUED" and h[-1]["status"] == props["status"], (key, props, h)
            assert all(a["status"] == b["previous"] for a, b in zip(h, h[1:], strict=False)), (key, h)
            assert all(c["on"] <= TODAY.isoformat() and c["generated"] and c["source"] for c in h), (key, h)
            asked = [c for c in h if c["change"] in ("RENEWAL_REQUESTED", "RENEWED")]
            pending = bool(asked) and asked[-1]["change"] == "RENEWAL_REQUESTED"
            assert pending == ("renewalRequestedOn" in props), (key, props, h)
            if pending:
                assert props["renewalRequestedOn"] == asked[-1]["on"]
            kinds |= {c["change"] for c in h}
        assert kinds >= {"ISSUED", "SUSPENDED", "REINSTATED", "RENEWAL_REQUESTED", "RENEWED", "EXPIRED",
                         "REVOKED"}, profile
        assert all(c["reason"] for h in histories.values() for c in h if c["change"] in ("SUSPENDED", "REVOKED"))


def test_the_planted_stuck_renewal() -> None:
    """national: lic-planted-stuck-renewal of inst-planted-stuck-renewal (Khuzestan) is ACTIVE, its renewal
    requested TODAY minus 365 days and nothing recorded since."""
    import datetime as dt

    from graph_model.enums import Label, Rel
    from seed.generator import TODAY
    from tests.test_seed_data import national

    licences, histories = _histories("national")
    props = licences["lic-planted-stuck-renewal"]
    asked = (TODAY - dt.timedelta(days=365)).isoformat()
    assert (props["status"], props["renewalRequestedOn"]) == ("ACTIVE", asked)
    assert props["expiresOn"] > TODAY.isoformat()
    h = histories["lic-planted-stuck-renewal"]
    assert [(c["change"], c["on"]) for c in h][-1] == ("RENEWAL_REQUESTED", asked)
    assert [c["change"] for c in h] == ["ISSUED", "RENEWAL_REQUESTED"]
    ds = national()
    holds = {"start": "inst-planted-stuck-renewal", "end": "lic-planted-stuck-renewal", "props": {}}
    assert holds in ds.rels[Rel.HOLDS]
    (county,) = [r["end"] for r in ds.rels[Rel.LOCATED_IN] if r["start"] == "inst-planted-stuck-renewal"]
    assert county.startswith("IR-06-")
    assert any(n["key"] == "inst-planted-stuck-renewal" for n in ds.nodes[Label.INSTITUTION])


def test_the_planted_renewal_waits_longest() -> None:
    """No generated request has waited as long as the planted one: it tops any pending list."""
    licences, _ = _histories("national")
    waiting = sorted((props["renewalRequestedOn"], key) for key, props in licences.items()
                     if "renewalRequestedOn" in props)
    assert waiting[0][1] == "lic-planted-stuck-renewal"
    assert waiting[1][0] > waiting[0][0]
