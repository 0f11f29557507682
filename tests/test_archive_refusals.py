"""A restore checks everything before it writes: a non-empty store, a changed file, a label or a
property the model does not know, a relationship to a node the archive lacks, are each refused with
a clear message, and the store is left exactly as it was."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from graph_model.archive.export import export
from graph_model.archive.manifest import MANIFEST
from graph_model.archive.restore import restore
from graph_model.cypher import statement
from graph_model.errors import ValidationFailed
from graph_model.stores.embedded import EmbeddedServer
from graph_model.stores.falkordb import FalkorStore
from graph_model.text import search_text
from tests.archive_checks import contents
from tests.builders import build_world
from tests.stores import fresh_store


@pytest.fixture
async def archive(server: EmbeddedServer, tmp_path: Path) -> AsyncIterator[Path]:
    """An export of tests.builders.build_world."""
    async with fresh_store(server) as source:
        await build_world(source)
        await export(source, tmp_path / "world")
    yield tmp_path / "world"


def _rewrite(folder: Path, name: str, text: str) -> None:
    """Change a file and its checksum in the manifest, as a forger would."""
    (folder / name).write_text(text, encoding="utf-8")
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"][name] = hashlib.sha256(text.encode()).hexdigest()
    (folder / MANIFEST).write_text(json.dumps(manifest))


async def _refused(store: FalkorStore, folder: Path, match: str) -> None:
    before = await contents(store)
    with pytest.raises(ValidationFailed, match=match):
        await restore(store, folder)
    assert await contents(store) == before, "a refused restore wrote something"


async def test_a_store_that_is_not_empty_is_refused(small_world: FalkorStore, archive: Path) -> None:
    await _refused(small_world, archive, "not empty")


async def test_a_changed_file_is_refused(store: FalkorStore, archive: Path) -> None:
    donors = archive / "nodes" / "Donor.jsonl"
    donors.write_text(donors.read_text().replace("donor-1", "donor-9"))
    await _refused(store, archive, "do not match its manifest")


async def test_an_unknown_label_is_refused(store: FalkorStore, archive: Path) -> None:
    manifest = json.loads((archive / MANIFEST).read_text())
    manifest["nodes"]["Hacker"] = 1
    for ext in ("jsonl", "csv"):
        (archive / "nodes" / f"Hacker.{ext}").write_text('{"key": "h", "props": {}}\n')
        manifest["files"][f"nodes/Hacker.{ext}"] = hashlib.sha256(b'{"key": "h", "props": {}}\n').hexdigest()
    (archive / MANIFEST).write_text(json.dumps(manifest))
    await _refused(store, archive, "manifest is not valid")


async def test_a_file_name_outside_the_vocabulary_is_refused(store: FalkorStore, archive: Path) -> None:
    manifest = json.loads((archive / MANIFEST).read_text())
    manifest["files"]["../../etc/passwd"] = "0" * 64
    (archive / MANIFEST).write_text(json.dumps(manifest))
    await _refused(store, archive, "manifest is not valid")


async def test_an_unknown_property_is_refused(store: FalkorStore, archive: Path) -> None:
    name = "nodes/Donor.jsonl"
    rows = [json.loads(line) for line in (archive / name).read_text().splitlines()]
    rows[0]["props"]["isAdmin"] = "yes"
    _rewrite(archive, name, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    await _refused(store, archive, "invalid rows")


async def test_a_relationship_to_a_missing_node_is_refused(store: FalkorStore, archive: Path) -> None:
    name = "rels/LOCATED_IN.jsonl"
    rows = [json.loads(line) for line in (archive / name).read_text().splitlines()]
    assert rows, "the world holds institutions in counties"
    rows[0]["end"] = "IR-99-9999"
    _rewrite(archive, name, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    await _refused(store, archive, "invalid rows")


async def test_the_untouched_archive_restores(store: FalkorStore, archive: Path) -> None:
    """The refusals above are of what each test changed, not of the archive itself."""
    await restore(store, archive)
    assert (await contents(store))[0]


async def test_a_search_text_is_made_again_from_the_names_not_read_from_the_file(store: FalkorStore,
                                                                                 archive: Path) -> None:
    """Not a refusal: a name edited by hand (its checksum made again) is restored with the search text
    of its new name, whatever search text the file holds; name search and the data-quality report's
    duplicate checks read it."""
    name = "nodes/Donor.jsonl"
    rows = [json.loads(line) for line in (archive / name).read_text().splitlines()]
    first = rows[0]
    assert first["props"].get("searchText"), "an export holds the search text"
    first["props"].update(nameFa="نام تازه‌ي ۱۲", nameEn="A New  Name", searchText="stale | forged")
    _rewrite(archive, name, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    await restore(store, archive)
    found = await store.read(statement("test_restored_search_text",
                                       "MATCH (d:Donor) WHERE d.key = $key RETURN d.searchText AS text",
                                       register=False), key=first["key"])
    assert found == [{"text": search_text("نام تازه‌ي ۱۲", "A New  Name")}] == [{"text": "نام تازهی 12 | a new name"}]
