"""Time the network metrics in networkx, igraph and rustworkx on a national-sized projection.

    .venv/bin/python benchmarks/networks_libraries.py [--source synthetic|seed] [--scale 1.0]

``synthetic`` (default) generates giving shaped like the `national` profile: 21,000 institutions
in 31 provinces, 100,000 donors with Pareto(1.2) propensity (capped at 150), 500,000 gifts (half
to three favourite local centres, 30% elsewhere in the province, 20% anywhere), plus council seats
and partnerships. ``seed`` builds the real `national` profile (seed.profiles) and reads its rows.
Prints a markdown table: seconds per step and library, and whether the answer equals networkx's
(1e-6 relative; communities: modularity within 0.02). Steps networkx cannot finish in minutes
are estimated from a sample (pivots or nodes) and marked "est.". Then the brokers of the largest
province (cold: projection, conversion, betweenness, constraint), and the error of sampled
betweenness against exact on a smaller graph of the same shape (``--error-scale``).
Targets (issue 4): national betweenness <= 10 s cold, province brokers <= 500 ms cold.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph_model.networks import (  # noqa: E402
    Backend, GivingEdge, Membership, Partnership, Ranking, WeightedGraph, betweenness, constraint, degree,
    eigenvector, leiden, louvain, pagerank, project_institutions, strength)
from graph_model.networks.backends import to_igraph, to_networkx, to_rustworkx  # noqa: E402

NX, IG, RX = Backend.NETWORKX, Backend.IGRAPH, Backend.RUSTWORKX
Rows = tuple[list[GivingEdge], list[Membership], list[Partnership], list[str], dict[str, str]]


def synthetic(scale: float, seed: int = 2026) -> Rows:
    rng = random.Random(seed)
    n_inst, n_donors, n_gifts = int(21_000 * scale), int(100_000 * scale), int(500_000 * scale)
    provinces = [f"IR-{p:02d}" for p in range(31)]
    weights = [1 / (r + 1) ** 0.9 for r in range(31)]  # a few large provinces, a long tail
    institutions = [f"inst-{i:06d}" for i in range(n_inst)]
    province_of = dict(zip(institutions, rng.choices(provinces, weights, k=n_inst), strict=True))
    local: dict[str, list[str]] = defaultdict(list)
    for key, p in province_of.items():
        local[p].append(key)
    donor_province = rng.choices(provinces, weights, k=n_donors)
    propensity = [min(150.0, rng.paretovariate(1.2)) for _ in range(n_donors)]
    counts = [1] * n_donors
    for d in rng.choices(range(n_donors), propensity, k=n_gifts - n_donors):
        counts[d] += 1
    giving: dict[tuple[str, str], list[int]] = {}
    for d, n in enumerate(counts):
        mine = local[donor_province[d]] or institutions
        for _ in range(n):
            r = rng.random()
            target = (mine[(d * 7919 + int(r * 6) * 104729) % len(mine)] if r < 0.5
                      else rng.choice(mine) if r < 0.8 else rng.choice(institutions))
            gift = giving.setdefault((f"donor-{d:06d}", target), [0, 0])
            gift[0] += int(rng.lognormvariate(math.log(5e6), 1.0))
            gift[1] += 1
    rows = [GivingEdge(d, i, a, c) for (d, i), (a, c) in giving.items()]
    seats = [Membership(rng.choice(local[provinces[c % 31]] or institutions), "Institution", f"council-{c}")
             for c in range(int(400 * scale)) for _ in range(4)]
    partners = [Partnership(a, rng.choice(local[province_of[a]]) if rng.random() < 0.7 else rng.choice(institutions))
                for a in rng.choices(institutions, k=int(8000 * scale))]
    return rows, seats, partners, institutions, province_of


def from_seed() -> Rows:
    from graph_model.enums import Label, Rel
    from seed.profiles import build

    ds = build("national")
    giving: dict[tuple[str, str], list[int]] = {}
    for r in ds.rels[Rel.DONATED_TO]:
        gift = giving.setdefault((r["start"], r["end"]), [0, 0])
        gift[0] += r["props"]["amount"]
        gift[1] += 1
    county = {r["start"]: r["end"] for r in ds.rels[Rel.IN_PROVINCE]}
    return ([GivingEdge(d, i, a, c) for (d, i), (a, c) in giving.items()],
            [Membership(r["start"], "Institution", r["end"]) for r in ds.rels[Rel.INSTITUTION_MEMBER_OF]],
            [Partnership(r["start"], r["end"]) for r in ds.rels[Rel.PARTNERS_WITH]],
            [n["key"] for n in ds.nodes[Label.INSTITUTION]],
            {r["start"]: county[r["end"]] for r in ds.rels[Rel.LOCATED_IN]})


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def same(values: dict[str, float], reference: dict[str, float]) -> str:
    """"yes" when every value is within 1e-6 relative (1e-9 of the largest value near zero)."""
    if values.keys() != reference.keys():
        return "no (different nodes)"
    scale = max((abs(v) for v in reference.values()), default=0.0)
    off = [k for k, v in reference.items() if abs(values[k] - v) > 1e-6 * abs(v) + 1e-9 * scale]
    if not off:
        return "yes"
    return f"no ({len(off)} nodes off, max rel. diff {max(abs(values[k] / reference[k] - 1) for k in off):.1e})"


def fmt(seconds: float | None, estimated: bool = False) -> str:
    if seconds is None:
        return "n/a"
    text = f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:,.1f} s"
    return f"est. {text}" if estimated else text


def table(g: WeightedGraph, pivots: int, t_proj: float) -> tuple[list[str], list[str]]:
    """The comparison table's rows, and notes on the pivots that fit the 10 s target."""
    n = g.order
    lines: list[str] = []
    notes: list[str] = []
    conv = {NX: timed(lambda: to_networkx(g))[0], IG: timed(lambda: to_igraph(g))[0],
            RX: timed(lambda: to_rustworkx(g))[0]}
    lines.append(f"| convert the projection | {fmt(conv[NX])} | {fmt(conv[IG])} | {fmt(conv[RX])} | - |")
    for name, fn in (("degree", degree), ("strength (weighted degree)", strength)):
        runs = {b: timed(partial(fn, g, backend=b)) for b in (NX, IG, RX)}
        verdict = ", ".join(f"{b.value} {same(runs[b][1].values, runs[NX][1].values)}" for b in (IG, RX))
        lines.append(f"| {name} | {fmt(runs[NX][0])} | {fmt(runs[IG][0])} | {fmt(runs[RX][0])} | {verdict} |")
    for name, fn in (("PageRank", pagerank), ("eigenvector", eigenvector)):
        # networkx with its own defaults (tol 1e-6, 100 iterations): the tight tolerance the
        # metrics use takes it many minutes here; the tests prove equality on smaller graphs.
        t_nx, ref = timed(partial(_networkx_default, g, name))
        runs = {b: timed(partial(fn, g, backend=b)) for b in (IG, RX)}
        verdict = f"igraph vs rustworkx {same(runs[IG][1].values, runs[RX][1].values)}"
        if ref is not None:
            verdict += f"; vs networkx at tol 1e-6: {same(runs[IG][1].values, ref)}"
        nx_cell = fmt(t_nx) if ref is not None else f"no convergence in 100 iterations ({fmt(t_nx)})"
        lines.append(f"| {name} | {nx_cell} | {fmt(runs[IG][0])} | {fmt(runs[RX][0])} | {verdict} |")
    for weighted in (True, False):
        label = "weighted 1/w" if weighted else "hops"
        # networkx: a few pivots, extrapolated per pivot; the same pivots in igraph check the answer.
        t_nx, few = timed(partial(betweenness, g, weighted=weighted, pivots=4, seed=7, backend=NX))
        t_ig4, few_ig = timed(partial(betweenness, g, weighted=weighted, pivots=4, seed=7, backend=IG))
        t_ig, _ = timed(partial(betweenness, g, weighted=weighted, pivots=pivots, seed=7, backend=IG))
        check = f"igraph {same(few_ig.values, few.values)} (4 pivots)"
        lines.append(f"| betweenness {label}, sampled k={pivots} | {fmt(t_nx / 4 * pivots, True)} | {fmt(t_ig)} "
                     f"| n/a | {check} |")
        lines.append(f"| betweenness {label}, exact | {fmt(t_nx / 4 * n, True)} | {fmt(t_ig / pivots * n, True)} "
                     f"| {'n/a' if weighted else 'not run'} | - |")
        fits = int((10.0 - t_proj - conv[IG]) / (t_ig / pivots))
        notes.append(f"betweenness {label}: igraph {t_ig / pivots * 1000:.1f} ms per pivot; cold (projection "
                     f"{fmt(t_proj)} + conversion {fmt(conv[IG])}) within 10 s leaves room for k = {fits} pivots")
    # networkx's constraint costs ~deg^3 per node (it renormalises every neighbour's weights inside
    # the inner sum): time a sample of modest-degree nodes, scale by sum(deg^3) over all nodes.
    degrees = dict(zip(g.nodes, g.degrees().tolist(), strict=True))
    sample = [k for k in random.Random(1).sample(g.nodes, n) if 0 < degrees[k] <= 100][:5]
    t_nx, ref_c = timed(lambda: _constraint_nx(g, sample))
    t_all = t_nx / sum(degrees[k] ** 3 for k in sample) * sum(d ** 3 for d in degrees.values())
    t_ig, mine = timed(lambda: constraint(g, backend=IG))
    sub = {k: mine.values[k] for k in ref_c}
    lines.append(f"| Burt's constraint | {fmt(t_all, True)} | {fmt(t_ig)} | n/a "
                 f"| igraph {same(sub, ref_c)} ({len(sample)} nodes) |")
    t_nx, ref_p = timed(lambda: louvain(g, seed=1, backend=NX))
    t_ig, lv = timed(lambda: louvain(g, seed=1, backend=IG))
    t_ld, ld = timed(lambda: leiden(g, seed=1))
    t_la, la = timed(lambda: leiden(g, seed=1, leidenalg=True))

    def quality(q: float) -> str:  # as good as networkx's Louvain, within 0.02 of modularity
        return "yes, higher" if q > ref_p.modularity + 0.02 else "yes" if q >= ref_p.modularity - 0.02 else "no"

    lines.append(f"| Louvain | {fmt(t_nx)} | {fmt(t_ig)} | n/a | Q networkx {ref_p.modularity:.4f} "
                 f"({len(ref_p.communities)} communities), igraph {lv.modularity:.4f} ({len(lv.communities)}): "
                 f"{quality(lv.modularity)} |")
    lines.append(f"| Leiden (igraph) | n/a | {fmt(t_ld)} | n/a | Q {ld.modularity:.4f} "
                 f"({len(ld.communities)}): {quality(ld.modularity)} |")
    lines.append(f"| Leiden (leidenalg on igraph) | n/a | {fmt(t_la)} | n/a | Q {la.modularity:.4f} "
                 f"({len(la.communities)}): {quality(la.modularity)} |")
    return lines, notes


