"""The network fields: turn arguments into a ``NetworkScope`` and global ids into node refs, and
ask ``graph_model.networks.service.Networks`` (one per request, sharing the process's cache);
``Redaction`` is what a caller without the right to see personal data is shown of the individual
donors in an answer (issue 6, donor privacy)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jdatetime
from strawberry.relay import GlobalID

from graph_model.enums import Label
from graph_model.errors import FieldError, NotFound, ValidationFailed
from graph_model.networks.scope import NetworkScope, ScopeLevel
from graph_model.networks.service import Networks
from graph_model.privacy import individual_donors, pseudonym
from hub.auth import privacy
from hub.auth.principal import ANONYMOUS, Principal
from hub.execution.context import Info


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


@dataclass(frozen=True)
class Redaction:
    """What one caller sees of the individual donors in one network answer (computed and cached
    in full for everyone, redacted here per request). ``hidden``: the individual donors among the
    answer's donors when the caller may not see personal data, else empty. A hidden donor is shown
    under a pseudonym (``graph_model.privacy.pseudonym``) without names, its gifts without amounts;
    an aggregate over 1 to k-1 hidden donors is suppressed."""

    principal: Principal
    k: int
    hidden: frozenset[str] = frozenset()

    def hides(self, key: str) -> bool:
        return key in self.hidden

    def key(self, key: str) -> str:
        """The key to show for a donor: a pseudonym for a hidden one."""
        return pseudonym(key) if key in self.hidden else key

    def suppressed(self, donors: Iterable[str]) -> bool:
        """Whether an aggregate over ``donors`` is withheld (fewer than k individuals among them)."""
        return privacy.suppressed(sum(1 for d in donors if d in self.hidden), self.principal, self.k)


def sees_personal(info: Info) -> bool:
    return (info.context.principal or ANONYMOUS).sees_personal


async def redaction(info: Info, donors: Iterable[str]) -> Redaction:
    """The redaction of an answer naming ``donors``: one round trip to learn which are individuals,
    none for a caller who sees personal data."""
    principal = info.context.principal or ANONYMOUS
    k = info.context.settings.privacy_k
    if principal.sees_personal:
        return Redaction(principal, k)
    return Redaction(principal, k, await individual_donors(info.context.store, donors))


def refuse_hidden(red: Redaction, asked: dict[str, tuple[Label, str]]) -> None:
    """An individual donor asked for by key is unknown to a caller who may not see it: the same
    NotFound as a key that does not exist, so the answer does not tell the two apart."""
    missing = [FieldError(arg, f"no {label.value} has the key {key!r}") for arg, (label, key) in asked.items()
               if label is Label.DONOR and red.hides(key)]
    if missing:
        raise NotFound("unknown actor", missing)
