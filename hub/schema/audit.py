"""The audit log for admins: `auditLog`, every mutation call newest first (graph_model.audit).

Only admins reach it (hub.auth.policy maps `auditLog` to the ADMIN right). Entries are written
by the policy after each mutation and never change; personal data in them is already redacted.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry

from graph_model import audit
from graph_model.listing import Item, Page
from hub.auth.access import requires
from hub.auth.principal import Right
from hub.schema.fields import AFTER, FIRST
from hub.schema.lists import Connection, connection, request


@strawberry.type(description="One mutation call, allowed, refused or failed: who, when, what and how it ended.")
class AuditEntry:
    key: str = strawberry.field(description="Unique key of the entry; keys sort by time.")
    at: dt.datetime = strawberry.field(description="When the mutation was called (UTC).")
    subject: str = strawberry.field(description="Who called it: `key:<id>` for an API key, `jwt:<sub>` for a token, "
                                                "`unauthenticated` without credentials.")
    role: str = strawberry.field(description="The caller's role at the time (e.g. editor).")
    operation: str = strawberry.field(description="The mutation's name, e.g. `updateInstitution`.")
    keys: list[str] = strawberry.field(description="Keys of the records the mutation named or wrote.")
    values: str = strawberry.field(description="The mutation's arguments as JSON text; individual donors' names, "
                                               "contact details and amounts read `[redacted]`.")
    outcome: str = strawberry.field(description="`ok`, or the error code it ended with (FORBIDDEN, NOT_FOUND, "
                                                "VALIDATION_FAILED, CONFLICT, ...), typed error results included.")


def _entry(row: dict[str, Any]) -> AuditEntry:
    entry: audit.Entry = row["entry"]
    return AuditEntry(key=entry.key, at=dt.datetime.fromisoformat(entry.at), subject=entry.subject, role=entry.role,
                      operation=entry.operation, keys=list(entry.keys), values=entry.values, outcome=entry.outcome)


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The audit log, newest first: every mutation call, allowed, refused or failed. "
                                  "Admins only.",
                      extensions=[requires(Right.ADMIN)])
    async def audit_log(
            self, info: strawberry.Info,
            first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
            after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
            operation: Annotated[str | None, strawberry.argument(
                description="Only calls of this mutation, e.g. `createDonor`.")] = None,
            subject: Annotated[str | None, strawberry.argument(
                description="Only calls by this subject, e.g. `key:1a2b3c4d5e6f`.")] = None,
            since: Annotated[dt.datetime | None, strawberry.argument(
                description="Only calls at or after this time (ISO 8601; without an offset: UTC).")] = None,
            until: Annotated[dt.datetime | None, strawberry.argument(
                description="Only calls at or before this time.")] = None) -> Connection[AuditEntry]:
        req = request(first=first, after=after, last=None, before=None, filter=None, order_by=None, direction=None,
                      most=info.context.settings.limits.page)
        store = info.context.store
        filters: dict[str, Any] = {"operation": operation, "subject": subject, "since": since, "until": until}
        found = await audit.entries(store, limit=req.limit + 1, after=req.after[1] if req.after else None, **filters)
        items = [Item(row={"entry": e}, edge=None, cursor=(e.at, e.key)) for e in found[:req.limit]]
        page = Page(items=items, has_next=len(found) > req.limit, has_previous=req.after is not None)

        async def total() -> int:
            return await audit.count(store, **filters)

        return connection(page, _entry, total)
