"""Issue licences and move them through their life cycle.

A licence starts as an agreement in principle (موافقت اصولی) or directly as an operating
licence (ACTIVE). From there:

    activate   AGREEMENT_IN_PRINCIPLE -> ACTIVE
    suspend    ACTIVE -> SUSPENDED
    reinstate  SUSPENDED -> ACTIVE
    revoke     anything but REVOKED -> REVOKED
    renew      ACTIVE or EXPIRED -> ACTIVE, with a later expiresOn
    request renewal   ACTIVE or EXPIRED, no request pending: sets renewalRequestedOn

Anything else raises InvalidTransition on ``status``. The status check is part of each
write statement, so it holds even when two people act on one licence at once.

Every step records a LicenceChange in the same statement: what happened, the status it left,
the previous one, the day (``on``: default today, never in the future nor before the last
change), who (``by``) and why (``reason``, required to suspend or revoke: the holder and the
supervisor must be able to read why). That history answers "suspended since" and "how long
renewals take" (graph_model.licence_pipeline).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass
from typing import Any

from graph_model.enums import Label, LicenceChangeKind, LicenceStatus
from graph_model.errors import Conflict, FieldError, InvalidTransition, NotFound, ValidationFailed
from graph_model.model import NODE_FIELDS, field_errors
from graph_model.mutations.common import (
    Row,
    check_refs,
    first_row,
    given,
    key_error,
    key_taken,
    keys_errors,
    new_key,
    refuse,
    retrying,
    unique,
)
from graph_model.queries import by_keys
from graph_model.statements.writes_licences import (
    ISSUE_LICENCE,
    LICENCE_STATE,
    LICENCE_TYPE_RULES,
    RENEW,
    REQUEST_RENEWAL,
    TRANSITION,
)
from graph_model.stores.base import GraphStore

S = LicenceStatus
K = LicenceChangeKind
ISSUABLE = (S.AGREEMENT_IN_PRINCIPLE, S.ACTIVE)


@dataclass(frozen=True)
class Transition:
    allowed: frozenset[LicenceStatus]
    to: LicenceStatus
    done: str  # "a SUSPENDED licence cannot be {done}"
    kind: LicenceChangeKind  # the change it records
    needs_reason: bool = False


ACTIVATE = Transition(frozenset({S.AGREEMENT_IN_PRINCIPLE}), S.ACTIVE, "activated", K.ACTIVATED)
SUSPEND = Transition(frozenset({S.ACTIVE}), S.SUSPENDED, "suspended", K.SUSPENDED, needs_reason=True)
REINSTATE = Transition(frozenset({S.SUSPENDED}), S.ACTIVE, "reinstated", K.REINSTATED)
REVOKE = Transition(frozenset(S) - {S.REVOKED}, S.REVOKED, "revoked", K.REVOKED, needs_reason=True)
RENEW_FROM = Transition(frozenset({S.ACTIVE, S.EXPIRED}), S.ACTIVE, "renewed", K.RENEWED)
# The status stays; only renewalRequestedOn is set (``to`` is unused by its statement).
REQUEST_FROM = Transition(frozenset({S.ACTIVE, S.EXPIRED}), S.ACTIVE, "put up for renewal", K.RENEWAL_REQUESTED)


@dataclass(frozen=True)
class Step:
    """Who records a change, on which day and why."""

    on: str
    by: str | None
    reason: str | None

    def change(self, kind: LicenceChangeKind) -> dict[str, Any]:
        """The new LicenceChange's own properties (the statements add the statuses and the day)."""
        return given({"key": change_key(), "change": kind.value, "by": self.by, "reason": self.reason})


def change_key() -> str:
    """A change's key, in the order changes are made: the history is sorted by day, then key, so
    two changes on one day (suspended and reinstated) come out in the order they happened. The
    ``t`` sorts after the seed's ``lchg-lic...`` keys (seed.licence_history) of the same day."""
    return f"lchg-t{time.time_ns():016x}-{uuid.uuid4().hex[:6]}"


def step_of(on: str | None, by: str | None, reason: str | None, *, today: dt.date | None = None,
            reason_required: bool = False) -> Step:
    """Check a step's day and reason: the day defaults to ``today`` and may not be later; a
    suspension or revocation must say why (ValidationFailed naming ``on`` or ``reason``)."""
    today = today or dt.date.today()
    errors: list[FieldError] = []
    if on is not None:
        errors += field_errors({"on": on}, {"on": NODE_FIELDS[Label.LICENCE_CHANGE]["on"]})
        if not errors and on > today.isoformat():
            errors.append(FieldError("on", f"may not be in the future (today is {today.isoformat()})"))
    reason = reason.strip() if isinstance(reason, str) else reason
    if reason_required and not reason:
        errors.append(FieldError("reason", "is required: say why"))
    refuse("invalid licence change", errors)
    return Step(on or today.isoformat(), by, reason or None)


