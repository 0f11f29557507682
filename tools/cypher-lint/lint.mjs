// Lints Cypher statements with Neo4j's own front end (@neo4j-cypher/language-support).
//
// Neo4j cannot run where the tests do, so this is how every statement the hub sends to
// Neo4j gets checked: syntax, semantic analysis (Neo4j's parser and semantic checker
// compiled to JavaScript), undeclared parameters and functions Neo4j does not have.
//
// stdin, one JSON document:
//   {"schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]},
//    "functions": ["count", ...],          // Neo4j built-in functions the statements may call
//    "procedures": ["db.labels", ...],     // optional, default none
//    "statements": [{"name": "...", "text": "...", "params": ["rows", ...]}, ...]}
// "functions" (and "procedures") may instead map a Cypher version to its names:
//   {"CYPHER 5": [...], "CYPHER 25": [...]}.
//
// stdout, one JSON document:
//   {"linter": "@neo4j-cypher/language-support@<version>",
//    "cypherVersions": ["CYPHER 5", "CYPHER 25"],
//    "notInCatalogue": {"CYPHER 5": {"functions": [...], "procedures": [...]}, ...},
//    "results": [{"name": "...", "diagnostics": [
//        {"cypherVersion": "CYPHER 5", "severity": 1, "message": "...",
//         "offsets": {"start": 0, "end": 5}, "range": {...}, "excerpt": "MATCH"}]}]}
// severity is LSP's: 1 error, 2 warning. Every diagnostic is reported, warnings included.
// Each statement is linted once per Cypher version the package knows (as the default
// language, so a statement's own "CYPHER n" prefix still wins); given a spare core, the
// versions run in parallel, in worker threads.
//
// "notInCatalogue" lists the allowed names that the package's recorded Neo4j catalogue
// (SHOW FUNCTIONS / SHOW PROCEDURES output it ships as test data) does not know as
// built-ins. Such names are still allowed, but with a placeholder that takes no
// arguments (the semantic analysis reads a function's arity from its catalogue entry), so
// pass only catalogue names unless that is what you want.
//
// Exit status: 0 when the statements were linted (whatever the diagnostics), 2 otherwise.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as languageSupport from '@neo4j-cypher/language-support';

const { lintCypherQuery, parseStatementsStrs, allCypherVersions } = languageSupport;

const ERROR = 1;

function fail(message) {
  process.stderr.write(`cypher-lint: ${message}\n`);
  process.exit(2);
}

