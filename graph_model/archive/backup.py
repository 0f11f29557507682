"""`hub backup FILE`: a consistent snapshot of a running store, as one file `hub restore` loads.

It is an export (graph_model.archive.export, which reads a snapshot of the store: one point in
time while `hub serve` keeps writing; graph_model.archive.snapshot) into a scratch folder beside
FILE, packed as a tar (gzip when FILE ends in .gz) and moved into place at the end, so a FILE that
exists is always whole.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from graph_model.archive.export import Progress, export
from graph_model.archive.manifest import MANIFEST, Manifest
from graph_model.errors import ValidationFailed
from graph_model.stores.base import GraphStore


async def backup(store: GraphStore, file: Path, *, with_meta: bool = False, progress: Progress | None = None,
                 totals: Callable[[int], None] | None = None) -> Manifest:
    if file.exists():
        raise ValidationFailed(f"{file} exists: a backup never overwrites a file")
    file.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".hub-backup-", dir=file.parent))
    try:
        folder = scratch / "export"
        manifest = await export(store, folder, with_meta=with_meta, progress=progress, totals=totals)
        part = scratch / "backup.part"
        with tarfile.open(part, "w:gz" if file.name.endswith(".gz") else "w") as tar:
            tar.add(folder / MANIFEST, arcname=MANIFEST)  # first: a reader finds it at once
            for name in sorted(manifest.files):
                tar.add(folder / name, arcname=name)
        os.replace(part, file)
        return manifest
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
