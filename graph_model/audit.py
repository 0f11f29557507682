"""The audit log: one append-only ``:AuditEntry`` per mutation call, allowed, refused or failed.

Each entry says who (the principal's subject and role), when (UTC), the operation, the record
keys it named or wrote, the values it was given (as JSON text, personal data redacted) and how
it ended: ``ok`` or an error code (FORBIDDEN, NOT_FOUND, VALIDATION_FAILED, ...; a typed error
result counts as its code). ``hub.auth.policy`` calls ``record`` after every mutation.

Personal data never reaches the log: an individual donor's names, contact details and the
amounts they gave are written as ``[redacted]``, and so are contact details wherever they
appear. A donor whose kind is not known to be public (an update that does not say, a donation
whose donor cannot be read) is treated as an individual.

An uploaded file (``importFile``) is logged as its name, size and SHA-256, never its content, and
an import's entry holds the report's counts (``report``).

This module reads the principal and the result by duck typing (``subject``, ``role``; ``key``
and ``*_key`` attributes, ``code`` on a MutationError): ``graph_model`` never imports ``hub``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from graph_model import queries
from graph_model.enums import DonorKind, Label
from graph_model.statements.audit import AUDIT_ENTRIES, COUNT_AUDIT_ENTRIES, CREATE_AUDIT_ENTRY
from graph_model.statements.writes import LINKS
from graph_model.stores.base import GraphStore

REDACTED = "[redacted]"
OK = "ok"
UNAUTHENTICATED_SUBJECT = "unauthenticated"
NAMES = frozenset({"nameFa", "nameEn"})
# Contact and identity fields: none is in the model yet; listed so that one added later is
# redacted from the first day rather than after someone notices.
CONTACT = frozenset({"phone", "mobile", "email", "address", "postalCode", "nationalId", "nationalCode",
                     "birthDate", "iban", "accountNumber"})
# Arguments and input fields that name records by key: the relation mutations' arguments and
# every entity input's links.
KEY_ARGUMENTS = frozenset({"key", "donor", "institution", "event", "council", "person", "service", "county",
                           "targetGroup", "partner", "holder", "licenceType",
                           *(link.field for links in LINKS.values() for link in links)})
DONOR_WRITES = ("createDonor", "updateDonor")
DONATION_WRITES = ("recordDonation", "updateDonation")
# What an import's entry keeps of its report (graph_model.importing.report, hub.schema.mutations_import).
REPORT_COUNTS = ("rows", "created", "updated", "unchanged", "rejected", "written", "dry_run", "sha256", "size")


@dataclass(frozen=True)
class Entry:
    key: str
    at: str  # ISO 8601 in UTC, fixed width: entries compare as strings
    subject: str
    role: str
    operation: str
    keys: tuple[str, ...]
    values: str  # JSON text of the arguments, personal data redacted
    outcome: str


def timestamp(moment: dt.datetime) -> str:
    """``moment`` as the log writes it (UTC, microseconds, fixed width); naive means UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def new_key(now_ns: int) -> str:
    """A unique key that sorts by time: nanoseconds since the epoch, then random bits."""
    return f"{now_ns:020d}-{secrets.token_hex(4)}"


async def record(store: GraphStore, principal: Any, operation: str, arguments: dict[str, Any], result: Any,
                 error: BaseException | None) -> None:
    """Append one entry for a mutation (allowed, refused or failed)."""
    now = time.time_ns()
    role = getattr(principal, "role", None)
    values = await _redacted(store, operation, arguments, result)
    await store.write(
        CREATE_AUDIT_ENTRY, key=new_key(now),
        at=timestamp(dt.datetime.fromtimestamp(now / 1e9, dt.UTC)),
        subject=getattr(principal, "subject", None) or UNAUTHENTICATED_SUBJECT,
        role=_plain(role) if role is not None else "none", operation=operation,
        keys=list(dict.fromkeys([*_argument_keys(arguments), *_result_keys(result)])),
        values=json.dumps(values, ensure_ascii=False, sort_keys=True, default=_plain),
        outcome=outcome(result, error))


def outcome(result: Any, error: BaseException | None) -> str:
    """``ok``, the code of the error raised, or the code of a typed error result."""
    if error is not None:
        return str(getattr(error, "code", None) or "INTERNAL_ERROR")
    if _is_mutation_error(result):
        return str(result.code)
    return OK


