// Records what the checked-in build was made from: the sha256 of every source file of web/ (all but
// node_modules/ and the generated src/gql/). tests/test_web_build.py recomputes it and fails when a
// source changed without `npm run build`. Keep the rule in step with SKIPPED there.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const root = import.meta.dirname;
const skipped = new Set(["node_modules", join("src", "gql")]);

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skipped.has(relative(root, path))) continue;
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield relative(root, path).split(sep).join("/");
  }
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const sources = Object.fromEntries(
  [...files(root)].sort().map((path) => [path, sha256(readFileSync(join(root, path)))]),
);
const listing = Object.entries(sources).map(([path, hash]) => `${hash}  ${path}\n`).join("");
const manifest = { sha256: sha256(listing), sources };
writeFileSync(join(root, "..", "hub", "static", "app", "build.json"), `${JSON.stringify(manifest, null, 2)}\n`);
