"""Each of strawberry's internals the hub relies on (hub.strawberry_compat), tested on its own on
small schemas, so that a strawberry release changing one fails here, by name.

No ``from __future__ import annotations`` here: the types are declared inside the tests, and
strawberry reads string annotations in the module's namespace, where those local names are not.
"""

import asyncio
import functools
import inspect
import logging
import sys
import types
from enum import Enum
from typing import Annotated, Any

import httpx
import pytest
import strawberry
from graphql import GraphQLError, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema
from graphql.execution.values import get_argument_values
from starlette.requests import Request
from strawberry.annotation import StrawberryAnnotation
from strawberry.asgi import GraphQL
from strawberry.exceptions import UnresolvedFieldTypeError
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.tools import merge_types

from hub import strawberry_compat as compat


@strawberry.type
class Boom:
    """A query whose one field fails with a secret, for the masking tests."""

    @strawberry.field
    def boom(self) -> int:
        raise RuntimeError("secret")

    @strawberry.field
    def fine(self) -> int:
        return 1


@strawberry.type
class Thing:
    """Named lazily by ``test_signed_resolvers_read_arguments_and_a_lazy_return_type``."""

    name: str


def test_graphql_schema_is_the_built_graphql_core_schema() -> None:
    @strawberry.type
    class Query:
        hello: str = "world"

    schema = strawberry.Schema(query=Query)
    built = compat.graphql_schema(schema)
    assert isinstance(built, GraphQLSchema) and built.query_type is not None
    assert "hello" in built.query_type.fields
    # Info.schema is read through this back-pointer (hence the original schema, even in a copy).
    assert built._strawberry_schema is schema  # type: ignore[attr-defined]


def test_a_copy_with_other_extensions_runs_those_alone() -> None:
    ran: list[str] = []

    def recorder(name: str) -> type[SchemaExtension]:
        class Record(SchemaExtension):
            def on_execute(self) -> Any:
                ran.append(name)
                yield

        return Record

    @strawberry.type
    class Query:
        @strawberry.field
        def hello(self) -> str:
            return "world"

    original = strawberry.Schema(query=Query, extensions=[recorder("original")])
    served = compat.with_extensions(original, [recorder("copy")])
    assert served.execute_sync("{ hello }").data == {"hello": "world"}
    assert original.execute_sync("{ hello }").data == {"hello": "world"}
    assert ran == ["copy", "original"]
    assert compat.graphql_schema(served) is compat.graphql_schema(original)  # built once


def test_a_merged_type_takes_a_description() -> None:
    @strawberry.type
    class One:
        a: int = 1

    @strawberry.type
    class Two:
        b: int = 2

    merged = compat.describe_type(merge_types("Query", (One, Two)), "The root.")
    built = compat.graphql_schema(strawberry.Schema(query=merged))
    assert built.query_type is not None and built.query_type.description == "The root."
    assert set(built.query_type.fields) == {"a", "b"}


def test_enum_values_take_descriptions_and_the_class_stays_the_same() -> None:
    class Colour(Enum):
        RED = "RED"
        BLUE = "BLUE"

    graphql = compat.describe_enum_values(strawberry.enum(Colour, description="A colour."), lambda v: f"It is {v}.")
    assert graphql is Colour  # the domain enum is the GraphQL enum

    @strawberry.type
    class Query:
        colour: Colour = Colour.RED

    enum = compat.graphql_schema(strawberry.Schema(query=Query)).type_map["Colour"]
    assert {name: value.description for name, value in enum.values.items()} == {  # type: ignore[attr-defined]
        "RED": "It is RED.", "BLUE": "It is BLUE."}


def test_field_descriptions_are_read_back() -> None:
    @strawberry.type
    class Item:
        name_en: str = strawberry.field(description="Name in English.")
        plain: int

    assert compat.field_descriptions(Item) == {"name_en": "Name in English.", "plain": ""}


