"""Reads made in the same turn of the event loop, sent to the store as one statement.

A GraphQL request reads level by level: the page, then at once each field's batch below it (an
institution's county, services, giving, donations), then the level below those. Each statement
costs about 0.2 ms of the hub's CPU and 0.13 ms of FalkorDB's however small it is (`RETURN 1`,
benchmarks/README.md, issue 18), and the one-institution question sent 8 at three levels.
``FusedReads`` wraps a request's store: the reads that arrive together are joined into one

    CALL { <first statement> } RETURN 0 AS fused_part, [<its columns>] AS fused_row
    UNION ALL
    CALL { <second statement> } RETURN 1 AS fused_part, [<its columns>] AS fused_row ...

with each statement's parameters renamed apart (``$keys`` of the second becomes ``$f1_keys``),
and the rows handed back to their callers as the statements would have returned them. Each
statement keeps its own text, so what it reads, filters and hides is unchanged.

When every read of a batch has a form under one root (``graph_model.cypher.Rooted``) and those that read by key
read the same one key of one label (an institution with its county, services, giving and gifts), the batch
is one statement rooted at that node instead, the node found once and each read a subquery of it:

    OPTIONAL MATCH (root:Institution) WHERE root.key = $fused_root
    CALL { WITH root <first read's form> } CALL { WITH root <second read's form> } ...
    RETURN <the node's row>, v1, v2 ...

and each read's rows made again from its value (``rebuilt``). The UNION finds the node once per read; the
rooted statement cost FalkorDB ~0.1 ms less for one institution under a served server's pauses (0.537
against 0.637 ms), but only in forms written for it (benchmarks/README.md, issue 18, twenty-ninth).

A statement is fused only when its result columns can be read off its last ``RETURN`` (plain
names or ``AS`` aliases) and none of its list parameters holds more than ``SMALL`` items; anything
else (and every write) goes to the store as it is. If the joined
statement fails, each statement runs again on its own, so each caller gets its own answer or error.
How a subquery opens is the dialect's (graph_model.dialect: Neo4j's ``CALL () {``, FalkorDB's
``CALL {``).

Reads sent ahead (``send_ahead``, hub.execution.ahead) answer the reads of the same statement and parameters.
Once their reply is there (``answered``), a loader's load is run at once (``at_once``: its batch function for
its one key, stepped here rather than in a batch's task) when every read it makes is one of them, answered; a
load making any other read raises ``NotAhead`` at that read, before anything is sent, and joins its loader's
batch as before, the reads it took put back. Such a load costs no task, no turn of the event loop and no batch.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from functools import lru_cache
from types import CoroutineType
from typing import Any, NamedTuple

from graph_model.cypher import PARAM, Rooted, Statement, statement
from graph_model.dialect import Dialect
from graph_model.stores.base import GraphStore, Rows, StoreAddress

PART, ROW = "fused_part", "fused_row"
ROOT = "fused_root"  # the rooted statement's parameter: its root's key
# Reads for more keys than this go alone. A statement's fixed cost matters beside a small read (one
# institution's county, services, giving and donations: 8 statements of a few rows each, now 2,
# about 11% less CPU); beside a page's batch (the services of 100 institutions) it does not, and
# alone the batches of one level run side by side on the store's threads (joined, the
# 100-institution page took 5 ms longer: benchmarks/README.md, issue 18).
SMALL = 20
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ALIAS = re.compile(r"^(.*\S)\s+AS\s+([A-Za-z_][A-Za-z0-9_]*)$", re.S | re.I)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|[()\[\]{},]|.", re.S)


def _top_level(text: str) -> list[tuple[int, str]]:
    """The tokens of ``text`` outside brackets, with their offsets (strings kept whole)."""
    out, depth = [], 0
    for m in _WORD.finditer(text):
        token = m.group()
        if token in "([{":
            depth += 1
        elif token in ")]}":
            depth -= 1
        elif depth == 0 and not token.isspace():
            out.append((m.start(), token))
    return out


@lru_cache(maxsize=4096)
def columns(stmt: Statement) -> tuple[str, ...] | None:
    """The names of ``stmt``'s result columns, in order, or None when they cannot be read safely
    (a write, ``RETURN *``, a column without an alias that is not a plain name, a ``$`` inside a
    string literal, which renaming parameters would change)."""
    text = stmt.text
    if stmt.write or any(t[0] in "'\"`" and "$" in t for t in _WORD.findall(text)):
        return None
    tokens = _top_level(text)
    returns = [i for i, (_, t) in enumerate(tokens) if t.upper() == "RETURN"]
    if not returns:
        return None
    start = tokens[returns[-1]][0] + len("RETURN")
    end = len(text)
    rest = tokens[returns[-1] + 1:]
    for i, (offset, token) in enumerate(rest):
        upper = token.upper()
        if upper in ("SKIP", "LIMIT") or (upper == "ORDER" and i + 1 < len(rest) and rest[i + 1][1].upper() == "BY"):
            end = offset
            break
    body = text[start:end].strip()
    if body.upper().startswith("DISTINCT "):
        body = body[len("DISTINCT "):]
    names: list[str] = []
    depth, piece = 0, list[str]()
    for m in _WORD.finditer(body + ","):
        token = m.group()
        if token in "([{":
            depth += 1
        elif token in ")]}":
            depth -= 1
        if token == "," and depth == 0:
            item = "".join(piece).strip()
            piece = []
            aliased = _ALIAS.match(item)
            name = aliased.group(2) if aliased else item
            if not _NAME.fullmatch(name) or name in (PART, ROW) or name in names:
                return None
            names.append(name)
        else:
            piece.append(token)
    return tuple(names) or None


def fused(parts: tuple[Statement, ...], dialect: Dialect) -> Statement:
    """One statement answering each of ``parts`` (each with its columns known), their parameters
    renamed ``f<i>_<name>``."""
    return _fused(parts, dialect.name, dialect.subquery)


# Joined texts kept: one per combination of statements a level sends (a query's shape); bounded,
# since a caller choosing aliases and arguments can make many (each text at most a few KB per part).
@lru_cache(maxsize=256)
def _fused(parts: tuple[Statement, ...], dialect: str, opener: str) -> Statement:
    texts = []
    for i, stmt in enumerate(parts):
        cols = columns(stmt)
        assert cols is not None, stmt.name
        body = PARAM.sub(f"$f{i}_\\1", stmt.text)
        texts.append(f"{opener} {body} }} RETURN {i} AS {PART}, [{', '.join(cols)}] AS {ROW}")
    name = "fused(" + "+".join(s.name for s in parts) + ")"
    return statement(name, " UNION ALL ".join(texts), dialect=dialect, register=False)


def fused_params(params: list[dict[str, Any]]) -> dict[str, Any]:
    return {f"f{i}_{k}": v for i, p in enumerate(params) for k, v in p.items()}


def root_of(parts: list[tuple[Statement, dict[str, Any]]]) -> tuple[str, str] | None:
    """The label and key of the one node the reads ``parts`` (statements and their parameters) can be rooted at:
    each has a form under a root, and those that read by key read one key, the same, of one label."""
    found = None
    for stmt, params in parts:
        rooted = stmt.rooted
        if rooted is None:
            return None
        if rooted.label is None:  # read beside the root
            continue
        keys = params.get("keys")
        if not isinstance(keys, list) or len(keys) != 1 or not isinstance(keys[0], str):
            return None
        if found is None:
            found = (rooted.label, keys[0])
        elif found != (rooted.label, keys[0]):
            return None
    return found


class Rooting(NamedTuple):
    """A rooted statement and what reading its row takes, worked out once per combination of reads."""

    stmt: Statement
    forms: tuple[tuple[str, tuple[str, ...], int], ...]  # each read's kind of form, columns and hops
    params: tuple[tuple[int, str], ...]  # (read, its parameter) for each ``f<i>_<name>`` the statement uses


def rooted(parts: tuple[Statement, ...], label: str, dialect: Dialect) -> Rooting:
    """One statement rooted at the ``label`` node whose key is ``$fused_root``, answering each of ``parts`` (each
    with a form under a root) as one value ``v<i>``, their parameters renamed ``f<i>_<name>``."""
    return _rooted(parts, label, dialect.name, dialect.subquery, dialect.rooted_subquery)


@lru_cache(maxsize=256)
def _rooted(parts: tuple[Statement, ...], label: str, dialect: str, opener: str, importing: str) -> Rooting:
    calls, values, forms, params = [], [], [], []
    for i, stmt in enumerate(parts):
        form: Rooted = stmt.rooted  # type: ignore[assignment]  # (root_of checked)
        names = columns(stmt)
        assert names is not None, stmt.name
        forms.append((form.kind, names, form.hops))
        params += [(i, name) for name in dict.fromkeys(PARAM.findall(form.text))]
        text = PARAM.sub(f"$f{i}_\\1", form.text)
        if form.kind == "node":
            values.append(f"{text} AS v{i}")
            continue
        assert text.endswith(" AS v"), stmt.name  # its value named v<i>
        calls.append(f"{importing if form.label is not None else opener} {text}{i} }}")
        values.append(f"v{i}")
    name = "rooted(" + "+".join(s.name for s in parts) + ")"
    stmt = statement(name, f"OPTIONAL MATCH (root:{label}) WHERE root.key = ${ROOT} {' '.join(calls)} "
                           f"RETURN {', '.join(values)}", dialect=dialect, register=False)
    return Rooting(stmt, tuple(forms), tuple(params))


def rebuilt(row: dict[str, Any], rooting: Rooting, given: list[dict[str, Any]]) -> list[Rows]:
    """The rooted statement's one row given back to each of its reads (asked with ``given``) as the rows it gives
    alone."""
    out: list[Rows] = []
    for i, ((kind, names, hops), params) in enumerate(zip(rooting.forms, given, strict=True)):
        value = row[f"v{i}"]
        if kind == "node":
            out.append([] if value is None else [{names[0]: value}])
        elif kind == "page":  # (key, total, page); no row for an empty page
            out.append([dict(zip(names, (params["keys"][0], None, value), strict=True))] if value else [])
        elif kind == "rows":
            out.append([dict(zip(names, item, strict=True)) for item in value])
        else:
            out.append([_link_row(names, value, params["keys"][0], hops)])
    return out


def _link_row(names: tuple[str, ...], value: list[list[Any]], key: str, hops: int) -> dict[str, Any]:
    """A link's one row (``pairs``, ``nodes``, ``hops<i>``: graph_model.links) from its rooted form's items
    ``[linked key, linked row, hop's key, hop's row, ...]``: each node once, in the order first met (as
    ``collect(DISTINCT)``), a hop's absent node (null key) left out."""
    pairs = []
    nodes: dict[str, Any] = {}
    hopped: list[dict[str, Any]] = [{} for _ in range(hops)]
    for item in value:
        pairs.append([key, item[0]])
        nodes.setdefault(item[0], item[1])
        for h in range(hops):
            if item[2 + 2 * h] is not None:
                hopped[h].setdefault(item[2 + 2 * h], item[3 + 2 * h])
    return dict(zip(names, (pairs, list(nodes.values()), *(list(h.values()) for h in hopped)), strict=True))


