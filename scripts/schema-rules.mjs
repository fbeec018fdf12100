// Writes the known rule ids (built-in, comprehension-note and suppression rules) into
// schemas/policy.schema.json under rules.properties, so editors complete them with their summaries.
// Run after adding a rule: `node scripts/build.mjs && node scripts/schema-rules.mjs`
// (test/unit/rules/all-rules.test.ts fails when the schema misses a rule).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const { BUILTIN_RULES } = require(join(root, 'out/src/core/rules/index.js'));
const { NOTE_RULE_RATIONALE } = require(join(root, 'out/src/core/notes/diagnostics.js'));
const { MUTATION_RULE_RATIONALE } = require(join(root, 'out/src/core/mutate/findings.js'));
const suppressionSummaries = {
  'comprehension/suppression-reason': 'A comprehension-ignore comment without a reason',
  'comprehension/suppression-unknown-rule': 'A comprehension-ignore comment naming no rule or an unknown one',
  'comprehension/suppression-unused': 'A comprehension-ignore comment that silenced nothing',
  'comprehension/suppression-unreviewed': 'A comprehension-ignore comment written in an AI block no note explains yet, which suppresses nothing',
};
const path = join(root, 'schemas/policy.schema.json');
const schema = JSON.parse(readFileSync(path, 'utf8'));
const rules = schema.properties.rules;
const entry = (summary, severity) => ({ $ref: '#/properties/rules/additionalProperties', description: `${summary} (default: ${severity}).`, markdownDescription: `${summary} (default: \`${severity}\`).` });
rules.properties = Object.fromEntries([
  ...BUILTIN_RULES.map((rule) => [rule.id, entry(rule.summary, rule.defaultSeverity)]),
  ...Object.entries(NOTE_RULE_RATIONALE).map(([id, rule]) => [id, entry(rule.summary, 'from the policy level')]),
  ...Object.entries(MUTATION_RULE_RATIONALE).map(([id, rule]) => [id, entry(rule.summary, 'warning')]),
  ...Object.entries(suppressionSummaries).map(([id, summary]) => [id, entry(summary, id.endsWith('unused') ? 'info' : 'warning')]),
]);
rules.markdownDescription = rules.markdownDescription.replace('reliability/timeout: { severity: warning, options: { maxMs: 30000 } }', 'reliability/missing-timeout: { severity: error, options: { defaultTimeoutMs: 5000 } }');
writeFileSync(path, `${JSON.stringify(schema, null, 2)}\n`);
console.log(`schema: ${Object.keys(rules.properties).length} rule ids`);
