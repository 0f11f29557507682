"""The web app type-checks against the checked-in schema.graphql: a schema change that breaks the app
fails here, not only in ``npm run build``.

The check is the build's first two steps, run on a copy of web/'s sources in a temporary folder (its
node_modules a link to web/node_modules, schema.graphql beside it as ../schema.graphql): the typed
documents generated from the schema (graphql-codegen, which also validates every query against it),
then ``tsc --noEmit``. The working tree's generated web/src/gql is never written. To prove the check
can fail, the same copy is checked against two broken schemas: ``CoverageArea.unmetShare`` removed
(a field the app queries: codegen refuses the query, naming it) and made nullable (the queries stay
valid but the code that formats it no longer type-checks: tsc names the lines).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parent.parent / "web"
BIN = WEB / "node_modules" / ".bin"
INSTALL = "npm ci --prefix web --no-audit --no-fund --loglevel=error"
UNMET_SHARE = '  """shortfall / target, a share from 0 to 1, 4 decimals."""\n  unmetShare: Float!\n'
# codegen.ts keeps the build quiet (`silent`), which also hides why a document failed: the check prints it.
LOUD_CODEGEN = 'import config from "./codegen";\n\nexport default { ...config, silent: false };\n'


def copy_of_web(to: Path, schema: str) -> Path:
    """web/'s sources (not node_modules, not the generated src/gql) under ``to``/web, with ``schema`` as
    ``to``/schema.graphql (codegen.ts reads ../schema.graphql)."""
    for tool in ("graphql-codegen", "tsc"):
        if not (BIN / tool).exists():
            pytest.fail(f"{BIN / tool} is missing: {INSTALL}")
    copy = to / "web"
    skipped = {WEB / "node_modules", WEB / "src" / "gql"}  # as web/manifest.mjs skips them
    shutil.copytree(WEB, copy, ignore=lambda folder, names: [n for n in names if Path(folder) / n in skipped])
    (copy / "node_modules").symlink_to(WEB / "node_modules", target_is_directory=True)
    (copy / "codegen.loud.ts").write_text(LOUD_CODEGEN)
    (to / "schema.graphql").write_text(schema)
    return copy


async def type_check(web: Path) -> tuple[bool, str]:
    """Codegen then ``tsc --noEmit`` in ``web``: whether both passed, and what the failing one said.
    (A subprocess of the event loop, so that two checks can run at once.)"""
    for tool, *arguments in (("graphql-codegen", "--config", "codegen.loud.ts"),
                             ("tsc", "--noEmit", "--pretty", "false")):
        running = await asyncio.create_subprocess_exec(BIN / tool, *arguments, cwd=web, stdout=asyncio.subprocess.PIPE,
                                                       stderr=asyncio.subprocess.STDOUT)
        said, _ = await asyncio.wait_for(running.communicate(), timeout=300)
        if running.returncode != 0:
            return False, f"{tool} failed:\n{said.decode()}"
    return True, ""


def generated() -> dict[str, str]:
    """The working tree's web/src/gql files and their sha256 (written only by `npm run build`)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((WEB / "src" / "gql").glob("*"))}


async def test_the_app_type_checks_against_the_checked_in_schema(repo_root: Path, tmp_path: Path) -> None:
    before = generated()
    passed, said = await type_check(copy_of_web(tmp_path, (repo_root / "schema.graphql").read_text()))
    assert passed, said
    assert generated() == before


async def test_a_schema_change_that_breaks_the_app_fails_the_check(repo_root: Path, tmp_path: Path) -> None:
    schema = (repo_root / "schema.graphql").read_text()
    area = schema.index("type CoverageArea {")
    assert schema.index(UNMET_SHARE, area) < schema.index("\n}\n", area)  # the field, in CoverageArea

    removed = schema[:area] + schema[area:].replace(UNMET_SHARE, "", 1)
    nullable = schema[:area] + schema[area:].replace(UNMET_SHARE, UNMET_SHARE.replace("Float!", "Float"), 1)
    web = copy_of_web(tmp_path / "nullable", nullable)
    (removed_passed, removed_said), (passed, said) = await asyncio.gather(  # the two at once
        type_check(copy_of_web(tmp_path / "removed", removed)), type_check(web))

    assert not removed_passed and removed_said.startswith("graphql-codegen failed"), removed_said
    assert 'Cannot query field "unmetShare" on type "CoverageArea"' in removed_said, removed_said

    assert not passed and said.startswith("tsc failed"), said
    errors = re.findall(r"^(src/\w+\.tsx)\((\d+),\d+\): error TS2345: Argument of type 'number \| null'", said, re.M)
    assert errors, said
    for file, line in errors:  # each line tsc names formats the share
        assert "unmetShare" in (web / file).read_text().splitlines()[int(line) - 1], (file, line)