def split(rows: Rows, parts: tuple[Statement, ...]) -> list[Rows]:
    """The joined statement's rows given back to each statement, as its own rows."""
    names = [columns(s) for s in parts]
    out: list[Rows] = [[] for _ in parts]
    for row in rows:
        i = row[PART]
        out[i].append(dict(zip(names[i], row[ROW], strict=True)))  # type: ignore[arg-type]
    return out


class FusedReads:
    """A store whose fusable reads made in the same turn of the event loop are sent as one
    statement (see the module's docstring); everything else is the wrapped store's."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self.kind = store.kind
        self.dialect: Dialect = store.dialect
        self._waiting: list[tuple[Statement, dict[str, Any], asyncio.Future[Rows]]] = []
        self._sending: set[asyncio.Future[None]] = set()
        # Reads sent before anyone asked (``send_ahead``), each answering the first read that is the same
        # statement with the same parameters (hub.execution.ahead).
        self.ahead: list[tuple[Statement, dict[str, Any], asyncio.Future[Rows]]] = []
        # The reads of this request's first statement, while ``record`` has it recording.
        self.recorded: list[tuple[Statement, dict[str, Any]]] | None = None
        self._recording = False
        self._trips = 0  # the store's statements when recording began
        self._loop: asyncio.AbstractEventLoop | None = None  # the request's, once reads are sent ahead
        # While a load runs at once (``at_once``): the reads sent ahead it took, put back if it cannot finish.
        self._taken: list[tuple[Statement, dict[str, Any], asyncio.Future[Rows]]] | None = None

    # The rest of GraphStore is the wrapped store's (its round trips counted there: a joined
    # statement is one).
    @property
    def round_trips(self) -> int:
        return self._store.round_trips

    @round_trips.setter
    def round_trips(self, value: int) -> None:
        self._store.round_trips = value

    def location(self) -> str:
        return self._store.location()

    def address(self) -> StoreAddress | None:
        return self._store.address()

    async def ensure_schema(self) -> None:
        await self._store.ensure_schema()

    async def write(self, stmt: Statement, **params: Any) -> Rows:
        return await self._store.write(stmt, **params)

    async def checkpoint(self) -> None:
        await self._store.checkpoint()

    async def clear(self) -> None:
        await self._store.clear()

    async def close(self) -> None:
        await self._store.close()

    def record(self) -> None:
        """Keep the reads this request's first statement joins (``recorded``), if it is the first the store is
        sent from now (any statement before it, this request's or another's, and nothing is kept: what it
        reads may follow what that one found)."""
        self.recorded, self._recording, self._trips = [], True, self._store.round_trips

    def send_ahead(self, reads: list[tuple[Statement, dict[str, Any]]]) -> None:
        """Send ``reads`` now, as the first statement would join them, for ``read`` to answer from."""
        self._start(self._held_ahead(reads))

    async def read_ahead(self, reads: list[tuple[Statement, dict[str, Any]]]) -> None:
        """As ``send_ahead``, but read in the caller's task, answered when it returns: for a caller that waits
        for them next (hub.execution.direct), without a task of their own to wake first."""
        await self._send(self._held_ahead(reads))

    def _held_ahead(self, reads: list[tuple[Statement, dict[str, Any]]]
                    ) -> list[tuple[Statement, dict[str, Any], asyncio.Future[Rows]]]:
        """``reads`` with a future each for their rows, held in ``ahead`` for ``read`` to answer from."""
        loop = self._loop = asyncio.get_running_loop()
        batch = [(stmt, params, loop.create_future()) for stmt, params in reads]
        self.ahead = list(batch)  # taken from as they are asked for; the batch stays whole
        return batch

    async def answered(self) -> None:
        """Once every read sent ahead has its reply or its error (a failed one is made again when asked)."""
        for _, _, future in list(self.ahead):
            if not future.done():
                try:  # shielded: a waiter cancelled (its request given up) leaves the read to whoever asks for it
                    await asyncio.shield(future)
                except Exception:  # noqa: BLE001  # seen here; made again by the read that asks for it
                    pass

    def at_once(self, load: Callable[[list[Any]], Awaitable[Any]], key: Any) -> asyncio.Future[Any] | None:
        """The future of ``key``'s value, done, from ``load([key])`` (a loader's batch function) run now, when every
        read it makes is a read sent ahead and answered (``answered``); None when one is not, or when it waits on
        anything else: nothing is then sent, the reads it took are put back, and the key goes to its loader's batch.
        Its error (or a value that is one) is the future's, as a batch gives each key its error."""
        coro = load([key])
        if type(coro) is not CoroutineType:  # nothing to step (hub.execution.loaders gives only coroutine functions)
            return None
        outer, self._taken = self._taken, []
        # (asyncio.get_running_loop() asks the process for its id, a system call, each time)
        future = (self._loop or asyncio.get_running_loop()).create_future()
        try:
            waits_on = coro.send(None)
        except StopIteration as stop:
            values = list(stop.value)
            if len(values) != 1:
                future.set_exception(ValueError(f"a batch of one key answered {len(values)} values"))
            elif isinstance(values[0], BaseException):
                future.set_exception(values[0])
            else:
                future.set_result(values[0])
            return future
        except NotAhead:
            self.ahead.extend(self._taken)
            return None
        except Exception as error:  # noqa: BLE001  # the batch function's own error
            future.set_exception(error)
            return future
        else:  # it waits on something else (another loader's batch): given up, and made in its batch
            if getattr(waits_on, "_asyncio_future_blocking", False):
                waits_on._asyncio_future_blocking = False  # as a task leaves it: awaited again by the batch
            coro.close()
            self.ahead.extend(self._taken)
            return None
        finally:
            self._taken = outer

    async def read(self, stmt: Statement, **params: Any) -> Rows:
        if self._taken is not None:  # a load run at once (``at_once``): answered ahead, or not run at once
            return self._answered(stmt, params)
        if columns(stmt) is None or any(isinstance(v, list) and len(v) > SMALL for v in params.values()):
            return await self._store.read(stmt, **params)
        if self.ahead:
            sent = self._take(stmt, params)
            if sent is not None and not sent.cancelled():  # cancelled (by whoever awaited it): made now
                try:
                    return await sent
                except Exception:  # noqa: BLE001  # failed ahead: made now, as it would have been
                    pass
        if self._recording:
            self.recorded.append((stmt, dict(params)))  # type: ignore[union-attr]
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Rows] = loop.create_future()
        self._waiting.append((stmt, params, future))
        if len(self._waiting) == 1:
            # Two turns: the loaders' batches of one level start as tasks scheduled one turn apart.
            loop.call_soon(loop.call_soon, self._flush)
        return await future

    def left_ahead(self) -> bool:
        """Whether reads were sent ahead that nobody asked for (their errors, if any, then marked seen)."""
        for _, _, future in self.ahead:
            future.add_done_callback(seen)
        return bool(self.ahead)

    def _take(self, stmt: Statement, params: dict[str, Any]) -> asyncio.Future[Rows] | None:
        for i, (sent, given, future) in enumerate(self.ahead):
            if (sent is stmt or sent == stmt) and given == params:
                del self.ahead[i]
                return future
        return None

    def _answered(self, stmt: Statement, params: dict[str, Any]) -> Rows:
        """The rows of the answered read sent ahead that is ``stmt`` with ``params``, taken; NotAhead when there is
        none, or none answered yet, or it failed (then made again by the read asking for it in its batch)."""
        for i, entry in enumerate(self.ahead):
            sent, given, future = entry
            if (sent is stmt or sent == stmt) and given == params:
                if not future.done() or future.cancelled() or future.exception() is not None:
                    raise NotAhead
                del self.ahead[i]
                self._taken.append(entry)  # type: ignore[union-attr]
                return future.result()
        raise NotAhead

    def _flush(self) -> None:
        batch, self._waiting = self._waiting, []
        if self._recording and self._store.round_trips != self._trips:
            self.recorded = None
        self._recording = False  # the first statement is what was recorded
        self._start(batch)

    def _start(self, batch: list[tuple[Statement, dict[str, Any], asyncio.Future[Rows]]]) -> None:
        task = asyncio.ensure_future(self._send(batch))
        self._sending.add(task)  # held until done: the loop keeps only a weak reference to a task
        task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[tuple[Statement, dict[str, Any], asyncio.Future[Rows]]]) -> None:
        if len(batch) == 1:
            await self._alone(*batch[0])
            return
        parts = tuple(s for s, _, _ in batch)
        given = [p for _, p, _ in batch]
        root = root_of([(s, p) for s, p, _ in batch])
        try:
            if root is None:
                answers = split(await self._store.read(fused(parts, self._store.dialect), **fused_params(given)), parts)
            else:
                rooting = rooted(parts, root[0], self._store.dialect)
                params = {f"f{i}_{name}": given[i][name] for i, name in rooting.params}
                rows = await self._store.read(rooting.stmt, **params, **{ROOT: root[1]})
                if len(rows) != 1:
                    raise ValueError(f"{rooting.stmt.name}: {len(rows)} rows")
                answers = rebuilt(rows[0], rooting, given)
        except Exception:  # noqa: BLE001  # each statement again alone: each caller its own answer or error
            await asyncio.gather(*(self._alone(*entry) for entry in batch))
            return
        for (_, _, future), mine in zip(batch, answers, strict=True):
            if not future.done():
                future.set_result(mine)

    async def _alone(self, stmt: Statement, params: dict[str, Any], future: asyncio.Future[Rows]) -> None:
        try:
            rows = await self._store.read(stmt, **params)
        except Exception as error:  # noqa: BLE001  # the caller's own error
            if not future.done():
                future.set_exception(error)
            return
        if not future.done():
            future.set_result(rows)


