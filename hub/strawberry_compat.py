"""Every place the hub relies on strawberry beyond its documented API, gathered in one module.

strawberry-graphql is capped below its next minor release in pyproject.toml because of what is
here; ``tests/test_strawberry_compat.py`` tests each item on its own (item 17:
``tests/test_argument_conversion.py``; item 18: ``tests/test_direct_root_resolvers.py``), so an
upgrade that changes one of them fails there, by name, before anything deeper breaks. To upgrade:
raise the cap, run those files, mend what they name, then run the suite.

The module lives at the top of ``hub`` rather than in ``hub.schema`` because importing
``hub.schema`` builds the whole schema, and the loaders and the HTTP view need these before that.

1. ``graphql_schema``: ``Schema._schema``, the graphql-core schema strawberry built. There is no
   public accessor; the access policy wraps its root resolvers (hub.auth.policy), the query limits
   measure documents against it (hub.execution.limits) and persisted queries validate against it
   (hub.http.graphql_over_http). Its ``_strawberry_schema`` points back at the schema it was built
   by, so ``Info.schema`` is that one even in a copy made by ``with_extensions``.
2. ``with_extensions``: a shallow copy of a built schema with other extensions. strawberry reads
   ``Schema.extensions`` at every operation, and a schema cannot be built twice in a process
   (relay's node fields are converted once), so each app's settings (limits, introspection) get
   a copy of the one schema (hub.schema.build_schema).
3. ``describe_type``: ``merge_types`` (strawberry.tools) takes no description, so the merged root
   ``Query`` and ``Mutation`` get theirs on ``__strawberry_definition__``.
4. ``describe_enum_values``: the domain enums are the GraphQL enums (``strawberry.enum`` registers
   the same class, so inputs, outputs and graph_model share one type); a description per value can
   then only be set on the definition's values (hub.schema.enums).
5. ``field_descriptions``: the descriptions of a type's fields, read back from its definition; the
   generated create and update inputs reuse the output types' texts (hub.schema.inputs).
6. ``signed``: ``__signature__`` and ``__annotations__`` set on a resolver that takes ``**kw``.
   The generated list, link, by-key and mutation fields declare their arguments from data
   (hub.schema.fields, hub.schema.mutations), and strawberry reads a resolver's arguments and
   return type from ``inspect.signature`` of the function. Return types that name types of the
   schema are ``lazy`` references, so no module rewriting is needed to resolve them.
7. ``resolve_arguments_once``: a ``StrawberryAnnotation`` subclass that resolves an argument's type
   once. strawberry re-resolves each argument's annotation (with its generic checks) on every call,
   about 17 µs per argument in 0.327; a list field has seven and a page of 100 institutions calls
   its ``services`` field 100 times. ``resolve_input_fields_once`` does the same for the fields of
   the schema's input types, which strawberry resolves again as it converts each input value (a
   root list's filter: ~20 µs of the ~100 its arguments cost a request).
8. ``raw_info``: ``Info._raw_info``, graphql-core's resolve info (fragments, variable values, field
   nodes, return type), which the prefetch walks the way graphql-core's executor will
   (hub.execution.prefetch).
9. ``strawberry_field`` and ``resolver_function``: graphql-core fields carry the strawberry field
   they were made from under ``extensions["strawberry-definition"]``; its ``base_resolver``'s
   ``wrapped_func`` is the function a prefetch plan is attached to.
10. ``convert_arguments``: ``strawberry.types.arguments.convert_arguments`` with the schema's scalar
   registry and config: graphql-core's argument values turned into what the resolver will be given
   (input objects, enums, UNSET), so a prefetch loads with the very arguments the field will use.
11. The GraphQL view (hub.http.graphql_over_http.HubGraphQL) overrides methods of strawberry's ASGI
   view that are not documented hooks (``VIEW_HOOKS``: their parameters are checked), and reads
   three names from strawberry's internals, re-exported here: ``parse_content_type``;
   ``InvalidOperationTypeError``, the ``__cause__`` of the HTTPException a mutation over GET raises
   (how a 405 is told from other refusals); and ``HTTPException`` and ``AsyncHTTPRequestAdapter``,
   which come from ``cross_web``, a package strawberry depends on (not the hub by name).
12. ``MaskErrors.anonymise_error``: overridden by hub.schema.extensions.MaskAndLogErrors to log the
   original error with the request id it puts in the masked one (``MASK_HOOK``), and
   ``MaskErrors._process_result`` (``MASK_RESULT``), whose check of the result against a runtime
   ``Protocol`` cost ~10 µs a request (``isinstance`` reads every attribute the protocol names): the
   override reads the result's ``errors`` directly.
13. ``lazy_type``: the entities <-> relations cycle (a province lists donations, a donation names its
   institution; hub.schema.relations imports hub.schema.entities). The documented form,
   ``Annotated["Donation", strawberry.lazy("hub.schema.relations")]``, works where strawberry
   evaluates the annotation itself: a resolver's return type given as an object (``lazy``, on every
   generated list, link and by-key resolver, where it gives the type of a field declared without an
   annotation, as the root fields are), or a string annotation of the form ``Annotated[...]``,
   ``list[...]`` or a union. It does not work inside a generic under ``from __future__ import
   annotations``: ``donations: Connection[Donation]`` (or an alias holding the Annotated form) is
   handed to ``typing``, which evaluates the inner forward reference "Donation" in the module's
   namespace and fails (strawberry's look-ahead for lazy references does not enter user generics).
   So hub.schema.entities binds the three names to ``strawberry.LazyType`` objects, what
   ``strawberry.lazy`` itself turns a reference into; the field annotations read as usual and the
   type checker sees the real classes (imported under TYPE_CHECKING). This replaced rewriting the
   resolvers' ``__module__`` to hub.schema.entities and importing the relations at the bottom of it.
   The test file also checks that the documented form still fails there: the day it passes, this
   item can go.
14. ``loader_cache`` and ``join_batch``: a DataLoader's default cache is a dict of futures by key
   (``DefaultCache.cache_map``), and its pending batch a list of ``LoaderTask``s
   (``get_current_batch``). The hub's loaders (hub.execution.loaders._Loader) read the one and add
   a prefetch's keys to the other in bulk, instead of strawberry's per-key ``load``.
15. ``HooksOnce``: the schema's extensions runner (``Schema.create_extensions_runner``), whose four
   context managers (operation, parsing, validation, execution) find each extension's hook the
   way ``ExtensionContextManagerBase.get_hook`` does, but wrap a hook written as a generator once
   per hook function instead of once per request: strawberry tests each hook with ``inspect`` and
   wraps it with ``contextlib.contextmanager`` (``functools.wraps``) four times an operation, for
   each of the hub's seven extensions, about 17 µs a request (benchmarks/README.md, issue 18). A
   hook that is a plain function is left to strawberry's own ``get_hook``.
16. Prepared queries (hub.http.prepared) answer a kept text without the view's ``run`` and
   ``Schema.execute``, doing for it what those do for a query: graphql-core's ``execute`` with the
   schema's ``execution_context_class`` and strawberry's ``optimized_is_awaitable``, then
   ``Schema.process_errors`` and the extensions' error work. Two names come from strawberry's
   internals: ``provided_operation_name``, the name the request gave (an ``InitVar`` of
   ``ExecutionContext``, kept as ``_provided_operation_name``), and ``asks_for_stream``, the view's
   ``_get_stream_transport_from_headers`` (an ``Accept`` that makes strawberry answer a stream).
   tests/test_prepared.py checks the two ways give the same bytes, status and headers.
17. ``compile_argument_conversion``: strawberry converts a field's argument values (graphql-core's,
   by GraphQL name) into what its resolver is given by walking each argument's type at every call
   (``strawberry.types.arguments.convert_argument``, a call per argument and per field of an input
   value, set or not): a root list's seven arguments and its eight-field filter cost 40-47 µs a
   field. ``schema_converter.convert_arguments``, the name its resolvers call it by, is replaced by a
   converter compiled once per field's arguments that does what ``convert_argument`` does for the
   types the hub uses (optionals, lists, scalars, enums, lazy types, input objects, ``GlobalID``);
   for any other (``Maybe``, a generic input, an input that holds itself) the field is left to
   strawberry's. tests/test_argument_conversion.py checks the two equal on every argument of the
   hub's schema.
18. ``direct_root_resolvers``: graphql-core calls a root query field's resolver through strawberry's
   chain (``SchemaConverter.from_resolver``: ``_async_resolver``, ``extension_resolver``,
   ``get_arguments``, a ``functools.reduce`` over the field's extensions, ``_get_result``,
   ``await_maybe``), which for a field with no extension that resolves or maps arguments, no
   permission classes and no exception handler comes to: the arguments converted, strawberry's
   ``Info`` made, the resolver function called. ``direct_root_resolvers`` sets such a field's
   graphql-core ``resolve`` to exactly that (the access policy then wraps it, hub.auth.policy): ~20 µs
   of a request by key (benchmarks/README.md, issue 18). tests/test_direct_root_resolvers.py checks which
   fields it takes, and that each answers as strawberry's chain does.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Annotated, Any

import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLField, GraphQLInputObjectType, GraphQLResolveInfo, GraphQLSchema
from strawberry.annotation import StrawberryAnnotation
from strawberry.dataloader import DataLoader, LoaderTask, get_current_batch
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.extensions.field_extension import FieldExtension
from strawberry.extensions.context import (ExecutingContextManager, ExtensionContextManagerBase,
                                           OperationContextManager, ParsingContextManager,
                                           ValidationContextManager, WrappedHook)
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionContext
from strawberry.relay.types import GlobalID
from strawberry.schema import schema_converter
from strawberry.types.arguments import _is_leaf_type, _is_optional_leaf_type
from strawberry.types.arguments import convert_arguments as _convert_arguments
from strawberry.types.base import StrawberryList, StrawberryMaybe, StrawberryOptional, has_object_definition
from strawberry.types.enum import has_enum_definition
from strawberry.types.lazy_type import LazyType
from strawberry.types.unset import UNSET

__all__ = [
    "MASK_HOOK", "MASK_RESULT", "HooksOnce", "VIEW_HOOKS", "AsyncHTTPRequestAdapter", "HTTPException",
    "InvalidOperationTypeError", "asks_for_stream", "compile_argument_conversion", "compiled_arguments",
    "convert_arguments", "describe_enum_values", "describe_type", "field_descriptions", "graphql_schema",
    "join_batch", "lazy", "lazy_type", "loader_cache", "parse_content_type", "provided_operation_name",
    "raw_info", "resolve_arguments_once",
    "resolve_input_fields_once",
    "resolver_function", "signed",
    "strawberry_field", "with_extensions",
]

# strawberry's key, in a graphql-core field's extensions, for the strawberry field it was made from.
STRAWBERRY_FIELD = "strawberry-definition"

# The methods of strawberry.asgi.GraphQL that HubGraphQL overrides, with the parameters it expects.
VIEW_HOOKS: dict[str, tuple[str, ...]] = {
    "get_context": ("self", "request", "response"),
    "execute_operation": ("self", "request", "request_adapter", "request_data", "context", "root_value",
                          "sub_response"),
    "parse_json": ("self", "data"),
    "parse_http_body": ("self", "request"),
    "get_sub_response": ("self", "request"),
    "process_result": ("self", "request", "result"),
    "create_response": ("self", "response_data", "sub_response"),
    "should_render_graphql_ide": ("self", "request"),
    "render_graphql_ide": ("self", "request"),
}
# The method of MaskErrors that MaskAndLogErrors overrides.
MASK_HOOK = MaskErrors.anonymise_error
# The method of MaskErrors through which it masks a result's errors, overridden there too.
MASK_RESULT = MaskErrors._process_result


def provided_operation_name(context: ExecutionContext) -> str | None:
    """The operation name the request gave (item 16); None when it gave none."""
    return context._provided_operation_name


def asks_for_stream(view: Any, headers: Mapping[str, str]) -> bool:
    """Whether strawberry's ``view`` answers a request with these headers as a stream (item 16)."""
    return view._get_stream_transport_from_headers(headers) is not None


