"""`hub export`, `hub backup` and `hub restore` as a person runs them (in-process, on a data folder):
exit status 0 and a summary line when they work, 1 and one clear line when a restore is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.cli import main as cli


def test_backup_export_and_restore_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HUB_FSYNC", "no")
    assert cli.main(["seed", "--profile", "demo"]) == 0
    capsys.readouterr()
    assert cli.main(["backup", str(tmp_path / "hub.tar.gz")]) == 0
    assert "backed up" in capsys.readouterr().out
    assert cli.main(["export", str(tmp_path / "export")]) == 0
    assert "exported" in capsys.readouterr().out
    assert (tmp_path / "export" / "manifest.json").exists()

    monkeypatch.setenv("HUB_GRAPH", "restored")
    assert cli.main(["restore", str(tmp_path / "hub.tar.gz")]) == 0
    assert "restored" in capsys.readouterr().out
    assert cli.main(["restore", str(tmp_path / "export")]) == 1  # the graph now holds the backup
    assert "is not empty" in capsys.readouterr().err
    assert cli.main(["restore", str(tmp_path / "nowhere")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert cli.main(["export", str(tmp_path / "export")]) == 1  # never over an earlier export
    assert "not empty" in capsys.readouterr().err