class NotAhead(BaseException):
    """A read of a load run at once (``FusedReads.at_once``) that is not an answered read sent ahead, raised before
    anything is sent. A BaseException, so that no ``except Exception`` between the loader and the read takes it
    for the read's own error."""


def seen(future: asyncio.Future[Any]) -> None:
    """A done callback: the future's error, if any, marked retrieved (as gather marks it)."""
    if not future.cancelled():
        future.exception()


def lint_sample() -> Statement:
    """A join of each kind of statement the loaders send, in Neo4j's form, registered so that
    Neo4j's linter checks the wrapping (graph_model.cypher.all_statements): nodes by key, a link,
    kept giving cells, a nested page of nodes, and the donations by key (a UNION inside)."""
    from graph_model import links, list_statements  # the statements' modules import the stores' base
    from graph_model.dialect import NEO4J
    from graph_model.enums import Label
    from graph_model.list_specs import NESTED
    from graph_model.statements.reads import BY_KEYS

    services = NESTED["institution_services"]
    first_page = list_statements.compose(services, (), services.entity.default_sort, False, first=True)
    parts = (BY_KEYS[Label.INSTITUTION], links.LINKS["institution_county"].stmt, links.INSTITUTION_CELLS,
             first_page, links.RELATIONS["Donation"])
    rooted_sample()
    return statement("fused_loader_reads", fused(parts, NEO4J).text, dialect="neo4j")