def _constraint_nx(g: WeightedGraph, nodes: list[str]) -> dict[str, float]:
    import networkx as nx

    x = to_networkx(g)
    return nx.constraint(x, nodes=[k for k in nodes if x.degree(k)], weight="weight")


def _networkx_default(g: WeightedGraph, name: str) -> dict[str, float] | None:
    import networkx as nx
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    x = to_networkx(g)
    try:
        if name == "PageRank":  # nx.pagerank itself needs scipy, not installed
            return _pagerank_python(x, weight="weight")
        return nx.eigenvector_centrality(x, weight="weight")
    except nx.PowerIterationFailedConvergence:
        return None


def provinces(rows: Rows) -> list[str]:
    """Brokers of the largest and the median province, cold: the projection from the scope's rows,
    then Burt's constraint in igraph (conversion included); exact and sampled weighted betweenness
    after it (igraph graph already built); networkx's exact betweenness estimated from 10 pivots."""
    giving, seats, partners, institutions, province_of = rows
    sizes: dict[str, int] = defaultdict(int)
    for key in institutions:
        sizes[province_of[key]] += 1
    ranked = sorted(sizes, key=lambda p: (-sizes[p], p))
    out = []
    for name in (ranked[0], ranked[len(ranked) // 2]):
        inside = {k for k in institutions if province_of[k] == name}
        scoped = ([g for g in giving if g.institution in inside], [m for m in seats if m.member in inside],
                  [p for p in partners if p.a in inside and p.b in inside])
        t0 = time.perf_counter()
        p = project_institutions(scoped[0], memberships=scoped[1], partnerships=scoped[2], institutions=inside)
        t1 = time.perf_counter()
        top = constraint(p.graph, backend=IG).top(10)  # includes the conversion to igraph
        t2 = time.perf_counter()
        t_exact, _ = timed(partial(betweenness, p.graph, backend=IG))
        t_sampled, _ = timed(partial(betweenness, p.graph, pivots=100, backend=IG))
        t_nx, _ = timed(partial(betweenness, p.graph, pivots=10, backend=NX))
        out.append(f"| {name}: {p.graph.order:,} institutions, {p.graph.size:,} edges | {fmt(t1 - t0)} "
                   f"| {fmt(t2 - t1)} | **{fmt(t2 - t0)}** ({top[0].key}) | {fmt(t_exact)} | {fmt(t_sampled)} "
                   f"| {fmt(t_nx / 10 * p.graph.order, True)} |")
    return out


def sampling_error(scale: float, ks: tuple[int, ...]) -> list[str]:
    rows = synthetic(scale, seed=99)
    g = project_institutions(rows[0], memberships=rows[1], partnerships=rows[2], institutions=rows[3]).graph
    out = [f"graph: {g.order:,} institutions, {g.size:,} edges (synthetic, scale {scale}); five seeds per k, "
           "errors over the 100 nodes with the highest exact betweenness", "",
           "| paths | k | seconds | mean rel. error, top 100 | max rel. error, top 100 | Spearman (all) "
           "| top-20 overlap |", "|---|---|---|---|---|---|---|"]
    for weighted in (True, False):
        label = "weighted 1/w" if weighted else "hops"
        t_exact, exact = timed(partial(betweenness, g, weighted=weighted, backend=IG))
        truth = exact.order[:100]
        for k in ks:
            errors: list[float] = []
            spearman, overlap, t_k = [], [], 0.0
            for seed in range(5):
                t, est = timed(partial(betweenness, g, weighted=weighted, pivots=k, seed=seed, backend=IG))
                t_k += t / 5
                errors.extend(abs(est.values[key] - exact.values[key]) / exact.values[key] for key in truth)
                spearman.append(_spearman(exact, est))
                overlap.append(len(set(exact.order[:20]) & set(est.order[:20])))
            out.append(f"| {label} | {k} | {fmt(t_k)} | {sum(errors) / len(errors):.1%} | {max(errors):.1%} "
                       f"| {sum(spearman) / 5:.3f} | {sum(overlap) / 5:.1f} / 20 |")
        out.append(f"| {label} | exact ({g.order:,}) | {fmt(t_exact)} | 0 | 0 | 1 | 20 / 20 |")
    return out


def _spearman(a: Ranking, b: Ranking) -> float:
    ra, rb = {k: i for i, k in enumerate(a.order)}, {k: i for i, k in enumerate(b.order)}
    n = len(ra)
    return 1 - 6 * sum((ra[k] - rb[k]) ** 2 for k in ra) / (n * (n * n - 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=("synthetic", "seed"), default="synthetic")
    parser.add_argument("--scale", type=float, default=1.0, help="synthetic size as a share of national")
    parser.add_argument("--pivots", type=int, default=500)
    parser.add_argument("--error-scale", type=float, default=0.1, help="0 skips the sampling-error table")
    args = parser.parse_args()
    t_rows, rows = timed(lambda: synthetic(args.scale) if args.source == "synthetic" else from_seed())
    giving, seats, partners, institutions, _ = rows
    print(f"rows ({args.source}): {len(giving):,} donor-institution pairs, {len(seats):,} seats, "
          f"{len(partners):,} partnerships, {len(institutions):,} institutions ({fmt(t_rows)})")
    t_proj, p = timed(lambda: project_institutions(giving, memberships=seats, partnerships=partners,
                                                   institutions=institutions))
    g = p.graph
    print(f"institution projection (collaboration weighting + councils + partnerships): {g.order:,} nodes, "
          f"{g.size:,} edges, built in {fmt(t_proj)} (numpy, library-independent)\n")
    print("| step | networkx | igraph | rustworkx | same answer as networkx |\n|---|---|---|---|---|")
    rows_, notes = table(g, args.pivots, t_proj)
    print("\n".join(rows_))
    print("\n" + "\n".join(f"- {note}" for note in notes))
    print("\nbrokers of a province, cold (weighted; igraph unless said)\n")
    print("| scope | projection | constraint | projection + constraint (top broker) | betweenness exact "
          "| betweenness k=100 | networkx betweenness exact |\n|---|---|---|---|---|---|---|")
    print("\n".join(provinces(rows)))
    if args.error_scale > 0:
        print("\nsampled betweenness (weighted) against exact\n")
        print("\n".join(sampling_error(args.error_scale, (25, 50, 100, 200, 500))))


if __name__ == "__main__":
    main()
