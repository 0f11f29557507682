"""`hub backup` while writes go on: the backup is one point in time (graph_model.archive.snapshot).

A writer keeps creating donors, each followed by a gift from it, while the backup runs over the
`demo` profile. Restored into a fresh store, the backup holds a prefix of that sequence of writes
(no donor without the ones created before it, no gift without its donor), each donor with all its
properties and its relationships, counts as its manifest says, and donation totals that agree with
its gifts."""

from __future__ import annotations

import asyncio
from pathlib import Path

from graph_model import queries
from graph_model.archive.backup import backup
from graph_model.archive.restore import restore
from graph_model.enums import Label
from graph_model.mutations import create_node
from graph_model.mutations.donations import record_donation
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from tests.archive_checks import totals_agree
from tests.builders import DUMP_RELS, build_world

INSTITUTION = "inst-birjand-hazrat-ali-akbar"  # in the demo profile
LIVE = "donor-live-"


def _snapshot_servers() -> list[Path]:
    """Processes whose command line names a snapshot folder (a scratch server left running)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"/.snapshot-" in cmdline.read_bytes():
                found.append(cmdline)
        except OSError:  # ended meanwhile
            pass
    return found


async def _writes(store: FalkorStore) -> list[tuple[str, int]]:
    """The writer's writes the store holds, in the order it made them: ("donor", i), ("gift", i)."""
    rels = await store.read(DUMP_RELS)
    donors = {int(r["start"].removeprefix(LIVE)) for r in rels
              if r["start"].startswith(LIVE) and r["type"] == "BASED_IN"}
    gifts = {int(r["start"].removeprefix(LIVE)) for r in rels
             if r["start"].startswith(LIVE) and r["type"] == "DONATED_TO"}
    return sorted([("donor", i) for i in donors] + [("gift", i) for i in gifts], key=lambda w: (w[1], w[0] == "gift"))


async def test_a_backup_taken_while_donors_are_created_restores_consistently(
        server: EmbeddedServer, tmp_path: Path) -> None:
    from tests.stores import fresh_store

    async with fresh_store(server, "demo") as live, fresh_store(server) as target:
        made: list[tuple[str, int]] = []
        stop = asyncio.Event()

        async def writer() -> None:
            i = 0
            while not stop.is_set():
                key = f"{LIVE}{i:05d}"
                await create_node(live, Label.DONOR, {"key": key, "kind": "INDIVIDUAL", "nameFa": f"نیکوکار {i}",
                                                      "nameEn": f"Live donor {i}", "province": "IR-11"})
                made.append(("donor", i))
                await record_donation(live, donor=key, amount=1_000_000 + i, date="2025-03-01",
                                      institution=INSTITUTION, key=f"gift-live-{i:05d}")
                made.append(("gift", i))
                i += 1

        task = asyncio.ensure_future(writer())
        while len(made) < 3:  # writes are under way before the backup starts
            await asyncio.sleep(0.01)
        folder = Path(await live.server_folder())
        manifest = await backup(live, tmp_path / "hub.tar.gz", with_meta=True)
        # The snapshot's scratch server and its folder are gone, and the server keeps no file of it.
        assert not list(folder.glob(".snapshot-*")) and not (folder / "dump.rdb").exists()
        assert not _snapshot_servers()
        after = len(made)
        while len(made) < after + 3:  # and go on after it
            await asyncio.sleep(0.01)
        stop.set()
        await task

        await restore(target, tmp_path / "hub.tar.gz")  # checks counts and graph version against the manifest
        restored = await _writes(target)
        assert restored == made[:len(restored)], "the backup is not one point in time"
        assert 3 <= len(restored) < len(made)
        assert await queries.node_counts(target) == {k: v for k, v in manifest.nodes.items()
                                                      if k in {label.value for label in Label}}
        # Every restored donor holds what the live store holds for it: properties and relationships.
        keys = [f"{LIVE}{i:05d}" for kind, i in restored if kind == "donor"]
        assert await queries.by_keys(target, Label.DONOR, keys) == await queries.by_keys(live, Label.DONOR, keys)
        live_rels = sorted(repr(r) for r in await live.read(DUMP_RELS) if r["start"] in keys)
        kept = sorted(repr(r) for r in await target.read(DUMP_RELS) if r["start"] in keys)
        last_gift_missing = restored[-1][0] == "donor"
        assert len(kept) == len(live_rels) - (1 if last_gift_missing else 0)
        assert set(kept) <= set(live_rels)
        assert await totals_agree(target)


async def test_backups_at_once_and_during_a_rewrite_of_the_append_only_file(
        server: EmbeddedServer, tmp_path: Path) -> None:
    """Two backups asked at once, while the server rewrites its append-only file (a fork of its
    own, during which redis refuses a plain BGSAVE): each waits its turn and both are whole."""
    from tests.stores import fresh_store

    async with fresh_store(server) as live:
        await build_world(live)
        await live._client.execute_command("BGREWRITEAOF")
        first, second = await asyncio.gather(backup(live, tmp_path / "a.tar"), backup(live, tmp_path / "b.tar"))
        assert first.nodes == second.nodes and first.rels == second.rels
        counts = await queries.node_counts(live)
        assert {k: first.nodes[k] for k in counts} == counts
        assert not list(Path(await live.server_folder()).glob(".snapshot-*")) and not _snapshot_servers()
