"""``importFile``: the ``hub import`` command as a mutation taking an uploaded file.

The file arrives as a GraphQL multipart request (hub.http.uploads says which ones are accepted);
the import is graph_model.importing.run.run_import, unchanged: every row checked first, nothing
written unless all pass (or ``skipInvalid``), nothing at all on ``dryRun``; the report comes back
as typed data. A scoped editor's provinces are run_import's ``provinces``: rows about places
elsewhere are rejected in the report (code ``province``), not written. The kind is a String checked
against graph_model.importing.columns.KINDS when the request runs, so a kind added there is
importable here without a change. An import holds a place in the per-key count of heavy work
(hub.execution.concurrency, HUB_MAX_CONCURRENT_ANALYTICS), so one key cannot run many at once.
The audit entry (written by the policy's one path, graph_model.audit) names the file, its size
and sha256 and the report's counts, never its content.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from graph_model.importing import report as found
from graph_model.importing.columns import KINDS
from graph_model.importing.run import run_import
from graph_model.importing.sources import format_of
from graph_model.importing.values import Bad
from hub.auth.access import mutates
from hub.auth.principal import Right
from hub.schema.results import FieldProblem, ValidationError


@strawberry.type(description="One problem an import found in a row of the file.")
class ImportProblem:
    row: int = strawberry.field(description="The row as a spreadsheet shows it (1: the header row of CSV and XLSX, "
                                            "2: the first data row; in JSON Lines the line); 0: the file as a whole.")
    column: str = strawberry.field(description="The column as the file spells it (may be empty).")
    value: str = strawberry.field(description="The value as written in the file (may be empty).")
    code: str = strawberry.field(description="Stable code: required, type, date, future, negative, too_large, enum, "
                                             "unknown_column, missing_column, unknown_key, duplicate, taken, "
                                             "transition, province, unreadable.")
    message_en: str = strawberry.field(description="What is wrong, in English.")
    message_fa: str = strawberry.field(description="What is wrong, in Persian.")


@strawberry.type(description="What an import found and did: the report `hub import` prints, as data.")
class ImportReport:
    kind: str = strawberry.field(description="The kind imported (institutions, donors, donations, ...).")
    file: str = strawberry.field(description="The uploaded file's name.")
    size: int = strawberry.field(description="The file's size in bytes.")
    sha256: str = strawberry.field(description="The SHA-256 of the file's bytes, in hex (as the audit log keeps it).")
    rows: int = strawberry.field(description="Data rows read.")
    created: int = strawberry.field(description="Valid rows that created a record (or would, on a dry run or a "
                                                "refused file).")
    updated: int = strawberry.field(description="Valid rows that changed a record (or would).")
    unchanged: int = strawberry.field(description="Valid rows whose record already held the same values.")
    rejected: int = strawberry.field(description="Rows with at least one problem: never written.")
    written: bool = strawberry.field(description="True when anything was written.")
    dry_run: bool = strawberry.field(description="As asked: nothing was written.")
    problems: list[ImportProblem] = strawberry.field(description="Every problem, in file order.")


ImportFileResult = Annotated[ImportReport | ValidationError, strawberry.union(
    "ImportFileResult", description="The import's report (which may list problems), or why the file was not "
                                    "looked at: match `... on MutationError`.")]


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError(code="VALIDATION_FAILED", message=message, fields=[FieldProblem(field=field,
                                                                                           message=message)])


def _report(done: found.ImportReport, size: int, sha256: str) -> ImportReport:
    return ImportReport(
        kind=done.kind, file=done.file, size=size, sha256=sha256, rows=done.rows, created=done.created,
        updated=done.updated, unchanged=done.unchanged, rejected=done.rejected, written=done.written,
        dry_run=done.dry_run, problems=[ImportProblem(row=p.row, column=p.column, value=p.value, code=p.code,
                                                      message_en=p.en, message_fa=p.fa) for p in done.problems])


def arg(description: str) -> Any:
    return strawberry.argument(description=description)


@strawberry.type
class ImportMutation:
    @strawberry.mutation(
        description="Import a file of records, as `hub import` does: CSV (UTF-8), XLSX (first sheet) or JSON Lines, "
                    "chosen by the file name's extension; column headers in English or Persian (`hub import "
                    "--columns KIND`), Jalali or ISO dates, Persian or Latin digits. Every row is checked first; "
                    "nothing is written unless all pass (`skipInvalid`: the valid ones are), nothing on `dryRun`. "
                    "Send it as a GraphQL multipart request (the file in `variables.file`) with the header "
                    "`GraphQL-Require-Preflight: 1`; the file may hold HUB_UPLOAD_MAX_BYTES. A province-scoped "
                    "editor's rows about other provinces are rejected (problem code `province`). Typed errors: an "
                    "unknown kind or file type (ValidationError).",
        extensions=[mutates(Right.WRITE, {}, text=("kind",))])
    async def import_file(
            self, info: strawberry.Info,
            kind: Annotated[str, arg(f"What the file holds: one of {', '.join(KINDS)} (`hub import --columns KIND` "
                                     "lists each one's columns).")],
            file: Annotated[Upload, arg("The file (.csv, .xlsx or .jsonl), as the multipart request's file part.")],
            dry_run: Annotated[bool, arg("Check every row and report what would be done; write nothing.")] = False,
            skip_invalid: Annotated[bool, arg("Write the valid rows even when some are rejected.")] = False,
    ) -> ImportFileResult:
        if kind not in KINDS:
            return _refused("kind", f"unknown import kind {kind!r}: one of {', '.join(KINDS)}")
        uploaded: Any = file  # starlette's UploadFile (strawberry's Upload names no type)
        if not callable(getattr(uploaded, "read", None)):  # JSON gave a value: only a multipart request has files
            return _refused("file", "send the file as a GraphQL multipart request (the file in `variables.file`)")
        name = getattr(uploaded, "filename", None) or ""
        try:
            format_of(name)
        except Bad as exc:
            return _refused("file", exc.en)
        context = info.context
        principal = context.principal
        provinces = principal.provinces if principal is not None and principal.scoped else None
        held = context.gate.hold(principal) if context.gate is not None else contextlib.nullcontext()
        async with held:
            data = await uploaded.read()
            done = await run_import(context.store, kind, data, name, dry_run=dry_run, skip_invalid=skip_invalid,
                                    provinces=provinces)
        if done.written:  # what this operation loaded before may now be stale
            context.loaders = context.loaders.fresh()
        return _report(done, len(data), hashlib.sha256(data).hexdigest())
