"""The checked-in build of the web app (hub/static/app) is the one its sources make.

``npm run build`` in web/ writes hub/static/app/build.json with the sha256 of every source file
(web/manifest.mjs: all of web/ but node_modules/ and the generated src/gql/). Recomputing it needs
no Node: a source edited, added or removed without a rebuild fails here, naming the files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from hub.http import web_app

SKIPPED = ("node_modules", "src/gql")  # as web/manifest.mjs skips them
REBUILD = "run `npm ci && npm run build` in web/ and commit hub/static/app"


def sources(web: Path) -> dict[str, str]:
    """Each source file of ``web`` (posix path relative to it) and its sha256, in path order."""
    found = {}
    for folder, folders, files in os.walk(web):
        here = Path(folder).relative_to(web)
        folders[:] = [f for f in folders if (here / f).as_posix() not in SKIPPED]  # not walked at all
        for file in files:
            found[(here / file).as_posix()] = hashlib.sha256((Path(folder) / file).read_bytes()).hexdigest()
    return dict(sorted(found.items()))


def test_the_build_is_made_from_the_sources_as_they_are(repo_root: Path) -> None:
    manifest = json.loads((web_app.BUILD / "build.json").read_text())
    now = sources(repo_root / "web")
    recorded: dict[str, str] = manifest["sources"]
    changed = sorted(name for name in now.keys() & recorded.keys() if now[name] != recorded[name])
    assert not changed, f"web sources changed since the build: {changed}: {REBUILD}"
    assert now.keys() == recorded.keys(), (
        f"web sources added {sorted(now.keys() - recorded.keys())}, removed "
        f"{sorted(recorded.keys() - now.keys())} since the build: {REBUILD}")
    listing = "".join(f"{digest}  {name}\n" for name, digest in now.items())
    assert manifest["sha256"] == hashlib.sha256(listing.encode()).hexdigest()
    assert "package-lock.json" in now and "index.html" in now  # the lockfile and the page are counted


def test_the_page_names_only_hashed_files_that_exist() -> None:
    """index.html loads its scripts and styles from /assets/ by content-hashed name (cached a year),
    and each is in the build."""
    page = (web_app.BUILD / "index.html").read_text()
    named = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert named and all(n.startswith(web_app.ASSETS + "/") for n in named), named
    for name in named:
        file = web_app.BUILD / name.removeprefix("/")
        assert file.is_file() and re.search(r"-[A-Za-z0-9_-]{8}\.(js|css|svg)$", file.name), name
