#!/usr/bin/env node
// bench/js_export.js - P4 with the official JavaScript client (npm
// "workfront-api", installed by `make bench` into bench/node_modules): every
// task with fields=*, 2000 a page in ID order, written to stdout as NDJSON
// (one JSON.stringify line per object, one write per page).
//
//   node js_export.js URL PAGES
'use strict';
const path = require('path');

const API_KEY = 'adminapikey0123456789abcdef0000';
const VERSION = '22.0';
const PAGE = 2000;

function write(text) {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

async function main() {
  const [url, pages] = process.argv.slice(2);
  if (!url || !pages) {
    process.stderr.write('usage: js_export.js URL PAGES\n');
    process.exit(2);
  }
  const Workfront = require(path.join(__dirname, 'node_modules', 'workfront-api'));
  const api = new Workfront.NodeApi({ url, version: VERSION, apiKey: API_KEY });
  for (let p = 0; p < Number(pages); p++) {
    const rows = await api.search('task', { '$$FIRST': p * PAGE, '$$LIMIT': PAGE, ID_Sort: 'asc' }, '*');
    if (!rows.length) break;
    await write(rows.map((o) => JSON.stringify(o)).join('\n') + '\n');
    if (rows.length < PAGE) break;
  }
}

main().catch((e) => {
  process.stderr.write('js_export: ' + (e && (e.stack || e.message || JSON.stringify(e))) + '\n');
  process.exit(1);
});