def graphql_schema(schema: BaseSchema) -> GraphQLSchema:
    """The graphql-core schema strawberry built from ``schema``."""
    return schema._schema  # type: ignore[attr-defined]


def with_extensions(schema: strawberry.Schema, extensions: Iterable[Any]) -> strawberry.Schema:
    """``schema`` running ``extensions`` instead of its own (the original is left as it was)."""
    served = copy.copy(schema)
    served.extensions = tuple(extensions)
    return served


def describe_type(cls: type, description: str) -> type:
    """Give a strawberry type (e.g. one made by ``merge_types``) its description."""
    cls.__strawberry_definition__.description = description  # type: ignore[attr-defined]
    return cls


def describe_enum_values(graphql: type[Enum], describe: Callable[[Any], str]) -> type[Enum]:
    """Give each value of a strawberry enum the description ``describe(value)``."""
    for value in graphql.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = describe(value.value)
    return graphql


def field_descriptions(cls: type) -> dict[str, str]:
    """{python name: description} of a strawberry type's fields ("" where there is none)."""
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    return {f.python_name: f.description or "" for f in definition.fields}


def lazy(name: str, module: str) -> Any:
    """The type ``name`` of ``module``, resolved when the schema is built (``strawberry.lazy``), for
    annotations given as objects (a resolver's return type)."""
    return Annotated[name, strawberry.lazy(module)]


