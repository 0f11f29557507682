"""Field factories: every list field, link field and Relay node type is wired the same way.

Resolvers made here carry their annotations as objects, except return types, which are names
resolved in ``hub.schema.entities`` when the schema is built (types refer to each other in
circles: a province lists counties, a county names its province).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Annotated, Any

import strawberry

from graph_model import listing
from graph_model.enums import Label
from graph_model.list_specs import NESTED, ROOTS, SCOPED
from hub.schema.enums import Direction
from hub.schema.lists import FILTERS, SORTS, Connection, connection, request
from hub.schema.scalars import to_jalali

ENTITIES_MODULE = "hub.schema.entities"
# Entity name -> row converter, filled in by hub.schema.entities as it defines each type.
CONVERTERS: dict[str, Callable[[dict[str, Any]], Any]] = {}

FIRST = "Items from the start of the window (default 20, at most 100)."
AFTER = "Start after this cursor (`pageInfo.endCursor` of the previous page)."
LAST = "Items from the end of the window (at most 100); use with `before` to page backwards."
BEFORE = "End before this cursor (`pageInfo.startCursor` of the next page)."
ORDER = "What to sort by; ties are broken by key, so pages never skip or repeat an item."
DIRECTION = "Sort direction (default ascending)."


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def from_props(cls: type, props: dict[str, Any]) -> Any:
    """An instance of a strawberry type from a store row (camelCase properties)."""
    values = {}
    for f in dataclasses.fields(cls):
        if not f.init or f.name.startswith("_"):
            continue
        value = props.get(camel(f.name))
        kind = getattr(cls, "ENUMS", {}).get(f.name)
        values[f.name] = kind(value) if kind and value is not None else value
    if "generated" in values:
        values["generated"] = bool(values["generated"])
    return cls(**values)


def jalali(attr: str) -> Any:
    """A ``...Jalali`` twin of a date field."""
    def resolve(root: Any) -> str | None:
        return to_jalali(getattr(root, attr))

    return strawberry.field(resolver=resolve, description=f"`{camel(attr)}` in the Solar Hijri calendar "
                                                          f"(e.g. 1403/05/24).")


class HubNode:
    """How a type finds its objects by key, as a Relay node (global ids encode `Type:key`).
    Types list it before ``relay.Node`` so these class methods win."""

    @classmethod
    def label(cls) -> Label:
        return Label(cls.__name__)

    @classmethod
    def resolve_id(cls, root: Any, *, info: strawberry.Info) -> str:
        return root.key

    @classmethod
    async def resolve_nodes(cls, *, info: strawberry.Info, node_ids: Iterable[str],
                            required: bool = False) -> list[Any]:
        rows = await info.context.loaders.node(cls.label()).load_many(list(node_ids))
        return [from_props(cls, r) if r else None for r in rows]


def _list_args(entity: str) -> dict[str, Any]:
    args: dict[str, Any] = {
        "first": Annotated[int | None, strawberry.argument(description=FIRST)],
        "after": Annotated[str | None, strawberry.argument(description=AFTER)],
        "last": Annotated[int | None, strawberry.argument(description=LAST)],
        "before": Annotated[str | None, strawberry.argument(description=BEFORE)],
    }
    if entity in FILTERS:
        args["filter"] = Annotated[FILTERS[entity] | None, strawberry.argument(description="Filters; all apply.")]
    args["order_by"] = Annotated[SORTS[entity] | None, strawberry.argument(description=ORDER)]
    args["direction"] = Annotated[Direction | None, strawberry.argument(description=DIRECTION)]
    return args


def _request(kw: dict[str, Any]) -> listing.Request:
    return request(first=kw.get("first"), after=kw.get("after"), last=kw.get("last"), before=kw.get("before"),
                   filter=kw.get("filter"), order_by=kw.get("order_by"), direction=kw.get("direction"))


def _resolver(resolve: Callable[..., Any], params: dict[str, Any], returns: str) -> Callable[..., Any]:
    """``resolve`` (taking ``**kw``) behind a signature strawberry reads its arguments and type from.
    The return type is a name looked up in hub.schema.entities when the schema is built."""
    head = [p for p in inspect.signature(resolve).parameters.values() if p.kind != p.VAR_KEYWORD]
    head = [p.replace(annotation=strawberry.Info) if p.name == "info" else p for p in head]
    tail = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=a)
            for n, a in params.items()]

    async def wrapper(*args: Any, **kw: Any) -> Any:
        return await resolve(*args, **kw)

    wrapper.__signature__ = inspect.Signature([*head, *tail], return_annotation=returns)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**params, "return": returns}
    wrapper.__name__ = resolve.__name__
    wrapper.__module__ = ENTITIES_MODULE
    return wrapper


def _list_field(resolve: Callable[..., Any], entity: str, description: str) -> Any:
    return strawberry.field(resolver=_resolver(resolve, _list_args(entity), f"Connection[{entity}]"),
                            description=description)


def nested_list(name: str, description: str) -> Any:
    """A connection field listing ``NESTED[name]`` under the object it sits on (batched)."""
    entity = NESTED[name].entity.name

    async def resolve(root: Any, info: strawberry.Info, **kw: Any) -> Connection[Any]:
        page = await info.context.loaders.nested(name, _request(kw)).load(root.key)
        return connection(page, CONVERTERS[entity])

    return _list_field(resolve, entity, description)


def root_list(entity: str, description: str) -> Any:
    """A root connection field; a scope filter (province, county, service) narrows it to the
    matching nested list, which the store answers from the scope's node instead of a scan."""
    spec = ROOTS[entity]

    async def resolve(info: strawberry.Info, **kw: Any) -> Connection[Any]:
        req = _request(kw)
        store = info.context.store
        for (ent, scope), nested_name in SCOPED.items():
            value = dict(req.filters).get(scope)
            if ent == entity and value is not None:
                narrowed = dataclasses.replace(req, filters=tuple((k, v) for k, v in req.filters if k != scope))
                page = await info.context.loaders.nested(nested_name, narrowed).load(value)
                return connection(page, CONVERTERS[entity])
        page = await listing.fetch_root(store, spec, req)

        async def total() -> int:
            return await listing.count_root(store, spec, req)

        return connection(page, CONVERTERS[entity], total)

    return _list_field(resolve, entity, description)


def link(loader: str, target: str, description: str, *, key_attr: str = "key", label: Label | None = None) -> Any:
    """A field naming one linked object: through a link loader, or a node loader on ``key_attr``."""
    async def resolve(root: Any, info: strawberry.Info) -> Any:
        key = getattr(root, key_attr)
        if key is None:
            return None
        loaders = info.context.loaders
        row = await (loaders.node(label).load(key) if label else loaders.link(loader).load(key))
        return CONVERTERS[target](row) if row else None

    return strawberry.field(resolver=_resolver(resolve, {}, f"{target} | None"), description=description)


def enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def by_key(target: str, description: str) -> Any:
    """A root field fetching one object by its key (null when there is none)."""
    async def resolve(info: strawberry.Info, **kw: Any) -> Any:
        key = kw["key"]
        loaders = info.context.loaders
        row = await (loaders.relation(target) if target in RELATION_TYPES else loaders.node(Label(target))).load(key)
        return CONVERTERS[target](row) if row else None

    params = {"key": Annotated[str, strawberry.argument(description="The object's key.")]}
    return strawberry.field(resolver=_resolver(resolve, params, f"{target} | None"), description=description)


RELATION_TYPES = ("Donation", "Membership", "Partnership", "Need")
