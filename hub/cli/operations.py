"""``hub operations register``: the generated client's operations, registered for the allow-list.

The hash that counts is the sha256 of the exact text the client sends. ariadne-codegen does not
send the ``.graphql`` file: it re-prints each operation (with the fragments it uses) and indents
it into a triple-quoted string in ``hub_client/client.py``. So the texts are read from there, with
Python's own parser (the string constants are exactly what ``HubClient`` passes to ``execute``),
and the operations folder (``--dir``) says which operations must be there: one it names that the
client lacks, or has in another shape, means a stale client (run ``ariadne-codegen``) and
registers nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

# The parser is built on every ``hub`` command: graphql, the store and rich are imported when
# the command runs, and hub_client is only found, not imported (its client.py is read as text).
if TYPE_CHECKING:
    from rich.table import Table

    from graph_model.persisted import PersistedQuery
    from graph_model.stores.base import GraphStore
    from hub.settings import Settings


def _client_package() -> Path:
    spec = importlib.util.find_spec("hub_client")
    if spec is None or spec.origin is None:  # pragma: no cover - a broken install
        raise ImportError("the generated client hub_client is not installed")
    return Path(spec.origin).parent


_PACKAGE = _client_package()
CLIENT = _PACKAGE / "client.py"
# The repository's operations folder (hub_client is generated from it), wherever the command runs.
OPERATIONS = _PACKAGE.resolve().parent / "operations"


def client_texts(client: Path = CLIENT) -> dict[str, str]:
    """Operation name -> the exact text ``HubClient`` sends for it."""
    import ast

    texts: dict[str, str] = {}
    for method in ast.walk(ast.parse(client.read_text(encoding="utf-8"))):
        if not isinstance(method, ast.AsyncFunctionDef):
            continue
        text = name = None
        for node in ast.walk(method):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "gql"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                text = node.args[0].value
            if isinstance(node, ast.keyword) and node.arg == "operation_name" and isinstance(node.value, ast.Constant):
                name = node.value.value
        if isinstance(text, str) and isinstance(name, str):
            texts[name] = text
    return texts


def _operations(text: str) -> dict[str, str]:
    """Operation name -> the operation printed canonically (fragments left out)."""
    from graphql import OperationDefinitionNode, parse, print_ast

    return {d.name.value: print_ast(d) for d in parse(text).definitions
            if isinstance(d, OperationDefinitionNode) and d.name}


def operations(directory: Path = OPERATIONS, client: Path = CLIENT) -> list[tuple[str, str]]:
    """(name, text as the client sends it) for every operation in ``directory``'s .graphql files."""
    from graphql import GraphQLError

    from graph_model.errors import FieldError, ValidationFailed

    files = sorted(directory.glob("*.graphql"))
    if not files:
        raise ValidationFailed(f"no .graphql files in {directory}", [FieldError("--dir", "name the operations folder")])
    sent = client_texts(client)
    found: list[tuple[str, str]] = []
    errors: list[FieldError] = []
    for path in files:
        try:
            declared = _operations(path.read_text(encoding="utf-8"))
        except GraphQLError as exc:
            raise ValidationFailed(f"{path} is not a GraphQL document: {exc.message}") from exc
        for name, printed in declared.items():
            text = sent.get(name)
            if text is None or _operations(text).get(name) != printed:
                why = "is not in" if text is None else "differs in"
                errors.append(FieldError(name, f"{path.name}: {why} hub_client (run ariadne-codegen)"))
            else:
                found.append((name, text))
    if errors:
        raise ValidationFailed("the generated client does not match the operations; nothing registered", errors)
    return found


async def register(store: GraphStore, directory: Path = OPERATIONS) -> list[tuple[PersistedQuery, bool]]:
    from graph_model import persisted

    return await persisted.register(store, operations(directory))


def _table(done: list[tuple[PersistedQuery, bool]]) -> Table:
    from rich.table import Table

    table = Table(title="registered operations")
    table.add_column("operation", no_wrap=True)
    table.add_column("sha256", no_wrap=True)
    table.add_column("", no_wrap=True)
    for query, new in done:
        table.add_row(query.name, query.key[:12], "[green]new[/]" if new else "already")
    return table


def cmd_operations_register(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio

    from rich.console import Console

    from hub.cli.common import out, with_store

    async def work(store: GraphStore) -> None:
        done = await register(store, args.dir)
        (out if out.is_terminal else Console(width=120)).print(_table(done))
        new = sum(1 for _, is_new in done if is_new)
        out.print(f"[green]{len(done)}[/] operations registered ({new} new, {len(done) - new} already); with "
                  "HUB_ALLOWLIST=on only these run.", highlight=False, soft_wrap=True)

    asyncio.run(with_store(settings, work))


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ops = sub.add_parser("operations", help="operations the generated client sends (the allow-list)")
    ops_sub = ops.add_subparsers(dest="operations_command", required=True)
    s = ops_sub.add_parser(
        "register", help="register every operation of the generated client (idempotent)",
        description="Registers each operation of hub_client, as the text the client sends, so it runs when "
                    "HUB_ALLOWLIST is on (by its sha256 or by that text).")
    s.add_argument("--dir", type=Path, default=OPERATIONS, help=f"the operations folder (default {OPERATIONS})")
    s.set_defaults(run=cmd_operations_register)