def test_signed_resolvers_read_arguments_and_a_lazy_return_type() -> None:
    def resolve(root: Any, info: Any, **kw: Any) -> Any:
        assert isinstance(info, strawberry.Info)
        return Thing(name=f"{kw['first']}-{kw['label']}")

    params = {"first": Annotated[int | None, strawberry.argument(description="How many.")],
              "label": Annotated[str | None, strawberry.argument(name="label")]}
    field = strawberry.field(resolver=compat.signed(resolve, params, compat.lazy("Thing", __name__)))

    @strawberry.type
    class Query:
        thing = field

    schema = strawberry.Schema(query=Query)
    built = compat.graphql_schema(schema)
    assert built.query_type is not None
    arguments = built.query_type.fields["thing"].args
    assert list(arguments) == ["first", "label"] and arguments["first"].description == "How many."
    assert str(built.query_type.fields["thing"].type) == "Thing!"
    assert schema.execute_sync('{ thing(first: 3, label: "x") { name } }').data == {"thing": {"name": "3-x"}}


def test_argument_types_resolved_once() -> None:
    @strawberry.input
    class Filter:
        search: str | None = None

    def resolve(info: strawberry.Info, **kw: Any) -> str:
        return str(kw["filter"].search)

    params = {"filter": Annotated[Filter | None, strawberry.argument(name="filter")]}
    field = compat.resolve_arguments_once(strawberry.field(resolver=compat.signed(resolve, params, str)))
    annotation = field.arguments[0].type_annotation
    assert isinstance(annotation, compat.ResolvedOnce) and isinstance(annotation, StrawberryAnnotation)
    assert annotation.resolve() is annotation.resolve()
    # strawberry passes this keyword when it resolves a generic field's annotation.
    assert "type_definition" in inspect.signature(StrawberryAnnotation.resolve).parameters

    @strawberry.type
    class Query:
        found = field

    schema = strawberry.Schema(query=Query)
    assert schema.execute_sync('{ found(filter: {search: "a"}) }').data == {"found": "a"}


class Size(Enum):  # an enum of the tests' own inputs
    SMALL = "SMALL"
    LARGE = "LARGE"


strawberry.enum(Size)


def test_input_fields_resolved_once_convert_as_strawberry_converts() -> None:
    @strawberry.input
    class Inner:
        sizes: list[Size] | None = None

    @strawberry.input
    class Outer:
        search: str | None = None
        inner: Inner | None = None
        many: list[Inner] | None = None
        count: int = 2

    seen: list[Any] = []

    @strawberry.type
    class Query:
        @strawberry.field
        def found(self, filter: Outer | None = None) -> str:
            seen.append(filter)
            return "ok"

    query = '{ found(filter: {search: "a", inner: {sizes: [LARGE]}, many: [{sizes: [SMALL]}, {}]}) }'
    plain = strawberry.Schema(query=Query)
    assert plain.execute_sync(query).data == {"found": "ok"}
    once = strawberry.Schema(query=Query)  # the same input classes: resolved once from here on
    compat.resolve_input_fields_once(compat.graphql_schema(once))
    for cls in (Inner, Outer):
        for field in cls.__strawberry_definition__.fields:  # type: ignore[union-attr]
            assert isinstance(field.type_annotation, compat.ResolvedOnce), field.name
    compat.resolve_input_fields_once(compat.graphql_schema(once))  # again: not wrapped twice
    assert not isinstance(Outer.__strawberry_definition__.fields[0].type_annotation._type,  # type: ignore[attr-defined]
                          compat.ResolvedOnce)
    assert once.execute_sync(query).data == {"found": "ok"}
    assert seen[0] == seen[1] == Outer(search="a", inner=Inner(sizes=[Size.LARGE]),
                                       many=[Inner(sizes=[Size.SMALL]), Inner()], count=2)
    assert isinstance(seen[1].inner, Inner) and seen[1].many[0].sizes == [Size.SMALL]


