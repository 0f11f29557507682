"""``hub alerts [--province P] [--as-of D] [--format csv|text]``: today's alerts for a cron job.

Prints what ``alerts`` in the API returns (graph_model.supervision.alerts) for the country or one
province: plain text, one alert a line (severity, kind, institution, message in English and
Persian), or the CSV of ``/export/alerts.csv``. Exits 0 whether or not there are alerts (a cron job
mails what is printed); an unknown province or a bad date exits 1 with one line on stderr.
No e-mail is sent.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph_model.stores.base import GraphStore
    from hub.settings import Settings


async def report(store: GraphStore, province: str | None, as_of: str | None, form: str) -> str:
    """The alerts of ``province`` (None: the country) on ``as_of`` (ISO or Solar Hijri; None: today) as text."""
    import datetime as dt

    from graph_model.supervision.alerts import NEEDS, alerts
    from graph_model.supervision.alerts_csv import alerts_csv
    from graph_model.supervision.reading import facts, scope_of
    from hub.schema.scalars import parse_date

    day = dt.date.fromisoformat(parse_date(as_of, "asOf")) if as_of else dt.date.today()
    scope = await scope_of(store, province, None, "province")
    found = alerts(await facts(store, scope, NEEDS), day)
    if form == "csv":
        return alerts_csv(found, scope, day.isoformat())
    lines = [f"{len(found)} alert(s) on {day.isoformat()} in {province or 'the country'}"]
    lines += [f"{a.severity.value:<6} {a.kind.value:<26} {a.institution.key:<24} {a.subject:<24} "
              f"{a.message_en} | {a.message_fa}" for a in found]
    return "\n".join(lines) + "\n"


def cmd_alerts(settings: Settings, args: argparse.Namespace) -> None:
    import asyncio
    import sys

    from hub.cli.common import with_store

    text = asyncio.run(with_store(settings, lambda store: report(store, args.province, args.as_of, args.format)))
    sys.stdout.write(text)
    sys.stdout.flush()


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser("alerts", help="licences expiring, corrective actions and visits overdue (for a cron job)")
    s.add_argument("--province", default=None, help="a province's key (default: the country)")
    s.add_argument("--as-of", dest="as_of", default=None, help="the day, ISO or Solar Hijri (default: today)")
    s.add_argument("--format", choices=("text", "csv"), default="text", help="plain text (default) or CSV")
    s.set_defaults(run=cmd_alerts)
