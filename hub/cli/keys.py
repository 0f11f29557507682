"""``hub keys create | list | revoke``: API keys for the GraphQL endpoint and the exports.

A key's token is printed once, when it is made: only the sha256 of its secret is stored
(``graph_model.api_keys``), so a lost token is replaced by a new key, never recovered. ``hub
serve`` also makes one admin key (note "demo") when it seeds an empty store, so a first run can
be tried at once (``demo_key``).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

# The parser is built on every ``hub`` command: the commands import the store, the key
# functions and rich when they run.
if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from graph_model.api_keys import KeyRecord
    from graph_model.stores.base import GraphStore
    from hub.settings import Settings

BEARER = "Authorization: Bearer"
# graph_model.api_keys.ROLES, repeated for the help text so the parser imports no store code
# (tests/test_cli.py keeps the two equal).
ROLES = ("viewer", "planner", "council_member", "editor", "supervisor", "institution", "admin")


def _provinces(record: KeyRecord) -> str:
    return ", ".join(record.provinces) if record.provinces else "all"


def _when(iso: str | None) -> str:
    return iso.replace("T", " ").removesuffix("+00:00") if iso else "-"


def _print(table: Table) -> None:
    from rich.console import Console

    from hub.cli.common import out

    # Off a terminal (a pipe, a log) rows are not folded to 80 columns: a token or id stays whole.
    (out if out.is_terminal else Console(width=160)).print(table)


def _table(records: list[KeyRecord], *, title: str | None = None) -> Table:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title)
    table.add_column("id", no_wrap=True)
    table.add_column("role", no_wrap=True)
    table.add_column("provinces", min_width=9)
    table.add_column("institution", no_wrap=True)
    table.add_column("note", min_width=12)
    table.add_column("created (UTC)", no_wrap=True)
    table.add_column("revoked (UTC)", no_wrap=True)
    for r in records:
        table.add_row(r.key_id, r.role, escape(_provinces(r)), escape(r.institution or "-"), escape(r.note),
                      _when(r.created_at),
                      f"[red]{_when(r.revoked_at)}[/]" if r.revoked_at else "-")
    return table


# Roles whose writes a province scope narrows (editors' mutations, planners' need figures): a key of
# one of them covers every province only when asked for in so many words, as a JWT must say
# `"provinces": "*"` (hub.auth.authenticate).
SCOPED_ROLES = ("planner", "editor", "supervisor")


def _check_scope(args: argparse.Namespace) -> None:
    from graph_model.errors import FieldError, ValidationFailed

    if args.province and args.all_provinces:
        raise ValidationFailed("the key was not created", [FieldError(
            "province", "give either --province CODE (repeatable) or --all-provinces, not both")])
    if args.role in SCOPED_ROLES and not args.province and not args.all_provinces:
        raise ValidationFailed("the key was not created", [FieldError(
            "province", f"a {args.role} key changes records: name its provinces with --province CODE "
                        "(repeatable), or give --all-provinces for every province")])


def _check_institution(args: argparse.Namespace) -> None:
    """An institution key names its institution; no other key does (graph_model.api_keys checks it
    again, and that the institution exists)."""
    from graph_model.errors import FieldError, ValidationFailed

    if args.role == "institution" and not args.institution:
        raise ValidationFailed("the key was not created", [FieldError(
            "institution", "an institution key speaks for one institution: name it with --institution KEY")])
    if args.role != "institution" and args.institution:
        raise ValidationFailed("the key was not created", [FieldError(
            "institution", f"--institution is for institution keys only, not a {args.role} key")])


def cmd_keys_create(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio

    from graph_model import api_keys
    from hub.cli.common import out, with_store

    _check_scope(args)
    _check_institution(args)

    async def work(store: GraphStore) -> None:
        record, token = await api_keys.create(store, args.role, args.province or [], args.note,
                                              institution=args.institution)
        out.print("[green]API key created.[/] Copy the token now: it is shown only this once "
                  "(only its sha256 hash is stored).", highlight=False, soft_wrap=True)
        out.print(f"\n  [bold]{token}[/]\n", highlight=False, soft_wrap=True)
        _print(_table([record]))
        out.print(f"Send it as `{BEARER} <token>`.", highlight=False, soft_wrap=True)

    asyncio.run(with_store(settings, work))


def cmd_keys_list(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio

    from graph_model import api_keys
    from hub.cli.common import out, with_store

    async def work(store: GraphStore) -> None:
        records = await api_keys.list_keys(store)
        if not records:
            out.print("no API keys yet: `hub keys create --role ROLE` makes one", highlight=False)
            return
        _print(_table(records, title="API keys (secrets are not stored)"))

    asyncio.run(with_store(settings, work))


def cmd_keys_revoke(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio

    from graph_model import api_keys
    from hub.cli.common import out, with_store

    async def work(store: GraphStore) -> None:
        record = await api_keys.revoke(store, args.id)
        out.print(f"[green]revoked[/] key {record.key_id} ({record.role}) at {record.revoked_at}; "
                  f"servers refuse it within {settings.key_cache_seconds:g} s (HUB_KEY_CACHE_SECONDS)",
                  highlight=False, soft_wrap=True)

    asyncio.run(with_store(settings, work))


async def demo_key(store: GraphStore, url: str, console: Console | None = None) -> str:
    """Make an admin key noted "demo" and show it once (on stderr unless ``console`` says), with
    how to send it; return the token."""
    from graph_model import api_keys
    from hub.cli.common import err

    console = err if console is None else console
    record, token = await api_keys.create(store, "admin", note="demo")
    console.print(f"[yellow]Demo API key[/] (admin, id {record.key_id}), shown only now: only its hash is "
                  f"stored (`hub keys revoke {record.key_id}` revokes it)", highlight=False, soft_wrap=True)
    console.print(f"  [bold]{token}[/]", highlight=False, soft_wrap=True)
    query = '{"query": "{ provinces { totalCount } }"}'
    console.print(f"  curl -H '{BEARER} {token}' -H 'Content-Type: application/json' -d '{query}' {url}",
                  highlight=False, soft_wrap=True, markup=False)
    console.print(f"  GraphiQL ({url}): paste it in the API key field above the editor",
                  highlight=False, soft_wrap=True, markup=False)
    console.print(f"  The app ({url.removesuffix('graphql')}): paste it on its sign-in page",
                  highlight=False, soft_wrap=True, markup=False)
    return token


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``hub keys`` on the ``hub`` command's subparsers."""
    keys = sub.add_parser("keys", help="API keys: create (token shown once), list, revoke")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    s = keys_sub.add_parser("create", help="make a key and print its token once (only a hash is stored)")
    s.add_argument("--role", required=True, help=f"one of {', '.join(ROLES)}")
    s.add_argument("--province", action="append", metavar="CODE",
                   help="a province the key may change (repeat for more)")
    s.add_argument("--all-provinces", action="store_true",
                   help="the key may change records in every province (planner and editor keys need "
                        "this or --province)")
    s.add_argument("--institution", metavar="KEY",
                   help="the institution an institution key speaks for (required for --role institution, "
                        "refused for other roles)")
    s.add_argument("--note", default="", help="who or what the key is for")
    s.set_defaults(run=cmd_keys_create)
    s = keys_sub.add_parser("list", help="every key: id, role, provinces, note, created, revoked (never secrets)")
    s.set_defaults(run=cmd_keys_list)
    s = keys_sub.add_parser("revoke", help="revoke a key by id (servers refuse it within HUB_KEY_CACHE_SECONDS)")
    s.add_argument("id", help="the key's id (the 12 hex characters after `hub_`)")
    s.set_defaults(run=cmd_keys_revoke)
