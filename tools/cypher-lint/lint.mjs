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
//    "statements": [{"name": "...", "text": "...", "params": ["rows", ...]}, ...],
//    "workers": 2,                         // optional, default one per core
//    "javaAssertions": false}              // optional, see "Cost" below
// "functions" (and "procedures") may instead map a Cypher version to its names:
//   {"CYPHER 5": [...], "CYPHER 25": [...]}.
//
// stdout, one JSON document:
//   {"linter": "@neo4j-cypher/language-support@<version>",
//    "cypherVersions": ["CYPHER 5", "CYPHER 25"],
//    "notInCatalogue": {"CYPHER 5": {"functions": [...], "procedures": [...]}, ...},
//    "run": {"statements": 394, "distinct": 391, "workers": 2, "javaAssertions": false,
//            "sharedParse": true, "wallMs": 51234, "lintMs": 98765},
//    "results": [{"name": "...", "ms": 212, "diagnostics": [
//        {"cypherVersion": "CYPHER 5", "severity": 1, "message": "...",
//         "offsets": {"start": 0, "end": 5}, "range": {...}, "excerpt": "MATCH"}]}]}
// severity is LSP's: 1 error, 2 warning. Every diagnostic is reported, warnings included.
// Each statement is linted once per Cypher version the package knows (as the default
// language, so a statement's own "CYPHER n" prefix still wins).
//
// "ms" is the time spent linting that statement's text (all versions; shared by the names
// with the same text and parameters), "lintMs" their sum over the distinct texts.
//
// Cost: nearly all of it is the package's semantic analysis, Neo4j's Java front end (its
// whole parsing pipeline: parse, rewritings, semantic analysis more than once) compiled to
// JavaScript by TeaVM: about 25 ms for `RETURN 1`, 20 ms or so more per clause, seconds for
// the hub's longest statements (3,000 characters), per Cypher version; the JavaScript parse
// is a few percent. So:
// - each distinct text (with its parameters) is linted once, whatever the number of names;
// - its JavaScript parse is shared by the Cypher versions;
// - the statements are spread over worker threads (one per core, the main thread being one
//   of them) that take the next statement, longest first, from a shared counter;
// - the compiled Java runs with its assertions off, as Neo4j itself runs (a JVM without
//   -ea): TeaVM compiled them switched on, and they cost about a third of the CPU time
//   (mostly Neo4j's check of every pipeline phase's post-conditions). The package's
//   CommonJS build is read and compiled here with each class's `$assertionsDisabled` set
//   at class initialisation; the files on disk are not changed. This changed no
//   diagnostic (the hub's statements, the negative controls and two dozen other faulty
//   statements gave the same ones either way); and with assertions on, a failing
//   assertion is swallowed by the package: that statement's semantic analysis reports
//   nothing. "javaAssertions": true loads the package unchanged; so does a package in
//   which the switch is not found ("run" says which happened).
//
// "notInCatalogue" lists the allowed names that the package's recorded Neo4j catalogue
// (SHOW FUNCTIONS / SHOW PROCEDURES output it ships as test data) does not know as
// built-ins. Such names are still allowed, but with a placeholder that takes no
// arguments (the semantic analysis reads a function's arity from its catalogue entry), so
// pass only catalogue names unless that is what you want.
//
// Written for the API of the version package.json pins (2.0.0-next.20, the newest whose
// engines admit Node 20): its ESM build cannot be imported by node (extensionless
// relative imports), so the CommonJS build is loaded; Cypher 25 is behind an internal
// feature flag that only decides which version's function registry the name checks read.
//
// Exit status: 0 when the statements were linted (whatever the diagnostics), 2 otherwise.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { compileFunction } from 'node:vm';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const ERROR = 1;

function fail(message) {
  process.stderr.write(`cypher-lint: ${message}\n`);
  process.exit(2);
}

// javac gives every class with an `assert` a static `$assertionsDisabled`, which TeaVM sets to
// 0 (assertions on) in the class initialiser; Neo4j's AssertionRunner reads its own.
const ASSERTION_SWITCH = /^(\s+[\w$]+_\$assertionsDisabled) = 0;$/gm;
const NEO4J_ASSERTIONS = 'onciu_AssertionRunner_$assertionsDisabled';

/** The package's CommonJS build (its ESM build cannot be imported by node), assertions off if asked. */
function loadPackage(javaAssertions) {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@neo4j-cypher/language-support');
  if (!javaAssertions) {
    const switched = [];
    const source = readFileSync(entry, 'utf8').replace(ASSERTION_SWITCH, (_, field) => {
      switched.push(field.trim());
      return `${field} = 1;`;
    });
    if (switched.includes(NEO4J_ASSERTIONS)) {
      const wrapper = compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'],
        { filename: entry });
      const module = { exports: {} };
      wrapper.call(module.exports, module.exports, createRequire(entry), module, entry, dirname(entry));
      return { module: module.exports, javaAssertions: false };
    }
  }
  return { module: require(entry), javaAssertions: true };
}

let languageSupport;
let loadedWithAssertions;

/** Load the package in this thread; check it has the API this script was written for. */
function init(javaAssertions) {
  ({ module: languageSupport, javaAssertions: loadedWithAssertions } = loadPackage(javaAssertions));
  const { lintCypherQuery, parseStatementsStrs, cypherVersions, _internalFeatureFlags } = languageSupport;
  if (typeof lintCypherQuery !== 'function' || typeof parseStatementsStrs !== 'function'
      || !Array.isArray(cypherVersions)) {
    fail('@neo4j-cypher/language-support does not have the API this script was written for (lintCypherQuery, '
      + 'parseStatementsStrs, cypherVersions): is the version package.json pins installed?');
  }
  if (_internalFeatureFlags && 'cypher25' in _internalFeatureFlags) _internalFeatureFlags.cypher25 = true;
}

