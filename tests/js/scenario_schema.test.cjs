// Validates scenario documents against assets/scenarios/scenario.schema.json with Ajv (JSON Schema draft-07):
// every built-in scenario and every extra file given must pass; every case in the invalid list marked
// "schema": true must fail. Exit 0 when all hold, 1 otherwise (one line per problem).
// usage: node scenario_schema.test.cjs SCHEMA SCENARIO_DIR INVALID_CASES [EXTRA_VALID_FILE...]
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');

const [schemaPath, scenarioDir, invalidPath, ...extra] = process.argv.slice(2);
if (!schemaPath || !scenarioDir || !invalidPath) {
  console.error('usage: node scenario_schema.test.cjs SCHEMA SCENARIO_DIR INVALID_CASES [FILE...]');
  process.exit(2);
}
const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const ajv = new Ajv({allErrors: true, strict: true, allowUnionTypes: true});
const validate = ajv.compile(readJson(schemaPath));
let failures = 0;
let checked = 0;

const valid = fs.readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
  .map((f) => path.join(scenarioDir, f))
  .concat(extra);
if (valid.length < 5) {
  console.error(`expected the built-in scenarios in ${scenarioDir}, found ${valid.length} files`);
  failures++;
}
for (const file of valid) {
  checked++;
  if (!validate(readJson(file))) {
    failures++;
    console.error(`${file}: rejected by the schema: ${ajv.errorsText(validate.errors)}`);
  }
}
const invalid = readJson(invalidPath).cases;
for (const c of invalid) {
  if (!c.schema) continue;
  checked++;
  if (validate(c.doc)) {
    failures++;
    console.error(`invalid case "${c.what}" passed the schema`);
  }
}
console.log(`${checked} documents checked, ${failures} problems`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