def lazy_type(name: str, module: str) -> Any:
    """The type ``name`` of ``module`` as a ``strawberry.LazyType``, for a module-level name used inside
    a generic in string annotations (``Connection[Donation]``), where ``lazy`` cannot be (item 13)."""
    return strawberry.LazyType(name, module)


def signed(resolve: Callable[..., Any], params: Mapping[str, Any], returns: Any) -> Callable[..., Any]:
    """``resolve`` (taking ``**kw``) with the signature strawberry reads its arguments and type from:
    its own leading parameters (``info`` typed as ``strawberry.Info``), then ``params`` as keyword
    arguments defaulting to None. ``returns`` must be an object (a type, or a ``lazy`` one), never a
    name: it is not looked up in any module. Annotated in place: no wrapper, no extra call."""
    head = [p for p in inspect.signature(resolve).parameters.values() if p.kind != p.VAR_KEYWORD]
    head = [p.replace(annotation=strawberry.Info) if p.name == "info" else p for p in head]
    tail = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=a)
            for n, a in params.items()]
    resolve.__signature__ = inspect.Signature([*head, *tail], return_annotation=returns)  # type: ignore[attr-defined]
    resolve.__annotations__ = {**params, "return": returns}
    return resolve


class ResolvedOnce(StrawberryAnnotation):
    """An argument's type annotation, resolved once and then handed out as is."""

    def __init__(self, annotation: StrawberryAnnotation) -> None:
        super().__init__(annotation.annotation, namespace=annotation.namespace)
        self._type = annotation.resolve()

    def resolve(self, *, type_definition: Any = None) -> Any:
        return self._type