// The package parses through a one-entry cache that only a caller can fill: fill it with a
// statement's parse while its versions are linted, so the text is parsed once, not per version.
const sharesParse = () => typeof languageSupport.parserWrapper?.parse === 'function'
  && typeof languageSupport.parserWrapper?.clearCache === 'function';

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
const catalogue = () => languageSupport.testData?.mockSchema ?? {};

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
    const known = catalogue()[kind]?.[version] ?? {};
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

/** Diagnostics of one statement as every Cypher version, from one parse. */
function lintStatement({ text, params }, base, versions) {
  if (text.trim() === '') return versions.map((version) => whole(text, version, 'The statement is empty.'));
  const { lintCypherQuery, parseStatementsStrs, parserWrapper } = languageSupport;
  const shareParse = sharesParse();
  const parameters = Object.fromEntries(params.map((p) => [p, {}]));
  const diagnostics = [];
  try {
    if (shareParse) parserWrapper.parsingResult = parserWrapper.parse(text, false);
    const statements = parseStatementsStrs(text).length;
    for (const version of versions) {
      if (statements > 1) {
        diagnostics.push(whole(text, version,
          `The text holds ${statements} statements; a driver runs exactly one.`));
      }
      const found = lintCypherQuery(text, { ...base, parameters, defaultLanguage: version }, false);
      for (const d of found) diagnostics.push(diagnostic(text, version, d));
    }
  } catch (error) {
    for (const version of versions) {
      diagnostics.push(whole(text, version, `The linter failed on this statement: ${error?.stack ?? error}`));
    }
  } finally {
    if (shareParse) parserWrapper.clearCache();
  }
  return diagnostics;
}

/**
 * Lint the jobs this thread claims from the shared counter, until none is left. The same
 * schema object serves every statement: the semantic analysis registers the functions and
 * procedures again only when they change.
 */
function lintClaimed({ jobs, base, versions, counter }) {
  const next = new Int32Array(counter);
  const done = [];
  for (let i = Atomics.add(next, 0, 1); i < jobs.length; i = Atomics.add(next, 0, 1)) {
    const started = performance.now();
    const diagnostics = lintStatement(jobs[i], base, versions);
    done.push({ i, diagnostics, ms: Math.round(performance.now() - started) });
  }
  return done;
}

function startWorker(job) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`a lint worker thread exited with ${code}`)));
  });
}

function workerCount(requested, jobs) {
  if (requested === undefined) return Math.max(1, Math.min(availableParallelism(), jobs));
  if (!Number.isInteger(requested) || requested < 1) fail('workers must be a positive integer');
  return Math.max(1, Math.min(requested, jobs));
}

async function main() {
  const started = performance.now();
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
  if (input.javaAssertions !== undefined && typeof input.javaAssertions !== 'boolean') {
    fail('javaAssertions must be true or false');
  }
  init(input.javaAssertions ?? false);

  const versions = [...languageSupport.cypherVersions];
  const functions = buildRegistries(namesByVersion(input.functions, 'functions', versions), 'functions', versions);
  const procedures = buildRegistries(namesByVersion(input.procedures, 'procedures', versions), 'procedures', versions);
  const base = {
    labels: schema.labels,
    relationshipTypes: schema.relationshipTypes,
    propertyKeys: schema.propertyKeys,
    functions: functions.registries,
    procedures: procedures.registries,
  };

  // One job per distinct (text, parameters), longest first so the last ones claimed are short.
  const jobOf = new Map();
  const jobIndex = input.statements.map((s) => {
    const params = [...new Set(s.params ?? [])].sort();
    const key = JSON.stringify([s.text, params]);
    if (!jobOf.has(key)) jobOf.set(key, { text: s.text, params });
    return key;
  });
  const jobs = [...jobOf.values()].sort((a, b) => b.text.length - a.text.length);
  const position = new Map(jobs.map((job, i) => [JSON.stringify([job.text, job.params]), i]));

  const workers = workerCount(input.workers, jobs.length);
  const counter = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const shared = { jobs, base, versions, counter, javaAssertions: input.javaAssertions };
  const others = Array.from({ length: workers - 1 }, () => startWorker(shared));
  const claimed = [lintClaimed(shared), ...(await Promise.all(others))];
  const byJob = new Array(jobs.length);
  for (const done of claimed.flat()) byJob[done.i] = done;
  if (byJob.some((done) => done === undefined)) fail('a statement was not linted');

  const results = input.statements.map((s, i) => {
    const { diagnostics, ms } = byJob[position.get(jobIndex[i])];
    return { name: s.name, ms, diagnostics };
  });
  const notInCatalogue = Object.fromEntries(versions.map((v) => [v, {
    functions: functions.missing[v],
    procedures: procedures.missing[v],
  }]));
  process.stdout.write(JSON.stringify({
    linter: `@neo4j-cypher/language-support@${linterVersion()}`,
    cypherVersions: versions,
    notInCatalogue,
    run: {
      statements: input.statements.length,
      distinct: jobs.length,
      workers,
      javaAssertions: loadedWithAssertions,
      sharedParse: sharesParse(),
      wallMs: Math.round(performance.now() - started),
      lintMs: byJob.reduce((sum, done) => sum + done.ms, 0),
    },
    results,
  }));
}

if (isMainThread) {
  main().catch((error) => fail(error?.stack ?? String(error)));
} else {
  init(workerData.javaAssertions ?? false);
  parentPort.postMessage(lintClaimed(workerData));
}