def _is_mutation_error(result: Any) -> bool:
    return result is not None and any(c.__name__ == "MutationError" for c in type(result).__mro__)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    return str(value)


def _argument_keys(value: Any, name: str | None = None) -> Iterator[str]:
    if isinstance(value, dict):
        for field, inner in value.items():
            yield from _argument_keys(inner, field)
    elif name in KEY_ARGUMENTS:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                yield item


def _result_keys(result: Any) -> Iterator[str]:
    """The keys a success result holds: its own ``key`` and the ``*_key`` of what it links."""
    if result is None or _is_mutation_error(result):
        return
    for name, value in getattr(result, "__dict__", {}).items():
        if (name == "key" or name.endswith("_key")) and isinstance(value, str):
            yield value


async def _redacted(store: GraphStore, operation: str, arguments: dict[str, Any], result: Any) -> dict[str, Any]:
    personal = set(CONTACT)
    given = arguments.get("input")
    if not isinstance(given, dict):
        given = {}
    if operation in DONOR_WRITES:
        kind = given.get("kind") or getattr(result, "kind", None)
        if _individual(kind):
            personal |= NAMES
    elif operation in DONATION_WRITES:
        donor = given.get("donor") or getattr(result, "donor_key", None)
        if await _individual_donor(store, donor):
            personal.add("amount")
    values = _scrub(arguments, personal)
    if result is not None and not _is_mutation_error(result) and hasattr(result, "sha256"):
        values["report"] = {name: getattr(result, name, None) for name in REPORT_COUNTS}
    return values


def _is_upload(value: Any) -> bool:
    """An uploaded file (starlette's UploadFile: a name and a spooled file)."""
    return hasattr(value, "filename") and callable(getattr(getattr(value, "file", None), "seek", None))


def _upload(value: Any) -> dict[str, Any]:
    """An upload as the log keeps it: name, size and SHA-256 of its bytes (read in blocks, then
    rewound), never the bytes."""
    digest, size, spooled = hashlib.sha256(), 0, value.file
    try:
        at = spooled.tell()
        spooled.seek(0)
        while block := spooled.read(1 << 20):
            digest.update(block)
            size += len(block)
        spooled.seek(at)
    except (OSError, ValueError):  # closed already: the name is still worth keeping
        return {"filename": value.filename, "size": getattr(value, "size", None)}
    return {"filename": value.filename, "size": size, "sha256": digest.hexdigest()}


def _individual(kind: Any) -> bool:
    """Whether a donor of this kind is (or may be) a person: unknown counts as a person."""
    if isinstance(kind, Enum):
        kind = kind.value
    return kind is None or kind == DonorKind.INDIVIDUAL.value


async def _individual_donor(store: GraphStore, key: Any) -> bool:
    if not isinstance(key, str):
        return True
    found = await queries.by_keys(store, Label.DONOR, [key])
    return _individual(found.get(key, {}).get("kind"))


def _scrub(value: Any, personal: set[str]) -> Any:
    if _is_upload(value):
        return _upload(value)
    if isinstance(value, dict):
        return {k: REDACTED if k in personal and v is not None else _scrub(v, personal) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, personal) for v in value]
    return value


async def entries(store: GraphStore, *, limit: int, after: str | None = None, operation: str | None = None,
                  subject: str | None = None, since: dt.datetime | None = None,
                  until: dt.datetime | None = None) -> list[Entry]:
    """Entries newest first, after the entry keyed ``after``, matching every filter given."""
    rows = await store.read(AUDIT_ENTRIES, limit=limit, after=after, **_filters(operation, subject, since, until))
    return [Entry(key=r["key"], at=r["at"], subject=r["subject"], role=r["role"], operation=r["operation"],
                  keys=tuple(r["keys"] or ()), values=r["values"], outcome=r["outcome"]) for r in rows]


async def count(store: GraphStore, *, operation: str | None = None, subject: str | None = None,
                since: dt.datetime | None = None, until: dt.datetime | None = None) -> int:
    rows = await store.read(COUNT_AUDIT_ENTRIES, **_filters(operation, subject, since, until))
    return int(rows[0]["total"])


def _filters(operation: str | None, subject: str | None, since: dt.datetime | None,
             until: dt.datetime | None) -> dict[str, Any]:
    return {"operation": operation, "subject": subject, "since": timestamp(since) if since else None,
            "until": timestamp(until) if until else None}