def test_raw_info_strawberry_field_and_argument_conversion() -> None:
    @strawberry.input
    class Shape:
        size: Size
        sides: int = 4

    seen: dict[str, Any] = {}

    def shapes(info: strawberry.Info, shape: Shape, first: int | None = None) -> int:
        raw = compat.raw_info(info)
        assert isinstance(raw, GraphQLResolveInfo)
        assert raw.parent_type is not None
        field = raw.parent_type.fields[raw.field_name]
        seen["resolver"] = compat.resolver_function(field)
        seen["strawberry"] = compat.strawberry_field(field)
        values = get_argument_values(field, raw.field_nodes[0], raw.variable_values)
        seen["converted"] = compat.convert_arguments(info, field, values)
        seen["given"] = {"shape": shape, "first": first}
        seen["fragments"] = set(raw.fragments)
        return shape.sides

    shapes.prefetch = "a plan"  # type: ignore[attr-defined]

    @strawberry.type
    class Query:
        count: int = strawberry.field(resolver=shapes)

    result = strawberry.Schema(query=Query).execute_sync(
        "query($s: Shape!) { ...F } fragment F on Query { count(shape: $s) }",
        variable_values={"s": {"size": "LARGE", "sides": 3}})
    assert result.errors is None and result.data == {"count": 3}
    assert seen["fragments"] == {"F"}
    assert seen["resolver"] is shapes and vars(shapes)["prefetch"] == "a plan"
    assert seen["strawberry"].python_name == "count"
    converted = seen["converted"]
    assert converted["shape"] == seen["given"]["shape"] and converted["shape"].size is Size.LARGE
    assert converted.get("first") is None


def test_the_view_methods_the_hub_overrides_keep_their_parameters() -> None:
    for name, expected in compat.VIEW_HOOKS.items():
        method = getattr(GraphQL, name, None)
        assert method is not None, f"strawberry's GraphQL view has no {name} any more"
        assert tuple(inspect.signature(method).parameters) == expected, name
    assert compat.parse_content_type("application/json; charset=utf-8") == ("application/json", {"charset": "utf-8"})


async def test_a_mutation_over_get_is_refused_with_invalid_operation_type_as_cause() -> None:
    @strawberry.type
    class Query:
        hello: str = "world"

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def poke(self) -> int:
            return 1

    causes: list[BaseException | None] = []

    class View(GraphQL[None, None]):
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:  # as HubGraphQL does
            try:
                await self.run(Request(scope, receive))
            except compat.HTTPException as exc:
                causes.append(exc.__cause__)
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})

    view = View(strawberry.Schema(query=Query, mutation=Mutation))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=view), base_url="http://x") as client:
        await client.get("/", params={"query": "mutation { poke }"}, headers={"accept": "application/json"})
    assert len(causes) == 1 and isinstance(causes[0], compat.InvalidOperationTypeError)
    assert issubclass(compat.HTTPException, Exception) and inspect.isclass(compat.AsyncHTTPRequestAdapter)


def test_mask_errors_calls_the_overridden_anonymise_error(caplog: pytest.LogCaptureFixture) -> None:
    assert MaskErrors.anonymise_error is compat.MASK_HOOK
    masked: list[str] = []

    class Mask(MaskErrors):
        def anonymise_error(self, error: GraphQLError) -> GraphQLError:
            masked.append(error.message)
            return GraphQLError("hidden")


    with caplog.at_level(logging.CRITICAL, logger="strawberry"):
        result = strawberry.Schema(query=Boom, extensions=[Mask]).execute_sync("{ boom }")
    assert masked == ["secret"] and result.errors is not None and result.errors[0].message == "hidden"


MODULE = '''
from __future__ import annotations
from typing import Annotated, Generic, TypeVar
import strawberry
T = TypeVar("T")

@strawberry.type
class Page(Generic[T]):
    items: list[T]

{names}

@strawberry.type
class Holder:
    pages: Page[ItemRef]
'''


def _object_type(built: GraphQLSchema, name: str) -> GraphQLObjectType:
    found = built.type_map[name]
    assert isinstance(found, GraphQLObjectType)
    return found


def _module(name: str, names: str) -> types.ModuleType:
    """A module ``name`` from source (PEP 563 annotations, as the hub's schema modules have)."""
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(MODULE.replace("{names}", names), module.__dict__)  # noqa: S102
    return module


