"""File uploads: the GraphQL multipart request (github.com/jaydenseric/graphql-multipart-request-spec),
accepted for one thing only, an operation that takes an ``Upload`` (``importFile``).

Why so strict: a multipart/form-data POST is a CORS "simple request", which any web page can make a
browser send cross-site without a preflight (a CSRF). The hub authenticates with an
``Authorization: Bearer`` header, which such a form cannot carry, so a forged form is refused 401
anyway; as a second defence that does not rest on how callers authenticate, an upload must also
carry a header no form can set (``GraphQL-Require-Preflight`` or Apollo's
``Apollo-Require-Preflight``, any non-empty value): a browser preflights a request with it, and
the CORS policy (hub.http.headers) decides. Then, in this order, each refused before the next:

- the header (400, before a byte of the body is read);
- the form, read by starlette's parser with at most one file and two other fields (``operations``,
  ``map``) of at most ``HUB_MAX_BODY_BYTES`` each; the file spools to disk past 1 MB, and the whole
  body is counted against ``HUB_UPLOAD_MAX_BYTES`` as it is read (hub.http.body_limit: 413);
  a malformed body is a 400;
- ``operations``: one JSON object (no batch) with the query text; ``map``: exactly one file field
  naming exactly one path, ``variables.<name>``, where the operation declares ``$<name>: Upload``
  and the variables give it as null (the spec's placeholder); any other field, path or file: 400;
- the file: at most ``HUB_UPLOAD_MAX_BYTES`` (413), its name a text (no NUL, no lone surrogate).

What the form held is then handed to strawberry, which puts the file in the variable
(``multipart_uploads_enabled``, hub.http.graphql_over_http).
"""

from __future__ import annotations

from typing import Any

import orjson
from graphql import GraphQLError, NamedTypeNode, NonNullTypeNode, OperationDefinitionNode, parse
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from hub.settings import Limits
from hub.strawberry_compat import HTTPException

MULTIPART = "multipart/form-data"
PREFLIGHT = ("graphql-require-preflight", "apollo-require-preflight")
UPLOAD_SCALAR = "Upload"
PARTS = frozenset({"operations", "map"})


def is_multipart(request: Request) -> bool:
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    return request.method == "POST" and media == MULTIPART


def _bad(message: str) -> HTTPException:
    return HTTPException(400, f"Upload refused: {message}")


def _json(raw: Any, name: str) -> Any:
    if not isinstance(raw, str):
        raise _bad(f"the `{name}` field must be a form field holding JSON, not a file")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _bad(f"the `{name}` field is not JSON") from None


def upload_variables(query: str, operation_name: str | None) -> set[str]:
    """The variables the chosen operation declares of type ``Upload`` (or ``Upload!``)."""
    try:
        document = parse(query)
    except GraphQLError:
        return set()  # the operation's own parse reports it; here: it takes no file
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    if len(operations) != 1:
        return set()
    found = set()
    for definition in operations[0].variable_definitions or ():
        kind = definition.type
        if isinstance(kind, NonNullTypeNode):
            kind = kind.type
        if isinstance(kind, NamedTypeNode) and kind.name.value == UPLOAD_SCALAR:
            found.add(definition.variable.name.value)
    return found


async def check(request: Request, limits: Limits) -> None:
    """Refuse an upload that breaks a rule of the module's docstring (HTTPException: 400 or 413);
    leave the parsed form on the request (starlette keeps it) for strawberry to read."""
    if not any(request.headers.get(name, "").strip() for name in PREFLIGHT):
        raise _bad("a multipart request must carry the header `GraphQL-Require-Preflight: 1` (or "
                   "`Apollo-Require-Preflight`), which a cross-site form cannot send (CSRF defence)")
    try:
        form = await request.form(max_files=1, max_fields=len(PARTS), max_part_size=limits.body_bytes)
    except (MultiPartException, StarletteHTTPException) as exc:
        detail = getattr(exc, "detail", None) or getattr(exc, "message", None) or str(exc)
        raise _bad(f"the multipart body cannot be read: {detail}") from None
    files = {name: value for name, value in form.multi_items() if isinstance(value, UploadFile)}
    fields = [name for name, value in form.multi_items() if not isinstance(value, UploadFile)]
    if sorted(fields) != sorted(PARTS):
        raise _bad(f"expected the form fields `operations` and `map`, then one file; got {sorted(fields)}")
    operations = _json(form.get("operations"), "operations")
    files_map = _json(form.get("map"), "map")
    if not isinstance(operations, dict) or not isinstance(operations.get("query"), str):
        raise _bad("`operations` must be one JSON object with the operation's `query` text (no batch)")
    if not isinstance(files_map, dict) or len(files_map) != 1:
        raise _bad("`map` must be a JSON object naming exactly one file field")
    ((field, paths),) = files_map.items()
    if set(files) != {field}:
        raise _bad(f"`map` names the file field {field!r} but the form's files are {sorted(files)}")
    if not isinstance(paths, list) or len(paths) != 1 or not isinstance(paths[0], str):
        raise _bad("`map` must give the file exactly one path, e.g. [\"variables.file\"]")
    head, _, variable = paths[0].partition(".")
    variables = operations.get("variables")
    name = operations.get("operationName")
    takes = upload_variables(operations["query"], name if isinstance(name, str) else None)
    if head != "variables" or "." in variable or variable not in takes:
        raise _bad(f"`map` path {paths[0]!r} is not a variable of type Upload of the operation "
                   f"(it declares: {', '.join(f'variables.{v}' for v in sorted(takes)) or 'none'})")
    if not isinstance(variables, dict) or variable not in variables or variables[variable] is not None:
        raise _bad(f"`operations.variables.{variable}` must be given as null, the file's placeholder")
    upload = files[field]
    if upload.size is not None and upload.size > limits.upload_bytes:
        raise HTTPException(413, f"the file holds {upload.size} bytes, over the limit {limits.upload_bytes} "
                                 "(HUB_UPLOAD_MAX_BYTES)")
    filename = upload.filename or ""
    if "\x00" in filename or any("\ud800" <= ch <= "\udfff" for ch in filename):
        raise _bad("the file's name holds a NUL or a lone surrogate")
