"""DataLoaders, built per request: each batches its keys into one store statement.

Loaders are made on first use and kept for the request: nodes by label, single links by name,
giving totals by label, and nested lists by (list, request) so that one page of 100
institutions asking for their services with the same arguments costs one batch: the pages, then
each distinct service once (graph_model.listing.fetch_nested), whatever the page's size. Nodes a
row already holds (a gift's donor's key and kind) are given to their loaders without a read
(``Loaders.known``); a page's rows that mirror their linked node's key (an institution's
``countyKey``) have those nodes read by key, once each (``Loaders.mirrored``). What fills them for a
whole page before its fields ask is hub.execution.prefetch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from graph_model import filter_keys, links, list_types, listing, queries, search_places
from graph_model.enums import Label
from graph_model.list_specs import NESTED
from graph_model.stores.base import GraphStore
from graph_model.stores.fused import FusedReads, seen
from hub.auth.visibility import Visibility
from hub.strawberry_compat import join_batch, loader_cache

Node = dict[str, Any]
K = TypeVar("K", bound=Hashable)  # what a loader's keys are


class _Loader(DataLoader[K, Any]):
    """strawberry's DataLoader, whose loads are run at once when their reads were sent ahead and answered
    (``FusedReads.at_once``: no batch, no task), and whose ``load_many`` waits for its futures one after the
    other instead of gathering them. A gather puts a callback on each future, and the event loop runs each one
    when the batch answers: some 300 callbacks for a page of 100 institutions. Awaited in turn, the
    first wakes the waiter once, and the rest of its batch is done by then. The futures of one call
    are one batch's, so they end together; if one fails, the call raises its error (as gather) and
    the errors of the others are marked seen, as gather marks them."""

    def __init__(self, load_fn: Callable[[list[K]], Awaitable[Any]]) -> None:
        super().__init__(load_fn)
        self._cached: dict[Any, asyncio.Future[Any]] = loader_cache(self)
        # The request's store, when its reads may have been sent ahead (Loaders._get). The batch function is a
        # coroutine function (``_ordered``'s), which ``FusedReads.at_once`` steps.
        self.reads: FusedReads | None = None

    def load(self, key: K) -> Awaitable[Any]:
        future = self._cached.get(key)  # the commonest case (a prefetched row), without strawberry's calls
        if future is not None and not future.cancelled():
            return future
        future = self._at_once(key)
        if future is not None:
            self._cached[key] = future
            return future
        return super().load(key)

    def _at_once(self, key: K) -> asyncio.Future[Any] | None:
        """``key``'s value, done, while reads sent ahead are left and answer every read of its load
        (``FusedReads.at_once``); None for a load that goes to the batch."""
        reads = self.reads
        return reads.at_once(self.load_fn, key) if reads is not None and reads.ahead else None

    def load_many(self, keys: Iterable[K]) -> Awaitable[list[Any]]:
        """All of ``keys`` at once: the keys not yet loaded join the current batch together, with
        what ``load`` does for each but the bookkeeping per key (a prefetch loads some 300 keys a
        page). A future's own done-callback is left out: it only cancels a batch all of whose
        futures were cancelled, and the batch checks that itself before it reads."""
        cached, create = self._cached, self.loop.create_future
        futures: list[Awaitable[Any]] = []
        pending: list[tuple[K, asyncio.Future[Any]]] = []
        for key in keys:
            future = cached.get(key)
            if future is None or future.cancelled():
                # Run at once while each key's reads were sent ahead; the first that was not, and all after it, batched.
                future = None if pending else self._at_once(key)
                if future is None:
                    future = create()
                    pending.append((key, future))
                cached[key] = future
            futures.append(future)
        if pending:
            join_batch(self, pending)
        return _in_turn(futures)

    def prime_many(self, data: Mapping[K, Any], force: bool = False) -> None:
        """strawberry's ``prime_many`` on the cache's own dict: a key not loaded yet (or any, ``force``)
        gets a future holding its value, and a key waiting in a batch not yet sent is answered and
        taken out of it. strawberry's goes through its cache's ``get`` and ``set`` for each key: a page
        of 50 events and 40 institutions gave their counties' loaders 90 keys a request this way
        (``Loaders.mirrored``), ~0.1 ms of the request (benchmarks/README.md, issue 18)."""
        cached, create = self._cached, self.loop.create_future
        for key, value in data.items():
            if force or key not in cached:
                future = cached[key] = create()
                future.set_result(value)
        batch = self.batch
        if batch is not None and not batch.dispatched:
            answered = False
            for task in batch.tasks:
                if task.key in data:
                    answered = True
                    task.future.set_result(data[task.key])
            if answered:
                batch.tasks = [task for task in batch.tasks if not task.future.done()]



async def _in_turn(futures: list[Awaitable[Any]]) -> list[Any]:
    values = []
    for i, future in enumerate(futures):
        try:
            values.append(await future)
        except BaseException:
            for rest in futures[i + 1:]:
                if isinstance(rest, asyncio.Future):
                    rest.add_done_callback(seen)
            raise
    return values


def _ordered(fetch: Callable[[list[K]], Awaitable[Mapping[K, Any]]], default: Any = None) -> DataLoader:
    async def load(keys: list[K]) -> list[Any]:
        found = await fetch(keys)
        return [found.get(k, default) for k in keys]

    return _Loader(load)


class Loaders:
    """One request's loaders. ``visibility`` (required: no reader has a default caller) is what the
    caller may see of donors; every loader of donor-bearing rows applies it where it reads."""

    def __init__(self, store: GraphStore, visibility: Visibility) -> None:
        self.store = store
        self.visibility = visibility
        self._loaders: dict[tuple[Any, ...], DataLoader] = {}
        # ``nested``'s loaders by the identity of the request asked with, which each holds: a compiled plan
        # asks with one request object for every object it completes (hub.schema.fields.request_of), and
        # hashing that frozen dataclass cost ~1 µs a call, a hundred times a page of institutions.
        self._nested_by_request: dict[tuple[int, str, bool], tuple[listing.Request, DataLoader]] = {}
        # What ``mirrored`` answered for a page's rows, per link (name, props, hops): its linked node's row
        # (None: none) by the parent's key, read by the link's field before its loader (hub.schema.fields.link).
        self.linked: dict[tuple[Any, ...], dict[str, Node | None]] = {}

    def fresh(self) -> Loaders:
        """New loaders for the same request (same caller): after a write, what was loaded may be
        stale. These ones forget what they loaded (``close``)."""
        self.close()
        return Loaders(self.store, self.visibility)

    def close(self) -> None:
        """Forget what was loaded, at the end of the request. The loaders' functions hold these
        loaders (a reference cycle): without this, a request's loaded rows stayed alive until the
        collector's next pass found the cycle, ~280 objects a request that made each young pass
        (one every ~70 requests) take 10-19 ms (benchmarks/README.md, issue 18)."""
        for loader in self._loaders.values():
            loader.clear_all()
        self._loaders.clear()
        self._nested_by_request.clear()
        self.linked.clear()

    def _get(self, key: tuple[Any, ...], make: Callable[[], DataLoader]) -> DataLoader:
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = make()
            if isinstance(loader, _Loader) and isinstance(self.store, FusedReads):  # its loads run at once
                loader.reads = self.store
        return loader

    def node(self, label: Label, props: tuple[str, ...] | None = None) -> DataLoader[str, Node | None]:
        """``props``: the properties its rows hold (hub.execution.projection), None: all."""
        if self.visibility.hides(label):
            return self._get(("node", label, props), lambda: _ordered(lambda keys: self._public_donors(keys, props)))
        return self._get(("node", label, props), lambda: _ordered(
            lambda keys: queries.by_keys(self.store, label, keys, props)))

    async def _public_donors(self, keys: list[str], props: tuple[str, ...] | None) -> dict[str, Node]:
        # An individual donor is absent for a caller without PERSONAL, wherever it is reached from.
        # (A projected row always holds the donor's kind: hub.execution.projection.)
        found = await queries.by_keys(self.store, Label.DONOR, keys, props)
        return {k: row for k, row in found.items() if self.visibility.donor(row) is not None}

    def known(self, label: Label, props: tuple[str, ...] | None, rows: Iterable[Node]) -> None:
        """Rows of ``label``'s nodes holding ``props`` read some other way (a hop, the ends a relation's
        row carries): the answers of ``node(label, props)`` for their keys, given without a statement.
        A donor the caller may not see is answered absent, as ``_public_donors`` answers it."""
        loader = self.node(label, props)
        hides = self.visibility.hides(label)
        loader.prime_many({row["key"]: None if hides and self.visibility.donor(row) is None else row
                           for row in rows})

    def within(self, label: Label, prop: str, props: tuple[str, ...] | None) -> DataLoader[str, None]:
        """Per value, the ``label`` nodes that hold it as their ``prop`` (a province's counties, by the
        provinceKey they mirror), read and given to ``node(label, props)`` (``known``): read beside a page
        scoped to that value whose items' links name such nodes (hub.schema.fields.root_list), so that the
        page's links are answered without a statement of their own (benchmarks/README.md, issue 18).
        Answers None, as ``hop``: only the reading counts."""
        async def fetch(values: list[str]) -> dict[str, None]:
            rows = await queries.by_value(self.store, label, prop, values, props)
            self.known(label, props, [row["node"] for row in rows])
            return {}

        return self._get(("within", label, prop, props), lambda: _ordered(fetch))

    def hop(self, name: str, prop: str, label: Label, props: tuple[str, ...]) -> DataLoader[str, None]:
        """Per key, the ``label`` nodes named by the ``prop`` of the node the link ``name`` gives it
        (graph_model.links.fetch_hop), read beside that link and given to ``node(label, props)``
        (``known``), so that the level below asks the store nothing. Answers None: only the reading counts."""
        async def fetch(keys: list[str]) -> dict[str, None]:
            self.known(label, props, await links.fetch_hop(self.store, name, prop, label, props, keys))
            return {}

        return self._get(("hop", name, prop, label, props), lambda: _ordered(fetch))

    def link(self, name: str, props: tuple[str, ...] | None = None,
             hops: tuple[links.Hop, ...] = ()) -> DataLoader[str, Node | None]:
        """``hops``: the nodes the linked nodes name by a key property, read in the same statement and
        given to their loaders (``known``): a county's province beside the county."""
        if not hops:
            return self._get(("link", name, props), lambda: _ordered(
                lambda keys: links.fetch_link(self.store, name, keys, props)))

        async def fetch(keys: list[str]) -> dict[str, Node]:
            found, hopped = await links.fetch_link_hops(self.store, name, keys, props, hops)
            for (_, label, hop_props), rows in zip(hops, hopped, strict=True):
                self.known(label, hop_props, rows)
            return found

        return self._get(("link", name, props, hops), lambda: _ordered(fetch))

    async def mirrored(self, name: str, parents: list[Node], props: tuple[str, ...] | None,
                       hops: tuple[links.Hop, ...] = ()) -> list[Node | None]:
        """What ``link(name, props)`` answers for ``parents``, rows holding the property that mirrors their
        linked node's key (graph_model.links.Link.mirror), read as those nodes by key and kept in ``linked``
        for the link's field (by the parent's key): the 100 institutions of a page lie in some 24 counties,
        and reading each county once cost FalkorDB a third of following each institution's link
        (benchmarks/README.md, issue 18). A row whose mirror is null (no link, or a store not yet filled:
        graph_model.mirrors) follows its link."""
        prop, label = links.LINKS[name].mirror  # type: ignore[misc]  # only a mirrored link is asked
        wanted = list(dict.fromkeys(row[prop] for row in parents if row[prop] is not None))
        unmirrored = [row["key"] for row in parents if row[prop] is None]
        nodes = self.node(label, props).load_many(wanted)
        if unmirrored:  # both read in one turn
            got, followed = await asyncio.gather(nodes, self.link(name, props, hops).load_many(unmirrored))
        else:
            got, followed = await nodes, []
        found = dict(zip(wanted, got, strict=True))
        answers = {row["key"]: found.get(row[prop]) for row in parents if row[prop] is not None}
        answers.update(zip(unmirrored, followed, strict=True))
        # Kept for the link's field to read first, not primed into its loader: some 90 futures made and
        # answered a request for the fourth peer question, each then read back through the loader.
        known = self.linked.get((name, props, hops))
        if known is None:
            self.linked[(name, props, hops)] = answers
        else:
            known.update(answers)
        return [answers[row["key"]] for row in parents]

    def giving(self, label: Label) -> DataLoader[str, links.Giving]:
        return self._get(("giving", label), lambda: _ordered(
            lambda keys: links.fetch_giving(self.store, label, keys), links.NO_GIVING))

    def giving_dates(self) -> DataLoader[str, tuple[str | None, str | None]]:
        """An institution's first and last gift's dates (its kept totals hold none)."""
        return self._get(("giving_dates",), lambda: _ordered(
            lambda keys: links.fetch_giving_dates(self.store, keys), (None, None)))

    def relation(self, kind: str) -> DataLoader[str, Node | None]:
        return self._get(("relation", kind), lambda: _ordered(self._relations(kind)))

    def _relations(self, kind: str) -> Callable[[list[str]], Awaitable[dict[str, Node]]]:
        async def fetch(ids: list[str]) -> dict[str, Node]:
            found = await links.fetch_relations(self.store, kind, ids)
            # a donation, or a council seat, of an individual donor is theirs to see only
            return {i: row for i, row in found.items() if self.visibility.relation(kind, row) is not None}
        return fetch

    def nested(self, name: str, req: listing.Request, checked: bool = True) -> DataLoader[str, listing.Page]:
        """``checked``: an unknown key in the request's filters is NotFound (graph_model.filter_keys);
        a root list narrowed to this one checks its own filters instead."""
        same = self._nested_by_request.get((id(req), name, checked))
        if same is not None and same[0] is req:
            return same[1]
        asked = ("asked", name, req, checked)  # as asked, before the caller's narrowing: once per request
        found = self._loaders.get(asked)
        if found is None:
            found = self._loaders[asked] = self._nested(name, req, checked)
        self._nested_by_request[(id(req), name, checked)] = (req, found)  # the request held: its id stays its own
        return found

    def _nested(self, name: str, req: listing.Request, checked: bool) -> DataLoader[str, listing.Page]:
        spec = NESTED[name]
        req = self.visibility.narrow(spec.entity.name, req)

        async def fetch(keys: list[str]) -> dict[str, listing.Page]:
            pages = await listing.fetch_nested(self.store, spec, keys, await self.widened(spec, req))
            # One item under any parent proves the keys; only when every page is empty may one be wrong.
            if checked and not any(page.items for page in pages.values()):
                await self.check_keys(filter_keys.keyed(req))
            return pages

        return self._get(("nested", name, req, checked), lambda: _ordered(fetch))

    def places(self) -> DataLoader[str, tuple[str, ...]]:
        """search text -> the counties it names (graph_model.search_places), one statement for every
        list of the request that searches."""
        return self._get(("places",), lambda: _ordered(lambda texts: search_places.counties(self.store, texts), ()))

    async def widened(self, spec: list_types.ListSpec, req: listing.Request) -> listing.Request:
        """``req`` with its search also matching the places the text names, where ``spec`` can."""
        text = search_places.text_to_place(spec, req)
        if text is None:
            return req
        return search_places.widened(req, await self.places().load(text))

    def key_checks(self) -> DataLoader[filter_keys.Wanted, tuple[filter_keys.Candidate, ...] | None]:
        """(filter, value) -> None when the value is a key, else what it may have meant; every list of
        the request that needs a check in the same tick shares one statement."""
        return self._get(("key_checks",), lambda: _ordered(lambda wanted: filter_keys.unknown(self.store, wanted)))

    async def check_keys(self, wanted: list[filter_keys.Wanted]) -> None:
        """NotFound naming each key-valued filter whose value is no key (no statement for none)."""
        if not wanted:
            return
        found = await self.key_checks().load_many(wanted)
        missing = {w: c for w, c in zip(wanted, found, strict=True) if c is not None}
        if missing:
            raise filter_keys.not_found(missing)
