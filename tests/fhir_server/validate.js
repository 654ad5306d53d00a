// Usage: node validate.js FILE... (NDJSON or a Bundle .json). Prints one JSON line per problem
// {file, line, resourceType, id, issue} and a summary line; exit 1 when any error was found.
'use strict';
const fs = require('fs');
const { checkResource } = require('./checks');

let checked = 0;
let errors = 0;
function report(file, line, res) {
  checked += 1;
  for (const issue of checkResource(res)) {
    errors += 1;
    console.log(JSON.stringify({ file, line, resourceType: res.resourceType, id: res.id, issue }));
  }
}
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.ndjson')) {
    text.split('\n').forEach((l, i) => { if (l.trim()) report(file, i + 1, JSON.parse(l)); });
  } else {
    const doc = JSON.parse(text);
    report(file, 0, doc);
    if (doc.resourceType === 'Bundle') (doc.entry || []).forEach((e, i) => report(file, i + 1, e.resource));
  }
}
console.log(JSON.stringify({ summary: { checked, errors } }));
process.exit(errors ? 1 : 0);
