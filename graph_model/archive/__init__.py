"""Whole-graph archives: `hub export DIR`, `hub restore DIR|FILE`, `hub backup FILE`.

An archive is a folder (or a tar file of one) holding, per label and per relationship type, a JSON
Lines file (what a restore reads: types survive) and a CSV file (for analysts), with
``manifest.json``: counts, graph version, schema version and the sha256 of every file.

- ``vocabulary``: which labels, types and properties an archive may hold (the model's, nothing else);
- ``manifest``: the manifest, and reading an archive from a folder or a tar file with its checksums;
- ``export``: paged reads into the files; ``snapshot``: a frozen copy of a live FalkorDB graph;
- ``restore``: checks everything, then batched writes into an empty store;
- ``backup``: an export packed into one tar file, moved into place when whole.
"""