def _too_early(on: str, last: str | None) -> None:
    if last is not None and on < last:
        message = f"may not be before the licence's last recorded change ({last})"
        raise ValidationFailed(f"on {message}", [FieldError("on", message)])


def add_years(iso: str, years: int) -> str:
    """The same day ``years`` later (28 February for a 29 February that has none)."""
    day = dt.date.fromisoformat(iso)
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:
        return day.replace(year=day.year + years, day=28).isoformat()


def _not_found(key: str) -> NotFound:
    message = f"no Licence with key {key!r}"
    return NotFound(message, [FieldError("key", message)])


def _params(transition: Transition) -> dict[str, Any]:
    return {"allowed": sorted(s.value for s in transition.allowed), "to": transition.to.value}


async def _state(store: GraphStore, key: str, transition: Transition, on: str | None = None) -> Row:
    """The licence's status, expiry, type validity, pending request and last change's day; raise
    if it is missing, may not move, or ``on`` falls before its last change."""
    rows = await store.read(LICENCE_STATE, key=key)
    if not rows:
        raise _not_found(key)
    status = rows[0]["status"]
    if status not in {s.value for s in transition.allowed}:
        allowed = " or ".join(sorted(s.value for s in transition.allowed))
        message = f"a {status} licence cannot be {transition.done} (allowed from {allowed})"
        raise InvalidTransition(message, [FieldError("status", message)], status=status)
    if on is not None:
        _too_early(on, rows[0]["lastChange"])
    return rows[0]


async def issue_licence(store: GraphStore, *, holder: str, licence_type: str, services: list[str],
                        issued_on: str, status: LicenceStatus | str = S.ACTIVE, expires_on: str | None = None,
                        number: str | None = None, key: str | None = None, source: str | None = None,
                        by: str | None = None, generated: bool | None = None) -> Row:
    """Issue a licence of ``licence_type`` to institution ``holder`` for services the type permits.

    ``expires_on`` defaults to ``issued_on`` plus the type's validityYears (none when the type
    has no validity). Records the ISSUED change on ``issued_on`` by ``by``. Returns the
    licence's properties plus ``holder``, ``licenceType`` and ``services``.
    """
    key = new_key("lic") if key is None else key
    props = given({"number": number, "status": status, "issuedOn": issued_on, "expiresOn": expires_on,
                   "source": source, "generated": generated})
    errors = (key_error("key", key) + key_error("holder", holder) + key_error("licenceType", licence_type)
              + keys_errors("services", services) + field_errors(props, NODE_FIELDS[Label.LICENCE]))
    if isinstance(services, (list, tuple)) and not services:
        errors.append(FieldError("services", "must name at least one service"))
    if not any(e.field == "status" for e in errors) and props.get("status") not in {s.value for s in ISSUABLE}:
        errors.append(FieldError("status", "a licence is issued as AGREEMENT_IN_PRINCIPLE or ACTIVE"))
    if not errors and issued_on is None:
        errors.append(FieldError("issuedOn", "is required"))
    if not errors and expires_on is not None and expires_on <= issued_on:
        errors.append(FieldError("expiresOn", "must be after issuedOn"))
    refuse("invalid licence", errors)
    wanted = unique(services)
    # The first change of a licence is known by the licence's key: the same issue gives the same
    # history (and "0" sorts before the later changes' "t" keys of the same day).
    change = given({"key": f"lchg-0-{key}", "change": K.ISSUED.value, "status": props["status"], "on": issued_on,
                    "by": by, "source": source, "generated": generated})

    async def attempt() -> Row | None:
        rules = await store.read(LICENCE_TYPE_RULES, key=licence_type)
        if not rules:
            raise NotFound(f"no LicenceType with key {licence_type!r}",
                           [FieldError("licenceType", f"no LicenceType with key {licence_type!r}")])
        years, permits = rules[0]["validityYears"], set(rules[0]["permits"])
        refused = [s for s in wanted if s not in permits]
        if refused:
            await check_refs(store, [("services", Label.SERVICE, refused)])
            raise ValidationFailed(f"licence type {licence_type!r} does not permit {', '.join(refused)}",
                                   [FieldError("services", f"licence type {licence_type!r} does not permit {s!r}")
                                    for s in refused])
        expiry = expires_on if expires_on is not None else add_years(issued_on, years) if years else None
        try:
            return await first_row(store, ISSUE_LICENCE, holder=holder, licenceType=licence_type,
                                   validityYears=-1 if years is None else years, services=wanted, key=key,
                                   change=change, props={**props, **({"expiresOn": expiry} if expiry else {})})
        except Conflict as exc:
            raise key_taken("Licence", key) from exc

    async def explain() -> None:
        await check_refs(store, [("holder", Label.INSTITUTION, [holder])])
        # A replay of the same issue answers as the first run did; no row while the holder
        # exists and the type still permits the services: the key holds another licence.
        if await by_keys(store, Label.LICENCE, [key]):
            raise key_taken("Licence", key)

    row = await retrying(attempt, explain)
    return {**row["node"], "holder": holder, "licenceType": licence_type, "services": wanted}


