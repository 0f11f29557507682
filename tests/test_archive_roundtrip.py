"""`hub export` then `hub restore` into a fresh store gives back the same graph: on the `demo`
profile, every node and relationship with all its properties, counts per label and type, the graph
version, and donation totals that agree with the gifts (graph_model.archive)."""

from __future__ import annotations

import json
from pathlib import Path

from graph_model import api_keys, audit, queries
from graph_model.archive.export import export
from graph_model.archive.manifest import MANIFEST
from graph_model.archive.restore import restore
from graph_model.enums import Label
from graph_model.stores.embedded import EmbeddedServer
from hub.auth.principal import Principal, Role
from tests.archive_checks import contents, graph_version, totals_agree
from tests.stores import fresh_store


async def test_export_then_restore_reproduces_the_demo_graph(server: EmbeddedServer, tmp_path: Path) -> None:
    async with fresh_store(server, "demo") as source, fresh_store(server) as target:
        await api_keys.create(source, "viewer", ["IR-06"], note="a key travels with --with-meta")
        # the audit log too, written back by its one append-only statement (graph_model.archive.restore)
        admin = Principal(Role.ADMIN, subject="cli:ops")
        await audit.record(source, admin, "deleteDonor", {"key": "donor-9"}, None, None)
        manifest = await export(source, tmp_path / "out", with_meta=True)
        assert manifest.nodes["AuditEntry"] == 1
        assert manifest.nodes[Label.DONOR.value] == (await queries.node_counts(source))[Label.DONOR.value] > 0
        assert manifest.nodes["ApiKey"] == 1
        assert manifest.nodes["DonationTotal"] > 0  # restored as exported (graph_model.archive.restore)
        written = json.loads((tmp_path / "out" / MANIFEST).read_text())
        assert written["rels"] == await queries.rel_counts(source)
        assert written["graph_version"]["version"] == (await graph_version(source)).graph[1]

        await restore(target, tmp_path / "out")

        assert await queries.node_counts(target) == await queries.node_counts(source)
        assert await queries.rel_counts(target) == await queries.rel_counts(source)
        assert await contents(target) == await contents(source)  # node by node, relationship by relationship
        assert (await graph_version(target)) == (await graph_version(source))
        assert await totals_agree(target)


async def test_without_meta_the_hubs_own_records_stay_home(server: EmbeddedServer, tmp_path: Path) -> None:
    async with fresh_store(server) as source:
        from tests.builders import build_world

        await build_world(source)
        await api_keys.create(source, "viewer", ["IR-00"], note="secret hash")
        manifest = await export(source, tmp_path / "out")
    assert "ApiKey" not in manifest.nodes
    assert not (tmp_path / "out" / "nodes" / "ApiKey.jsonl").exists()
    assert "secret hash" not in "".join(p.read_text() for p in (tmp_path / "out").rglob("*") if p.is_file())


async def test_an_archive_without_donation_totals_gets_them_rebuilt(server: EmbeddedServer, tmp_path: Path) -> None:
    from graph_model.mutations.donations import record_donation
    from tests.builders import build_world

    async with fresh_store(server) as source, fresh_store(server) as target:
        await build_world(source)
        await record_donation(source, donor="donor-1", amount=2_500_000, date="2025-03-01", institution="inst-a")
        await export(source, tmp_path / "out")
        manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
        assert manifest["nodes"].pop("DonationTotal") > 0
        for ext in ("jsonl", "csv"):
            del manifest["files"][f"nodes/DonationTotal.{ext}"]
            (tmp_path / "out" / "nodes" / f"DonationTotal.{ext}").unlink()
        (tmp_path / "out" / MANIFEST).write_text(json.dumps(manifest))

        await restore(target, tmp_path / "out")

        assert await contents(target) == await contents(source)  # the rebuilt cells are the source's
        assert await totals_agree(target)
