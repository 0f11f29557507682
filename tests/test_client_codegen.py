"""The checked-in hub_client is exactly what ariadne-codegen generates from schema.graphql."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def test_regenerating_the_client_changes_nothing(repo_root: Path, tmp_path: Path) -> None:
    for name in ("pyproject.toml", "schema.graphql"):
        shutil.copy(repo_root / name, tmp_path / name)
    shutil.copytree(repo_root / "operations", tmp_path / "operations")
    codegen = Path(sys.executable).with_name("ariadne-codegen")
    done = subprocess.run([str(codegen)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    fresh = {p.relative_to(tmp_path / "hub_client"): p.read_text()
             for p in (tmp_path / "hub_client").rglob("*.py")}
    kept = {p.relative_to(repo_root / "hub_client"): p.read_text()
            for p in (repo_root / "hub_client").rglob("*.py")}
    assert fresh.keys() == kept.keys(), "hub_client files differ: run `ariadne-codegen` and commit"
    stale = sorted(str(name) for name in fresh if fresh[name] != kept[name])
    assert not stale, f"hub_client is stale in {stale}: run `ariadne-codegen` and commit"
