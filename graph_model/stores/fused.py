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

A statement is fused only when its result columns can be read off its last ``RETURN`` (plain
names or ``AS`` aliases) and none of its list parameters holds more than ``SMALL`` items; anything
else (and every write) goes to the store as it is. If the joined
statement fails, each statement runs again on its own, so each caller gets its own answer or error.
How a subquery opens is the dialect's (graph_model.dialect: Neo4j's ``CALL () {``, FalkorDB's
``CALL {``).
"""

from __future__ import annotations

import asyncio
import re
from functools import lru_cache
from typing import Any

from graph_model.cypher import PARAM, Statement, statement
from graph_model.dialect import Dialect
from graph_model.stores.base import GraphStore, Rows, StoreAddress

PART, ROW = "fused_part", "fused_row"
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

    async def read(self, stmt: Statement, **params: Any) -> Rows:
        if columns(stmt) is None or any(isinstance(v, list) and len(v) > SMALL for v in params.values()):
            return await self._store.read(stmt, **params)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Rows] = loop.create_future()
        self._waiting.append((stmt, params, future))
        if len(self._waiting) == 1:
            # Two turns: the loaders' batches of one level start as tasks scheduled one turn apart.
            loop.call_soon(loop.call_soon, self._flush)
        return await future

    def _flush(self) -> None:
        batch, self._waiting = self._waiting, []
        task = asyncio.ensure_future(self._send(batch))
        self._sending.add(task)  # held until done: the loop keeps only a weak reference to a task
        task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[tuple[Statement, dict[str, Any], asyncio.Future[Rows]]]) -> None:
        if len(batch) == 1:
            await self._alone(*batch[0])
            return
        parts = tuple(s for s, _, _ in batch)
        try:
            rows = await self._store.read(fused(parts, self._store.dialect),
                                          **fused_params([p for _, p, _ in batch]))
            answers = split(rows, parts)
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
    return statement("fused_loader_reads", fused(parts, NEO4J).text, dialect="neo4j")