def resolve_arguments_once(field: Any) -> Any:
    """``field`` (a ``strawberry.field``) with each argument's type resolved now, once. Only for
    arguments whose types are classes already (nothing left to look up when the schema is built)."""
    for argument in field.arguments:
        argument.type_annotation = ResolvedOnce(argument.type_annotation)
    return field


def resolve_input_fields_once(schema: GraphQLSchema) -> None:
    """Each field of the schema's input types with its type resolved now, once (``ResolvedOnce``).
    strawberry converts an input object's value (a list's ``filter``) field by field, resolving each
    field's annotation again with its generic checks: a root list's eight filter fields cost ~100 µs
    a request."""
    for named in schema.type_map.values():
        definition = named.extensions.get(STRAWBERRY_FIELD) if isinstance(named, GraphQLInputObjectType) else None
        if definition is None or definition.is_graphql_generic:  # a generic's fields resolve per use
            continue
        for field in definition.fields:
            if field.type_annotation is not None and not isinstance(field.type_annotation, ResolvedOnce):
                field.type_annotation = ResolvedOnce(field.type_annotation)


def raw_info(info: strawberry.Info) -> GraphQLResolveInfo:
    """graphql-core's resolve info behind strawberry's ``Info``."""
    return info._raw_info


def strawberry_field(field: GraphQLField) -> Any:
    """The strawberry field a graphql-core field was made from (None for graphql-core's own)."""
    return (field.extensions or {}).get(STRAWBERRY_FIELD)


def resolver_function(field: GraphQLField) -> Callable[..., Any] | None:
    """The function given as the resolver of the strawberry field behind ``field``, if any."""
    resolver = getattr(strawberry_field(field), "base_resolver", None)
    return getattr(resolver, "wrapped_func", None)


