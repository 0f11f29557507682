"""What the supervision tests share: a small map, institutions and their history written through the
mutations (graph_model.mutations) on the embedded store, and a client for a role."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable
from typing import Any

from graph_model.enums import Label
from graph_model.mutations import create_node
from hub_client import HubClient
from tests.asgi import asgi_client
from tests.builders import names


async def build_map(store: Any) -> None:
    """Markazi (IR-00) with one county, Khuzestan (IR-01) with two."""
    for key, en in (("IR-00", "Markazi"), ("IR-01", "Khuzestan")):
        await create_node(store, Label.PROVINCE, {"key": key, **names(en)})
    for key in ("IR-00-0001", "IR-01-0001", "IR-01-0002"):
        await create_node(store, Label.COUNTY, {"key": key, "province": key[:5],
                                                **names(f"County {key}", f"شهرستان {key[-1]}")})


async def institution(store: Any, key: str, kind: str = "DAY_CARE", county: str = "IR-01-0001") -> None:
    await create_node(store, Label.INSTITUTION, {"key": key, "kind": kind, "county": county,
                                                 **names(f"Centre {key}", f"مرکز {key}")})


async def assess(store: Any, key: str, institution: str, level: str, score: float, date: str) -> None:
    await create_node(store, Label.ASSESSMENT, {"key": key, "institution": institution, "level": level,
                                                "score": score, "date": date})


async def action(store: Any, key: str, assessment: str, due: str, status: str = "OPEN") -> None:
    await create_node(store, Label.CORRECTIVE_ACTION, {"key": key, "assessment": assessment, "dueOn": due,
                                                       "status": status, "description": f"fix {key}"})


async def complaint(store: Any, key: str, institution: str, received: str, status: str = "OPEN") -> None:
    await create_node(store, Label.COMPLAINT, {"key": key, "institution": institution, "receivedOn": received,
                                               "status": status, "summary": f"complaint {key}"})


@contextlib.asynccontextmanager
async def client(store: Any, role: str = "supervisor", provinces: Iterable[str] = ()) -> AsyncIterator[HubClient]:
    async with asgi_client(store, role=role, provinces=provinces) as http:
        yield HubClient(url="http://hub/graphql", http_client=http)  # type: ignore[arg-type]  # codegen's protocol


def codes(exc: Any) -> set[Any]:
    """The error codes of a GraphQLClientGraphQLMultiError."""
    return {(e.extensions or {}).get("code") for e in exc.errors}
