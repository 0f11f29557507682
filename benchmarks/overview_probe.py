"""Time the dashboard overview on a store holding the `national` profile; print p50/p99 and round trips.

    .venv/bin/python benchmarks/overview_probe.py --socket /tmp/nat/falkordb.sock [--runs 50]

Reads only. Each run executes the whole `overview` GraphQL field (every section, donation years
in the Solar Hijri calendar) through the schema, as a dashboard would ask for it; the
per-section lines time graph_model's reads alone, one after the other.

Target (issue 3): p99 <= 50 ms for a province overview (IR-06, Khuzestan).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import strawberry
from falkordb.asyncio import FalkorDB
from redis.utils import HIREDIS_AVAILABLE

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph_model import overview as ov  # noqa: E402
from graph_model.stores.falkordb import FalkorStore  # noqa: E402
from hub.auth.principal import SYSTEM  # noqa: E402
from hub.execution.context import Context  # noqa: E402
from hub.schema.extensions import extensions  # noqa: E402
from hub.schema.overview import OverviewQuery  # noqa: E402
from hub.schema.scalars import config  # noqa: E402
from hub.settings import Settings  # noqa: E402

TARGET_MS = 50.0
AS_OF = "2026-11-23"  # the seed's "today": the expiry window then holds what the seed put there

QUERY = """
query ($province: String, $county: String, $asOf: Date) {
  overview(province: $province, county: $county, asOf: $asOf) {
    level province { key nameEn } county { key nameEn }
    totals { institutions donors councils events licences }
    institutionsByKind { kind count }
    services { service { key nameFa nameEn domain } institutions capacity }
    serviceDomains { domain institutions capacity }
    licencesByStatus { status count }
    councilsByLevel { level count }
    eventsByKind { kind count }
    expiringLicences { startsOn endsOn total
                       soonest { daysLeft licence { key number expiresOn } institution { key nameFa nameEn } } }
    donations { amount donations years { year amount donations donors } }
  }
}"""
# The same without donation years, the heaviest section (a dashboard page that does not show them).
WITHOUT_DONATIONS = QUERY.replace("    donations { amount donations years { year amount donations donors } }\n", "")


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p99 of 50 runs is the worst but none)."""
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def line(name: str, samples: list[float], extra: str = "") -> str:
    return (f"{name:32s} p50 {percentile(samples, 50):7.1f} ms   p99 {percentile(samples, 99):7.1f} ms   "
            f"max {max(samples):7.1f} ms   runs {len(samples):3d}{extra}")


async def timed(runs: int, call: Callable[[], Awaitable[Any]]) -> list[float]:
    await call()  # warm: FalkorDB caches the plan of a statement it has seen
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def probe_field(store: FalkorStore, schema: strawberry.Schema, name: str, runs: int,
                      query: str = QUERY, **variables: Any) -> list[float]:
    trips: list[int] = []

    async def call() -> None:
        before = store.round_trips
        result = await schema.execute(query, variable_values={"asOf": AS_OF, **variables},
                                      context_value=Context(store=store, principal=SYSTEM))
        if result.errors:
            raise RuntimeError(result.errors)
        trips.append(store.round_trips - before)

    samples = await timed(runs, call)
    print(line(f"overview {name}", samples, f"   round trips {max(trips)}"))
    return samples


async def probe_sections(store: FalkorStore, runs: int, province: str) -> None:
    where = await ov.scope(store, province)
    as_of = dt.date.fromisoformat(AS_OF)
    sections: dict[str, Callable[[], Awaitable[Any]]] = {
        "counts": lambda: ov.summary(store, where),
        "expiring licences": lambda: ov.expiring_licences(store, where, as_of=as_of, within_days=90),
        "donation years (Jalali)": lambda: ov.donation_years(store, where, ov.Calendar.JALALI),
        "donation years (Gregorian)": lambda: ov.donation_years(store, where, ov.Calendar.GREGORIAN),
    }
    for name, call in sections.items():
        print(line(f"  {province} {name}", await timed(runs, call)))


async def main(args: argparse.Namespace) -> None:
    store = FalkorStore(FalkorDB(unix_socket_path=args.socket), args.graph, location=args.socket)
    schema = strawberry.Schema(query=OverviewQuery, extensions=extensions(Settings()), config=config())
    print(f"graph {args.graph!r} on {args.socket}; redis parser: {'hiredis' if HIREDIS_AVAILABLE else 'pure Python'}")
    try:
        province = await probe_field(store, schema, f"province {args.province}", args.runs, province=args.province)
        await probe_field(store, schema, f"province {args.province}, no gifts", args.runs, WITHOUT_DONATIONS,
                          province=args.province)
        await probe_field(store, schema, f"county {args.county}", args.runs, county=args.county)
        await probe_field(store, schema, "country", args.country_runs)
        await probe_sections(store, min(args.runs, 20), args.province)
    finally:
        await store.close()
    p99 = percentile(province, 99)
    print(f"target: province p99 <= {TARGET_MS:.0f} ms: {'met' if p99 <= TARGET_MS else 'MISSED'} "
          f"({p99:.1f} ms; mean {statistics.fmean(province):.1f} ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", default="/tmp/nat/falkordb.sock", help="FalkorDB unix socket")
    parser.add_argument("--graph", default="national", help="graph holding the national profile")
    parser.add_argument("--runs", type=int, default=50, help="runs per province and county overview")
    parser.add_argument("--country-runs", type=int, default=5, help="runs of the country overview (seconds each)")
    parser.add_argument("--province", default="IR-06")
    parser.add_argument("--county", default="IR-06-0607")
    asyncio.run(main(parser.parse_args()))