def convert_arguments(info: strawberry.Info, field: GraphQLField, values: dict[str, Any]) -> dict[str, Any]:
    """graphql-core's argument values of ``field`` (by GraphQL name) as its resolver receives them."""
    schema = info.schema
    return compiled_arguments(values, strawberry_field(field).arguments,
                              scalar_registry=schema.schema_converter.scalar_registry, config=schema.config)


Convert = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _converter(type_: Any, registry: Any, config: Any, within: frozenset[Any] = frozenset()) -> Convert | None:
    """What ``convert_argument`` does to a value of ``type_``, decided once (None: a type left to it).
    ``within``: the input types being compiled around it (one that holds itself is left to strawberry)."""
    if isinstance(type_, StrawberryMaybe) or type_ in within:
        return None
    if isinstance(type_, StrawberryOptional):
        return _converter(type_.of_type, registry, config, within)
    inner: Convert | None
    if isinstance(type_, StrawberryList):
        item = type_.of_type
        if (_is_leaf_type(item, registry, skip_classes=(GlobalID,))
                or _is_optional_leaf_type(item, registry, skip_classes=(GlobalID,))):
            inner = _same
        else:
            each = _converter(item, registry, config, within)
            inner = None if each is None else (lambda value: [each(x) for x in value])
    elif _is_leaf_type(type_, registry):
        inner = GlobalID.from_id if type_ is GlobalID else _same
    elif isinstance(type_, LazyType):
        return _converter(type_.resolve_type(), registry, config, within)
    elif has_enum_definition(type_):
        return _converter(type_.__strawberry_definition__, registry, config, within)
    elif has_object_definition(type_) and not type_.__strawberry_definition__.is_graphql_generic:
        definition = type_.__strawberry_definition__
        fields = []
        for f in definition.fields:
            convert = _converter(f.resolve_type(type_definition=definition), registry, config, within | {type_})
            if convert is None:
                return None
            fields.append((config.name_converter.from_field(f), f.python_name, convert))
        made = type_

        def inner(value: Any) -> Any:
            return made(**{name: convert(value[key]) for key, name, convert in fields if key in value})
    else:
        inner = None
    if inner is None:
        return None
    given = inner
    return lambda value: value if value is None or value is UNSET else given(value)


_COMPILED: dict[tuple[int, int, int], tuple[Any, Any, Any, Callable[[dict[str, Any]], dict[str, Any]] | None]] = {}


def compiled_arguments(value: dict[str, Any], arguments: list[Any], scalar_registry: Any, config: Any
                       ) -> dict[str, Any]:
    """``strawberry.types.arguments.convert_arguments``, by a converter compiled once per field's
    arguments (item 17); a field with a type it does not compile is converted by strawberry's."""
    key = (id(arguments), id(scalar_registry), id(config))
    found = _COMPILED.get(key)
    if found is None or found[0] is not arguments:  # the objects held: their ids stay theirs
        found = _COMPILED[key] = (arguments, scalar_registry, config, _compile(arguments, scalar_registry, config))
    convert = found[3]
    if convert is None:
        return _convert_arguments(value, arguments, scalar_registry=scalar_registry, config=config)
    return convert(value)


def _compile(arguments: list[Any], registry: Any, config: Any) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    specs = []
    for argument in arguments:
        convert = _converter(argument.type, registry, config)
        if convert is None:
            return None
        specs.append((config.name_converter.from_argument(argument), argument.python_name, convert))
    return lambda value: {name: convert(value[key]) for key, name, convert in specs if key in value}


def compile_argument_conversion() -> None:
    """strawberry's resolvers convert their arguments by ``compiled_arguments`` (item 17)."""
    schema_converter.convert_arguments = compiled_arguments


def loader_cache(loader: DataLoader[Any, Any]) -> dict[Any, Any]:
    """The futures a DataLoader with the default cache (no key function) keeps, by key: the dict its
    cache reads and writes, and empties on ``clear_all``."""
    return loader.cache_map.cache_map  # type: ignore[attr-defined]


def join_batch(loader: DataLoader[Any, Any], pending: list[tuple[Any, Any]]) -> None:
    """``pending`` (key, future) pairs added to the loader's current batch (a new one, dispatched at
    the next turn of the event loop, when there is none), as ``load`` adds one."""
    get_current_batch(loader).tasks.extend(LoaderTask(key, future) for key, future in pending)


