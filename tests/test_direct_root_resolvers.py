"""hub.strawberry_compat item 18, ``direct_root_resolvers``: a root query field whose strawberry chain only
converts its arguments, makes an ``Info`` and calls its resolver function is resolved by just that. Tested on
a small schema against strawberry's own chain, and on the hub's schema for which fields it takes.

No ``from __future__ import annotations`` here: the types are declared inside the tests, and strawberry reads
string annotations in the module's namespace, where those local names are not.
"""

import asyncio
from enum import Enum
from typing import Any

import strawberry

from hub import strawberry_compat as compat


class _Shout(strawberry.extensions.FieldExtension):
    """A field extension that takes part in resolving: a field holding it keeps strawberry's chain."""

    def resolve(self, next_: Any, source: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        return next_(source, info, **kwargs).upper()


class _Renamed(strawberry.extensions.FieldExtension):
    """One that only maps the arguments: kept out of the chain by strawberry, but it changes them."""

    def map_arguments(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {**kwargs, "word": kwargs["word"] + "!"}


class _Declared(strawberry.extensions.FieldExtension):
    """One that is data only (as hub.auth.access.Access): no resolve, no mapping."""


class _Tone(Enum):
    LOW = "low"
    HIGH = "high"


def _direct_schema(direct: bool) -> tuple[strawberry.Schema, list[str]]:
    strawberry.enum(_Tone)

    @strawberry.input
    class Ask:
        word: str
        tone: _Tone = _Tone.LOW
        times: list[int] | None = None

    @strawberry.type
    class Query:
        plain: str = "plain"

        @strawberry.field
        def with_self(self, word: str) -> str:
            return f"self:{type(self).__name__}:{word}"

        @strawberry.field
        def with_root(self, root: Any, info: strawberry.Info, word: str = "none") -> str:
            return f"root:{root}:{info.field_name}:{info.path.key}:{word}"

        @strawberry.field
        def with_parent(parent: strawberry.Parent[Any], ask: Ask) -> str:  # noqa: N805
            return f"parent:{parent}:{ask.word}:{ask.tone.value}:{ask.times}"

        @strawberry.field
        async def later(info: strawberry.Info, tones: list[_Tone] | None = None) -> str:  # noqa: N805
            await asyncio.sleep(0)
            return f"later:{info.context['who']}:{[t.value for t in tones or []]}"

        @strawberry.field
        def fails(word: str) -> str:  # noqa: N805
            raise ValueError(f"no {word}")

        @strawberry.field(extensions=[_Shout()])
        def shouted(word: str) -> str:  # noqa: N805
            return word

        @strawberry.field(extensions=[_Renamed()])
        def renamed(word: str) -> str:  # noqa: N805
            return word

        @strawberry.field(extensions=[_Declared()])
        def declared(word: str) -> str:  # noqa: N805
            return f"declared:{word}"

    schema = strawberry.Schema(query=Query)
    return schema, compat.direct_root_resolvers(schema) if direct else []


class _Root:
    """A root value: its `plain` read as an attribute, its text seen by the resolvers given it."""

    plain = "plain"

    def __str__(self) -> str:
        return "R"


def test_root_fields_resolved_directly_answer_as_strawberrys_chain() -> None:
    """Item 18: a root field whose chain only converts arguments, makes an Info and calls its function
    is resolved by just that; one with an extension that resolves or maps its arguments keeps
    strawberry's. Every answer and error is the chain's own."""
    chained, _ = _direct_schema(False)
    direct, names = _direct_schema(True)
    assert sorted(names) == ["declared", "fails", "later", "withParent", "withRoot", "withSelf"]
    query_type = compat.graphql_schema(direct).query_type
    assert query_type is not None
    fields = query_type.fields
    assert {n for n, f in fields.items() if hasattr(f.resolve, "strawberry_direct")} == set(names)
    query = """query($w: String!, $tones: [_Tone!]) {
      plain withSelf(word: $w) withRoot withRoot2: withRoot(word: $w)
      withParent(ask: {word: $w, tone: HIGH, times: [1, 2]}) p2: withParent(ask: {word: "x"})
      later(tones: $tones) l2: later shouted(word: $w) renamed(word: $w) declared(word: $w) }"""
    variables = {"w": "hello", "tones": ["HIGH", "LOW"]}
    answers = [asyncio.run(s.execute(query, variable_values=variables, root_value=_Root(), context_value={"who": "me"}))
               for s in (chained, direct)]
    assert answers[0].errors is None and answers[1].errors is None
    data = answers[1].data
    assert data is not None and data == answers[0].data
    assert data["withRoot"] == "root:R:withRoot:withRoot:none"
    assert data["withParent"] == "parent:R:hello:high:[1, 2]"
    assert data["later"] == "later:me:['high', 'low']"
    assert data["shouted"] == "HELLO" and data["renamed"] == "hello!"
    failed = [asyncio.run(s.execute('{ plain fails(word: "w") }', root_value=_Root())) for s in (chained, direct)]
    assert failed[0].errors and failed[1].errors
    assert [(e.message, e.path) for e in failed[1].errors] == [(e.message, e.path) for e in failed[0].errors]
    assert failed[1].data == failed[0].data == None  # noqa: E711  # a non-null root field failed


def test_the_hub_schema_resolves_its_root_queries_directly() -> None:
    """Item 18 on the hub's schema: every root query field but relay's `node` and `nodes` (whose
    strawberry extension resolves them) calls its resolver function directly, inside the access policy."""
    from hub.schema import schema

    query_type = compat.graphql_schema(schema).query_type
    assert query_type is not None
    fields = query_type.fields
    direct = {name for name, field in fields.items()
              if any(hasattr(cell.cell_contents, "strawberry_direct") for cell in field.resolve.__closure__ or ())}
    assert set(fields) - direct == {"node", "nodes"}