async def _move(store: GraphStore, key: str, transition: Transition, on: str | None, by: str | None,
                reason: str | None, today: dt.date | None) -> Row:
    refuse("invalid licence key", key_error("key", key))
    step = step_of(on, by, reason, today=today, reason_required=transition.needs_reason)
    change = step.change(transition.kind)

    async def attempt() -> Row | None:
        return await first_row(store, TRANSITION, key=key, on=step.on, change=change, **_params(transition))

    async def explain() -> None:
        await _state(store, key, transition, step.on)

    return (await retrying(attempt, explain))["node"]


async def activate_licence(store: GraphStore, key: str, *, on: str | None = None, by: str | None = None,
                           reason: str | None = None, today: dt.date | None = None) -> Row:
    """An agreement in principle becomes an operating licence."""
    return await _move(store, key, ACTIVATE, on, by, reason, today)


async def suspend_licence(store: GraphStore, key: str, *, on: str | None = None, by: str | None = None,
                          reason: str | None = None, today: dt.date | None = None) -> Row:
    return await _move(store, key, SUSPEND, on, by, reason, today)


async def reinstate_licence(store: GraphStore, key: str, *, on: str | None = None, by: str | None = None,
                            reason: str | None = None, today: dt.date | None = None) -> Row:
    return await _move(store, key, REINSTATE, on, by, reason, today)


async def revoke_licence(store: GraphStore, key: str, *, on: str | None = None, by: str | None = None,
                         reason: str | None = None, today: dt.date | None = None) -> Row:
    return await _move(store, key, REVOKE, on, by, reason, today)


async def request_licence_renewal(store: GraphStore, key: str, *, on: str | None = None, by: str | None = None,
                                  reason: str | None = None, today: dt.date | None = None) -> Row:
    """The holder of an ACTIVE or EXPIRED licence applies for renewal on ``on``: sets
    renewalRequestedOn and records RENEWAL_REQUESTED. A second request while one is pending is
    a Conflict naming ``key``."""
    refuse("invalid licence key", key_error("key", key))
    step = step_of(on, by, reason, today=today)
    change = step.change(REQUEST_FROM.kind)

    async def attempt() -> Row | None:
        return await first_row(store, REQUEST_RENEWAL, key=key, on=step.on, change=change,
                               allowed=sorted(s.value for s in REQUEST_FROM.allowed))

    async def explain() -> None:
        state = await _state(store, key, REQUEST_FROM, step.on)
        if state["renewalRequestedOn"] is not None:
            message = f"a renewal was already requested on {state['renewalRequestedOn']} and is pending"
            raise Conflict(message, [FieldError("key", message)])

    return (await retrying(attempt, explain))["node"]


async def renew_licence(store: GraphStore, key: str, *, expires_on: str | None = None, on: str | None = None,
                        by: str | None = None, reason: str | None = None, today: dt.date | None = None) -> Row:
    """Extend an ACTIVE or EXPIRED licence to ``expires_on`` (later than its current expiry) and
    make it ACTIVE; a pending renewal request is answered (renewalRequestedOn cleared). Without
    ``expires_on`` it runs one validity period of its type past the current expiry."""
    errors = key_error("key", key)
    if expires_on is not None:
        errors += field_errors({"expiresOn": expires_on}, {"expiresOn": NODE_FIELDS[Label.LICENCE]["expiresOn"]})
    refuse("invalid renewal", errors)
    step = step_of(on, by, reason, today=today)
    change = step.change(RENEW_FROM.kind)

    async def attempt() -> Row | None:
        new, basis = expires_on, None
        if new is None:
            state = await _state(store, key, RENEW_FROM)
            basis, years = state["expiresOn"], state["validityYears"]
            if basis is None or not years:
                message = "is required: the licence has no expiry, or its type no validity period, to extend"
                raise ValidationFailed(f"expiresOn {message}", [FieldError("expiresOn", message)])
            new = add_years(basis, years)
        return await first_row(store, RENEW, key=key, expiresOn=new, basis=basis, on=step.on, change=change,
                               **_params(RENEW_FROM))

    async def explain() -> None:
        state = await _state(store, key, RENEW_FROM, step.on)
        current = state["expiresOn"]
        if expires_on is not None and current is not None and expires_on <= current:
            message = f"must be after the current expiry {current}"
            raise ValidationFailed(f"expiresOn {message}", [FieldError("expiresOn", message)])

    return (await retrying(attempt, explain))["node"]