def _item_module(name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec("import strawberry\n@strawberry.type\nclass Item:\n    name: str\n", module.__dict__)  # noqa: S102
    return module


def _holder_schema(module: types.ModuleType) -> strawberry.Schema:
    holder_type = module.Holder

    @strawberry.type
    class Query:
        holder: holder_type | None = None  # type: ignore[valid-type]

    return strawberry.Schema(query=Query)


def test_a_lazy_type_inside_a_generic_in_string_annotations() -> None:
    items = _item_module("hub_compat_items_a")
    try:
        module = _module("hub_compat_holder_a", f'ItemRef = strawberry.LazyType("Item", "{items.__name__}")')
        assert compat.lazy_type("Item", items.__name__) == module.ItemRef
        built = compat.graphql_schema(_holder_schema(module))
        assert str(_object_type(built, "Holder").fields["pages"].type) == "ItemPage!"
    finally:
        for name in ("hub_compat_items_a", "hub_compat_holder_a"):
            sys.modules.pop(name, None)


def test_the_annotated_lazy_form_still_fails_inside_a_generic() -> None:
    """Why hub.schema.entities binds LazyType objects (hub.strawberry_compat, item 13). When this
    fails, strawberry resolves ``Annotated[..., strawberry.lazy(...)]`` inside generics: switch
    hub.schema.entities to it and drop ``lazy_type``."""
    items = _item_module("hub_compat_items_b")
    try:
        module = _module("hub_compat_holder_b", f'ItemRef = Annotated["Item", strawberry.lazy("{items.__name__}")]')
        with pytest.raises((UnresolvedFieldTypeError, NameError)):
            _holder_schema(module)
    finally:
        for name in ("hub_compat_items_b", "hub_compat_holder_b"):
            sys.modules.pop(name, None)


def test_the_hub_schema_resolves_its_lazy_types() -> None:
    from hub.schema import schema

    built = compat.graphql_schema(schema)
    assert str(_object_type(built, "Province").fields["donations"].type) == "DonationConnection!"
    assert str(_object_type(built, "Council").fields["members"].type) == "MembershipConnection!"
    assert str(_object_type(built, "Query").fields["donation"].type) == "Donation"



async def test_a_loaders_cache_and_pending_batch_take_keys_in_bulk() -> None:
    from strawberry.dataloader import DataLoader

    batches: list[list[int]] = []

    async def load(keys: list[int]) -> list[int]:
        batches.append(keys)
        return [k * 10 for k in keys]

    loader: DataLoader[int, int] = DataLoader(load)
    cache = compat.loader_cache(loader)
    futures = {k: loader.loop.create_future() for k in (1, 2)}
    cache.update(futures)
    compat.join_batch(loader, list(futures.items()))
    third = loader.load(3)  # joins the same batch
    assert loader.load(1) is futures[1], "load answers from the dict it was given"
    assert [await futures[1], await futures[2], await third] == [10, 20, 30]
    assert batches == [[1, 2, 3]], "one batch, dispatched at the loop's next turn"
    loader.clear_all()
    assert cache == {}, "clear_all empties that very dict"


def test_hooks_wrapped_once_run_as_strawberry_runs_them() -> None:
    events: list[str] = []

    class Recording(SchemaExtension):
        def on_operation(self):  # a generator
            events.append("operation in")
            yield
            events.append(f"operation out {bool(self.execution_context.result)}")

        async def on_execute(self):  # an async generator
            events.append("execute in")
            yield
            events.append("execute out")

        def on_validate(self) -> None:  # type: ignore[override]  # a plain function: left to strawberry's get_hook
            events.append("validate")

    @strawberry.type
    class Query:
        @strawberry.field
        def hello(self) -> str:
            events.append("resolve")
            return "hi"

    class Once(strawberry.Schema):
        def create_extensions_runner(self, execution_context: Any, extensions: list[SchemaExtension]) -> Any:
            return compat.HooksOnce(execution_context=execution_context, extensions=extensions)

    seen = []
    for schema_class in (strawberry.Schema, Once):
        events.clear()
        result = asyncio.run(schema_class(query=Query, extensions=[Recording]).execute("{ hello }"))
        assert result.data == {"hello": "hi"} and not result.errors
        seen.append(list(events))
    assert seen[0] == seen[1]
    assert seen[1] == ["operation in", "validate", "execute in", "resolve", "execute out", "operation out True"]

    # Each generator hook is wrapped once, whatever instance the request made.
    first, second = (compat._Operation([Recording()]).hooks[0], compat._Operation([Recording()]).hooks[0])
    assert isinstance(first.hook, functools.partial) and isinstance(second.hook, functools.partial)
    assert first.hook.func is second.hook.func and first.extension is not second.extension
    assert compat._Executing([Recording()]).hooks[0].is_async
    assert compat._Parsing([Recording()]).hooks == []

    # A hook replaced on the class (as a test's monkeypatch does) is the one that runs next.
    def replaced(self: Any) -> Any:
        events.append("replaced")
        yield

    original = Recording.on_operation
    Recording.on_operation = replaced  # type: ignore[method-assign]
    try:
        events.clear()
        asyncio.run(Once(query=Query, extensions=[Recording]).execute("{ hello }"))
        assert events[0] == "replaced" and "operation in" not in events
    finally:
        Recording.on_operation = original  # type: ignore[method-assign]


def test_the_hub_schema_wraps_hooks_once() -> None:
    from hub.schema import schema

    assert isinstance(schema.create_extensions_runner(None, []), compat.HooksOnce)  # type: ignore[arg-type]


def test_mask_errors_masks_a_result_through_the_overridden_process_result(caplog: pytest.LogCaptureFixture) -> None:
    assert MaskErrors._process_result is compat.MASK_RESULT
    assert list(inspect.signature(compat.MASK_RESULT).parameters) == ["self", "result"]
    seen: list[object] = []

    class Mask(MaskErrors):
        def _process_result(self, result: object) -> None:
            seen.append(result)
            super()._process_result(result)


    with caplog.at_level(logging.CRITICAL, logger="strawberry"):
        result = asyncio.run(strawberry.Schema(query=Boom, extensions=[Mask]).execute("{ boom }"))
    # graphql-core's result, masked there, before strawberry makes its own of it
    assert len(seen) == 1 and [e.message for e in seen[0].errors] == ["Unexpected error."]  # type: ignore[attr-defined]
    assert result.errors is not None and [e.message for e in result.errors] == ["Unexpected error."]


def test_the_hubs_mask_reads_errors_off_the_result(caplog: pytest.LogCaptureFixture) -> None:
    from hub.schema.extensions import MASKED_MESSAGE, MaskAndLogErrors


    schema = strawberry.Schema(query=Boom, extensions=[MaskAndLogErrors])
    with caplog.at_level(logging.CRITICAL):
        failed = asyncio.run(schema.execute("{ boom }"))
    assert failed.errors is not None and [e.message for e in failed.errors] == [MASKED_MESSAGE]
    assert "requestId" in (failed.errors[0].extensions or {})
    passed = asyncio.run(schema.execute("{ fine }"))
    assert passed.errors is None and passed.data == {"fine": 1}


def test_the_operation_name_a_request_gave_and_whether_it_asks_for_a_stream() -> None:
    """Item 16: what hub.http.prepared reads of strawberry's internals."""
    from strawberry.subscriptions import GRAPHQL_SSE_PROTOCOL, MULTIPART_SUBSCRIPTION_PROTOCOL
    from strawberry.types import ExecutionContext
    from strawberry.types.graphql import OperationType

    @strawberry.type
    class Query:
        one: int = 1

    schema = strawberry.Schema(query=Query)
    for given in ("B", None):
        context = ExecutionContext(query="query A { one } query B { one }", schema=schema,
                                   allowed_operations=[OperationType.QUERY], provided_operation_name=given)
        assert compat.provided_operation_name(context) == given
    plain = GraphQL(schema)  # the hub's view serves no stream protocol: no Accept makes it stream
    streaming = GraphQL(schema, subscription_protocols=(MULTIPART_SUBSCRIPTION_PROTOCOL, GRAPHQL_SSE_PROTOCOL))
    for accept in ('multipart/mixed; subscriptionSpec="1.0"', "text/event-stream",
                   "application/json, text/event-stream"):
        assert not compat.asks_for_stream(plain, {"accept": accept})
        assert compat.asks_for_stream(streaming, {"accept": accept})
    assert not compat.asks_for_stream(streaming, {"accept": "application/json"})
    assert not compat.asks_for_stream(streaming, {})