# A hook function -> (its context manager factory, is_async), or _CALLABLE. Keyed by the function read off
# the extension's class at each operation, as strawberry reads it: a hook replaced later is wrapped anew.
_HOOKS: dict[Any, Any] = {}
_CALLABLE = object()


def _wrapped(hook: Any) -> Any:
    found = _HOOKS.get(hook)
    if found is None:
        if inspect.isgeneratorfunction(hook):
            found = (contextlib.contextmanager(hook), False)
        elif inspect.isasyncgenfunction(hook):
            found = (contextlib.asynccontextmanager(hook), True)
        else:
            found = _CALLABLE
        _HOOKS[hook] = found
    return found


class _Once(ExtensionContextManagerBase):
    def get_hook(self, extension: SchemaExtension) -> WrappedHook | None:
        hook = getattr(type(extension), self.HOOK_NAME)  # as strawberry reads it
        if hook is self.default_hook:
            return None
        found = _wrapped(hook)
        if found is _CALLABLE:
            return super().get_hook(extension)
        make, is_async = found
        return WrappedHook(extension=extension, hook=functools.partial(make, extension), is_async=is_async)


class _Operation(_Once, OperationContextManager):
    pass


class _Validation(_Once, ValidationContextManager):
    pass


class _Parsing(_Once, ParsingContextManager):
    pass


class _Executing(_Once, ExecutingContextManager):
    pass


class HooksOnce(SchemaExtensionsRunner):
    """strawberry's extensions runner with each hook function wrapped once (item 15)."""

    def operation(self) -> OperationContextManager:
        return _Operation(self.extensions)

    def validation(self) -> ValidationContextManager:
        return _Validation(self.extensions)

    def parsing(self) -> ParsingContextManager:
        return _Parsing(self.extensions)

    def executing(self) -> ExecutingContextManager:
        return _Executing(self.extensions)


def direct_root_resolvers(schema: strawberry.Schema) -> list[str]:
    """Item 18: each root query field whose strawberry chain only converts its arguments, makes an
    ``Info`` and calls its resolver function gets a graphql-core ``resolve`` doing just that; the
    names of the fields set so. A field with anything more in its chain keeps strawberry's."""
    core = graphql_schema(schema)
    converter = schema.schema_converter
    info_class, registry, config = schema.config.info_class, converter.scalar_registry, schema.config
    direct: list[str] = []
    for name, field in (core.query_type.fields if core.query_type is not None else {}).items():
        definition = strawberry_field(field)
        resolver = getattr(definition, "base_resolver", None)
        if (resolver is None or getattr(definition, "permission_classes", None)
                or any(extension.has_resolver or type(extension).map_arguments is not FieldExtension.map_arguments
                       for extension in definition.extensions)
                or converter._get_field_exception_handlers(definition)):
            continue
        sources = tuple(p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None)
        reserved = {*sources, *(p.name for p in (resolver.self_parameter, resolver.info_parameter) if p is not None)}
        if any(p not in reserved and p not in {a.python_name for a in resolver.arguments}
               for p in resolver.signature.parameters):
            continue  # a parameter strawberry fills that is not an argument or the info
        field.resolve = _direct(resolver.wrapped_func, definition, info_class, registry, config,
                                resolver.info_parameter.name if resolver.info_parameter is not None else None,
                                sources, resolver.self_parameter is not None)
        direct.append(name)
    return direct


def _direct(function: Callable[..., Any], definition: Any, info_class: type, registry: Any, config: Any,
            info_name: str | None, sources: tuple[str, ...], takes_self: bool) -> Callable[..., Any]:
    """What strawberry's ``get_arguments`` and ``get_result`` give the resolver: the source first when
    it takes ``self``, by name when it takes ``parent`` or ``root``, the info by its name."""
    arguments = definition.arguments

    def resolve(_source: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        values = compiled_arguments(kwargs, arguments, scalar_registry=registry, config=config) if kwargs else {}
        if info_name is not None:
            values[info_name] = info_class(_raw_info=info, _field=definition)
        for name in sources:
            values[name] = _source
        return function(_source, **values) if takes_self else function(**values)

    resolve.strawberry_direct = function  # type: ignore[attr-defined]  # for the tests: what it calls
    return resolve
