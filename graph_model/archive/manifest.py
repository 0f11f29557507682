"""The manifest of an archive, and reading an archive (a folder or a tar file) with its checksums.

The manifest names every file with its sha256; a restore checks them all, and the manifest's own
shape, before it writes anything. File names are never trusted: each entry must be exactly the name
the vocabulary gives its label or type (``nodes/Donor.jsonl``), so a manifest cannot point a restore
at another path.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graph_model.archive import vocabulary
from graph_model.errors import FieldError, ValidationFailed

FORMAT = "participation-hub-archive/1"
MANIFEST = "manifest.json"
CHUNK = 1 << 20


def node_file(label: str, ext: str) -> str:
    return f"nodes/{label}.{ext}"


def rel_file(rel: str, ext: str) -> str:
    return f"rels/{rel}.{ext}"


@dataclass
class Manifest:
    created: str
    hub_version: str
    schema_version: str
    graph_version: dict[str, Any]  # the HubMeta node's properties but its key (graph_model.version)
    with_meta: bool
    nodes: dict[str, int] = field(default_factory=dict)  # rows per label
    rels: dict[str, int] = field(default_factory=dict)  # rows per relationship type
    files: dict[str, str] = field(default_factory=dict)  # name -> sha256
    format: str = FORMAT

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        try:
            raw = json.loads(text)
            manifest = cls(**raw)
        except (ValueError, TypeError) as exc:
            raise ValidationFailed(f"{MANIFEST} is not a manifest this hub writes: {exc}") from exc
        manifest._check()
        return manifest

    def _check(self) -> None:
        """The manifest names only what the model knows, with the file names the vocabulary gives."""
        errors: list[FieldError] = []
        if self.format != FORMAT:
            errors.append(FieldError("format", f"{self.format!r} is not {FORMAT!r}"))
        expected: set[str] = set()
        for name, count in self.nodes.items():
            label = vocabulary.entity_named(name)
            if label is None or (not self.with_meta and label not in vocabulary.labels(False)):
                errors.append(FieldError(f"nodes.{name}", "is not a label of the model"))
            if not isinstance(count, int) or count < 0:
                errors.append(FieldError(f"nodes.{name}", "count must be a whole number"))
            expected |= {node_file(name, "jsonl"), node_file(name, "csv")}
        for name, count in self.rels.items():
            if vocabulary.rel_named(name) is None:
                errors.append(FieldError(f"rels.{name}", "is not a relationship type of the model"))
            if not isinstance(count, int) or count < 0:
                errors.append(FieldError(f"rels.{name}", "count must be a whole number"))
            expected |= {rel_file(name, "jsonl"), rel_file(name, "csv")}
        if set(self.files) != expected:
            odd = sorted(set(self.files) ^ expected)
            errors.append(FieldError("files", f"do not match the labels and types listed: {odd[:5]}"))
        unknown = set(self.graph_version) - set(vocabulary.VERSION_PROPERTIES)
        if unknown:
            errors.append(FieldError("graph_version", f"unknown properties {sorted(unknown)}"))
        if errors:
            raise ValidationFailed("the archive's manifest is not valid; nothing was written", errors)


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


class Archive:
    """An archive to read: a folder, or a tar file (optionally compressed) of one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            raise ValidationFailed(f"{path} does not exist")
        self._tar = tarfile.open(path) if path.is_file() else None  # noqa: SIM115 - closed by close()

    def open(self, name: str) -> IO[bytes]:
        if self._tar is None:
            try:
                return (self.path / name).open("rb")
            except OSError as exc:
                raise ValidationFailed(f"the archive has no file {name}: {exc.strerror}") from exc
        try:
            member = self._tar.getmember(name)
            stream = self._tar.extractfile(member) if member.isfile() else None
        except KeyError:
            stream = None
        if stream is None:
            raise ValidationFailed(f"the archive has no file {name}")
        return stream

    def manifest(self) -> Manifest:
        with self.open(MANIFEST) as f:
            return Manifest.from_json(f.read().decode("utf-8"))

    def verify(self, manifest: Manifest) -> None:
        """Every file's sha256 is the manifest's: a changed or truncated file refuses the archive."""
        bad = []
        for name, digest in sorted(manifest.files.items()):
            with self.open(name) as f:
                if sha256_of(f) != digest:
                    bad.append(FieldError(name, "its sha256 is not the one in the manifest (changed or damaged)"))
        if bad:
            raise ValidationFailed("the archive's files do not match its manifest; nothing was written", bad)

    def rows(self, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line number, row) of a JSON Lines file, one line at a time."""
        with self.open(name) as f:
            for number, line in enumerate(f, 1):
                try:
                    row = json.loads(line)
                except ValueError as exc:
                    raise ValidationFailed(f"{name} line {number} is not JSON: {exc}") from exc
                if not isinstance(row, dict):
                    raise ValidationFailed(f"{name} line {number} is not a JSON object")
                yield number, row

    def close(self) -> None:
        if self._tar is not None:
            self._tar.close()
