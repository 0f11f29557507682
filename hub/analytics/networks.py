"""The network fields: turn arguments into a ``NetworkScope`` and global ids into node refs, and
ask ``graph_model.networks.service.Networks`` (one per request, sharing the process's cache);
``Redaction`` is what a caller without the right to see personal data is shown of the individual
donors in an answer (issue 6, donor privacy).

The amounts a network answer shows such a caller are sums of visible gifts only
(``visible_giving``: the gifts of donors who are not individuals, each listed to every reader):
an overlap's amounts and its AMOUNT order, a community's main donors. Thresholds cannot protect
them: overlaps of one institution with others whose shared donors differ by one individual (or
one pair in two windows) differ by exactly that donor's gifts, each over k or more individuals
(issue 15). The projections' weights, the centralities, communities and suggestion scores need
no such care: they are computed from counts (shared donors, institutions, council seats) and each
suggested donor's own giving, and only donors who are not individuals are suggested to them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jdatetime
from strawberry.relay import GlobalID

from graph_model.enums import Label
from graph_model.errors import FieldError, NotFound, ValidationFailed
from graph_model.networks.scope import NetworkScope, ScopeLevel
from graph_model.networks.service import Networks
from graph_model.networks.communities import DonorShare
from graph_model.networks.overlap import DonorOverlap
from graph_model.privacy import PublicGiving, individual_donors, public_giving
from graph_model.stores.base import GraphStore
from hub.auth.visibility import Visibility
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
    under a pseudonym (``Visibility.pseudonym``) without names, its gifts without amounts;
    an aggregate over 1 to k-1 hidden donors is suppressed."""

    visibility: Visibility
    hidden: frozenset[str] = frozenset()

    def hides(self, key: str) -> bool:
        return key in self.hidden

    def key(self, key: str) -> str:
        """The key to show for a donor: a pseudonym for a hidden one."""
        return self.visibility.pseudonym(key) if key in self.hidden else key

    def suppressed(self, donors: Iterable[str]) -> bool:
        """Whether an aggregate over ``donors`` is withheld (fewer than k individuals among them)."""
        return self.visibility.suppressed(sum(1 for d in donors if d in self.hidden))


async def redaction(info: Info, donors: Iterable[str]) -> Redaction:
    """The redaction of an answer naming ``donors``: one round trip to learn which are individuals,
    none for a caller who sees personal data."""
    return await redaction_for(info.context.visibility, info.context.store, donors)


async def redaction_for(visibility: Visibility, store: GraphStore, donors: Iterable[str]) -> Redaction:
    """``redaction`` outside GraphQL (the network exports, hub.http.network_export): the same rule."""
    if visibility.personal:
        return Redaction(visibility)
    return Redaction(visibility, await individual_donors(store, donors))


def refuse_hidden(red: Redaction, asked: dict[str, tuple[Label, str]]) -> None:
    """An individual donor asked for by key is unknown to a caller who may not see it: the same
    NotFound as a key that does not exist, so the answer does not tell the two apart."""
    missing = [FieldError(arg, f"no {label.value} has the key {key!r}") for arg, (label, key) in asked.items()
               if label is Label.DONOR and red.hides(key)]
    if missing:
        raise NotFound("unknown actor", missing)


async def visible_giving(info: Info, scope: NetworkScope) -> PublicGiving | None:
    """The gifts of ``scope`` a caller without the right to see personal data may see (cached per
    networks count, graph_model.networks.inputs); None for a caller who sees them all (the answers'
    own figures are shown)."""
    if info.context.visibility.personal:
        return None
    return await public_giving(networks(info), scope)


def visible_overlap(o: DonorOverlap, public: PublicGiving) -> DonorOverlap:
    """``o`` with its amounts over its shared donors' visible gifts (individuals' left out)."""
    return dataclasses.replace(o, amount_to_institution=public.given(o.institution, o.donors),
                               amount_to_other=public.given(o.other, o.donors))


def visible_donors(members: Iterable[str], public: PublicGiving, limit: int = 5) -> tuple[DonorShare, ...]:
    """A community's ``limit`` main donors by their visible gifts to its ``members`` (the rule of
    graph_model.networks.communities.describe, individuals left out before ranking: ranked among
    them and then dropped, the companies that fall off the list would tell that an individual
    gave more)."""
    amounts: dict[str, int] = defaultdict(int)
    funded: Counter[str] = Counter()
    for member in members:
        for donor, amount in public.by_institution.get(member, {}).items():
            amounts[donor] += amount
            funded[donor] += 1
    top = sorted(amounts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return tuple(DonorShare(d, a, funded[d]) for d, a in top)
