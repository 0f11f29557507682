import { readFileSync } from 'node:fs';
import { lintCypherQuery } from '@neo4j-cypher/language-support';
const req = JSON.parse(readFileSync('/tmp/lintreq.json','utf8'));
const base = {...req.schema, functions: {'CYPHER 5': {}, 'CYPHER 25': {}}, procedures: {}};
for (const f of req.functions) { const e = {name:f, category:'', description:'', isBuiltIn:true, argumentDescription:[], returnDescription:'', signature:'', aggregating:false, isDeprecated:false}; base.functions['CYPHER 5'][f]=e; base.functions['CYPHER 25'][f]=e; }
for (let pass = 0; pass < 3; pass++) for (const v of ['CYPHER 5','CYPHER 25']) {
  const t = performance.now();
  for (const s of req.statements) lintCypherQuery(s.text, {...base, parameters: Object.fromEntries(s.params.map(p=>[p,{}])), defaultLanguage: v}, {consoleCommandsEnabled:false});
  console.log(pass, v, (performance.now()-t).toFixed(0));
}
