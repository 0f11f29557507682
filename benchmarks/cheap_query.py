"""Throughput of a running hub on a cheap query, where the HTTP layer (event loop, parser, encoding,
access log) is a large share of each request: N clients in this process, each sending the query and
waiting for the answer, for a fixed time. Prints req/s, p50 and p99; asserts nothing.

    .venv/bin/python benchmarks/cheap_query.py --url http://127.0.0.1:8765 --key KEY [--clients 16] [--seconds 15]

Start the hub beforehand with the per-key rate limit off, e.g.
`HUB_RATE_LIMIT=0 HUB_DATA_DIR=/tmp/hubdemo .venv/bin/hub serve --port 8765` (the demo profile).
"""

from __future__ import annotations

import argparse
import asyncio
import time

import httpx

QUERY = '{ province(key: "IR-06") { nameFa nameEn } }'


async def main(url: str, key: str, clients: int, seconds: float) -> None:
    times: list[float] = []
    end = time.perf_counter() + seconds

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
            while time.perf_counter() < end:
                started = time.perf_counter()
                answer = await http.post("/graphql", json={"query": QUERY})
                times.append(time.perf_counter() - started)
                if answer.status_code != 200 or "errors" in answer.json():
                    raise SystemExit(f"refused: {answer.status_code} {answer.text[:300]}")

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    times.sort()
    p50, p99 = times[len(times) // 2] * 1000, times[int(len(times) * 0.99)] * 1000
    print(f"{len(times) / elapsed:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms "
          f"({len(times)} requests, {clients} clients, {elapsed:.1f} s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    asyncio.run(main(args.url, args.key, args.clients, args.seconds))