function linterVersion() {
  try {
    const url = new URL('./node_modules/@neo4j-cypher/language-support/package.json', import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

const isStringArray = (value) =>
  Array.isArray(value) && value.every((v) => typeof v === 'string');

/** Names per Cypher version, from either a plain list or a {version: list} map. */
function namesByVersion(value, what, versions) {
  if (value === undefined) return Object.fromEntries(versions.map((v) => [v, []]));
  if (isStringArray(value)) return Object.fromEntries(versions.map((v) => [v, value]));
  if (value && typeof value === 'object') {
    for (const [version, names] of Object.entries(value)) {
      if (!versions.includes(version)) fail(`${what}: unknown Cypher version ${JSON.stringify(version)}`);
      if (!isStringArray(names)) fail(`${what}[${JSON.stringify(version)}] must be a list of names`);
    }
    return Object.fromEntries(versions.map((v) => [v, value[v] ?? []]));
  }
  return fail(`${what} must be a list of names or a map from Cypher version to names`);
}

// The catalogue of a real Neo4j's functions and procedures that the package ships (as its
// test data). Used for real metadata and signatures, and to tell which names Neo4j has.
const catalogue = languageSupport.testData?.mockSchema ?? {};

function placeholderFunction(name) {
  return {
    name,
    category: '',
    description: '',
    isBuiltIn: true,
    argumentDescription: [],
    returnDescription: 'ANY',
    signature: `${name}() :: ANY`,
    aggregating: false,
    isDeprecated: false,
  };
}

function placeholderProcedure(name) {
  return {
    name,
    description: '',
    mode: 'READ',
    worksOnSystem: false,
    argumentDescription: [],
    returnDescription: [],
    signature: `${name}() :: ()`,
    admin: false,
    option: { deprecated: false },
  };
}

function buildRegistries(names, kind, versions) {
  const registries = {};
  const missing = {};
  for (const version of versions) {
    const known = catalogue[kind]?.[version] ?? {};
    registries[version] = {};
    missing[version] = [];
    for (const name of names[version]) {
      const entry = known[name];
      const builtIn = kind === 'functions' ? entry?.isBuiltIn : Boolean(entry);
      if (!builtIn) missing[version].push(name);
      registries[version][name] = builtIn
        ? entry
        : kind === 'functions'
          ? placeholderFunction(name)
          : placeholderProcedure(name);
    }
  }
  return { registries, missing };
}

function diagnostic(text, version, d) {
  const offsets = d.offsets ?? { start: 0, end: text.length };
  return {
    cypherVersion: version,
    severity: d.severity,
    message: d.message,
    offsets,
    range: d.range,
    excerpt: text.slice(offsets.start, offsets.end),
  };
}

function whole(text, version, message) {
  return {
    cypherVersion: version,
    severity: ERROR,
    message,
    offsets: { start: 0, end: text.length },
    excerpt: text,
  };
}

function checkStatements(statements) {
  if (!Array.isArray(statements)) fail('statements must be a list');
  for (const s of statements) {
    if (typeof s?.name !== 'string' || typeof s.text !== 'string' || !isStringArray(s.params ?? [])) {
      fail(`each statement needs a string "name", a string "text" and a list "params": ${JSON.stringify(s)}`);
    }
  }
}

/** Diagnostics of one statement as one Cypher version. */
function lintStatement({ text, params }, base, version) {
  if (text.trim() === '') return [whole(text, version, 'The statement is empty.')];
  const diagnostics = [];
  try {
    const statements = parseStatementsStrs(text);
    if (statements.length > 1) {
      diagnostics.push(whole(text, version,
        `The text holds ${statements.length} statements; a driver runs exactly one.`));
    }
    const parameters = Object.fromEntries((params ?? []).map((p) => [p, {}]));
    const { diagnostics: found } = lintCypherQuery(
      text,
      { ...base, parameters, defaultLanguage: version },
      { consoleCommandsEnabled: false },
    );
    for (const d of found) diagnostics.push(diagnostic(text, version, d));
  } catch (error) {
    diagnostics.push(whole(text, version, `The linter failed on this statement: ${error?.stack ?? error}`));
  }
  return diagnostics;
}

// Same schema object for every statement: the semantic analysis re-registers functions
// and procedures only when they change.
const lintAll = ({ statements, base, version }) =>
  statements.map((statement) => lintStatement(statement, base, version));

/** Lint as every version; with spare cores, the other versions run in worker threads. */
async function lintVersions(statements, base, versions) {
  const parallel = availableParallelism() > 1;
  const [first, ...others] = versions;
  const pending = others.map((version) => {
    const job = { statements, base, version };
    if (!parallel) return lintAll(job);
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: job });
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the ${version} worker exited with ${code}`)));
    });
  });
  const mine = lintAll({ statements, base, version: first });
  return [mine, ...(await Promise.all(pending))];
}

async function main() {
  let input;
  try {
    input = JSON.parse(readFileSync(0, 'utf8'));
  } catch (error) {
    fail(`stdin is not one JSON document: ${error.message}`);
  }
  const schema = input?.schema ?? {};
  for (const key of ['labels', 'relationshipTypes', 'propertyKeys']) {
    if (!isStringArray(schema[key])) fail(`schema.${key} must be a list of names`);
  }
  checkStatements(input.statements);

  const versions = [...allCypherVersions];
  const functions = buildRegistries(namesByVersion(input.functions, 'functions', versions), 'functions', versions);
  const procedures = buildRegistries(namesByVersion(input.procedures, 'procedures', versions), 'procedures', versions);
  const base = {
    labels: schema.labels,
    relationshipTypes: schema.relationshipTypes,
    propertyKeys: schema.propertyKeys,
    functions: functions.registries,
    procedures: procedures.registries,
  };

  const byVersion = await lintVersions(input.statements, base, versions);
  const results = input.statements.map((s, i) => ({
    name: s.name,
    diagnostics: byVersion.flatMap((diagnostics) => diagnostics[i]),
  }));
  const notInCatalogue = Object.fromEntries(versions.map((v) => [v, {
    functions: functions.missing[v],
    procedures: procedures.missing[v],
  }]));
  process.stdout.write(JSON.stringify({
    linter: `@neo4j-cypher/language-support@${linterVersion()}`,
    cypherVersions: versions,
    notInCatalogue,
    results,
  }));
}

if (isMainThread) {
  main().catch((error) => fail(error?.stack ?? String(error)));
} else {
  parentPort.postMessage(lintAll(workerData));
}