def rooted_sample() -> tuple[Statement, ...]:
    """One institution's reads rooted at it (each kind of form under a root: its row, its county with the
    county's province, its kept cell, the first pages of its services and of its gifts), registered in Neo4j's
    form for its linter and in FalkorDB's, which tests/test_fused_reads.py runs (graph_model.cypher.all_statements)."""
    from graph_model import links, list_statements
    from graph_model.dialect import FALKORDB, NEO4J
    from graph_model.enums import Label
    from graph_model.list_specs import NESTED
    from graph_model.statements.reads import BY_KEYS

    pages = tuple(list_statements.compose(spec, (), spec.entity.default_sort, True, first=True, single=True,
                                          counted=False)
                  for spec in (NESTED["institution_services"], NESTED["institution_donations"]))
    county = links._projected_link("institution_county", ("key", "nameEn", "provinceKey"),
                                   (("provinceKey", Label.PROVINCE, ("key", "nameEn")),))
    parts = (BY_KEYS[Label.INSTITUTION], county, links.INSTITUTION_CELLS, *pages)
    assert all(part.rooted is not None for part in parts), [p.name for p in parts if p.rooted is None]
    return tuple(statement(f"rooted_loader_reads_{dialect.name}",
                           rooted(parts, Label.INSTITUTION.value, dialect).stmt.text, dialect=dialect.name)
                 for dialect in (NEO4J, FALKORDB))
