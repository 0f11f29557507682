"""The network fields: turn arguments into a ``NetworkScope`` and global ids into node refs, and
ask ``graph_model.networks.service.Networks`` (one per request, sharing the process's cache)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jdatetime
from strawberry.relay import GlobalID

from graph_model.enums import Label
from graph_model.errors import FieldError, ValidationFailed
from graph_model.networks.scope import NetworkScope, ScopeLevel
from graph_model.networks.service import Networks
from hub.context import Info


def networks(info: Info) -> Networks:
    return Networks(info.context.store, info.context.cache)


def scope_of(given: Any | None, field: str = "scope") -> NetworkScope:
    """A ``NetworkScopeInput`` (or None: the country, every donation) as a ``NetworkScope``."""
    if given is None:
        return NetworkScope()
    if given.province and given.council:
        raise ValidationFailed("a scope is a province or a council, not both",
                               [FieldError(f"{field}.council", "give a province or a council, not both")])
    since, until = _day(given.since), _day(given.until)
    if given.jalali_year is not None:
        if since or until:
            raise ValidationFailed("give jalaliYear or since/until, not both",
                                   [FieldError(f"{field}.jalaliYear", "not with since or until")])
        if not 1 <= given.jalali_year <= 1700:
            raise ValidationFailed("jalaliYear is out of range", [FieldError(f"{field}.jalaliYear", "1 to 1700")])
        since = jdatetime.date(given.jalali_year, 1, 1).togregorian()
        until = jdatetime.date(given.jalali_year + 1, 1, 1).togregorian() - dt.timedelta(days=1)
    if given.province:
        return NetworkScope(ScopeLevel.PROVINCE, given.province, since, until)
    if given.council:
        return NetworkScope(ScopeLevel.COUNCIL, given.council, since, until)
    return NetworkScope(ScopeLevel.COUNTRY, None, since, until)


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


ACTORS = (Label.INSTITUTION, Label.DONOR, Label.COUNCIL, Label.PERSON, Label.EVENT)


def actor_ref(global_id: str, field: str) -> tuple[Label, str]:
    """(label, key) of an actor's global id, or a ValidationFailed naming ``field``."""
    try:
        gid = GlobalID.from_id(global_id)
        label = Label(gid.type_name)
    except Exception as exc:  # noqa: BLE001 - any undecodable id is the client's mistake
        raise ValidationFailed(f"{field} is not a global id", [FieldError(field, "not a global id")]) from exc
    if label not in ACTORS:
        raise ValidationFailed(f"{field} must be an institution, donor, council, person or event",
                               [FieldError(field, f"{label.value} is not a network actor")])
    return label, gid.node_id
