#!/usr/bin/env node
// bench/js_bench.js - the official JavaScript client (npm "workfront-api",
// installed by `make bench` into bench/node_modules) running the same
// workloads as wf_bench.c and curl_bench.c, with the same command line and
// the same one-line JSON output.
//
//   node js_bench.js p1 URL [CA]          (HTTPS: the driver sets NODE_EXTRA_CA_CERTS=CA)
//   node js_bench.js p2 URL [CA] TASKID
//   node js_bench.js p3 FILE [SECONDS]
'use strict';
const fs = require('fs');
const path = require('path');

const USER = 'admin@test.example';
const PASS = 's3cret-Pa55';
const API_KEY = 'adminapikey0123456789abcdef0000';
const VERSION = '22.0'; // the client builds /attask/api/v22.0 from it
const P1_SEARCHES = 20, P1_PAGE = 2000, P1_PAGES = 5, P2_GETS = 200;

function sums() { return { objects: 0, name_bytes: 0, id_sum: 0 }; }
function take(s, t) {
  const id = typeof t.ID === 'string' ? t.ID : '';
  const name = typeof t.name === 'string' ? t.name : '';
  s.objects++;
  s.name_bytes += Buffer.byteLength(name, 'utf8');
  if (id.length >= 4) s.id_sum += parseInt(id.slice(-4), 16);
}

function loadApi() {
  // bench/node_modules, wherever the script is started from
  const Workfront = require(path.join(__dirname, 'node_modules', 'workfront-api'));
  return Workfront.NodeApi;
}

async function p1(url) {
  const Api = loadApi();
  const api = new Api({ url, version: VERSION });
  const s = sums();
  let maxBody = 0;
  await api.login(USER, PASS);
  for (let i = 0; i < P1_SEARCHES; i++) {
    const rows = await api.search('task', { '$$FIRST': (i % P1_PAGES) * P1_PAGE, '$$LIMIT': P1_PAGE }, '*');
    for (const t of rows) take(s, t);
  }
  const count = await api.count('task', {});
  const report = await api.report('task', { status_GroupBy: true, workRequired_AggFunc: 'sum' });
  await api.logout();
  return Object.assign({ client: 'js', workload: 'p1' }, s,
    { count, report_groups: Object.keys(report).length });
}

async function p2(url, id) {
  const Api = loadApi();
  const api = new Api({ url, version: VERSION, apiKey: API_KEY });
  const s = sums();
  for (let i = 0; i < P2_GETS; i++) take(s, await api.get('task', id));
  return Object.assign({ client: 'js', workload: 'p2' }, s);
}

function cpu() {
  // user + system CPU of the whole process (V8's GC helper threads included:
  // they are part of what JSON.parse costs)
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function p3(file, seconds) {
  // Node's JSON.parse on the same bytes (decoded once to a string up front,
  // as a fetch Response would before JSON.parse), then the same walk.
  // Throughput per CPU second (robust to other load), and per wall second.
  const text = fs.readFileSync(file, 'latin1'); // the server sends pure ASCII
  const len = Buffer.byteLength(text, 'latin1');
  const s = sums();
  let iters = 0, t0 = process.hrtime.bigint(), c0 = cpu(), el, cel;
  do {
    const data = JSON.parse(text).data;
    if (iters === 0) for (const t of data) take(s, t);
    else { const x = sums(); for (const t of data) take(x, t); }
    iters++;
    el = Number(process.hrtime.bigint() - t0) / 1e9;
    cel = cpu() - c0;
  } while (cel < seconds || iters < 5);
  let itersParse = 0, elParse, celParse;
  t0 = process.hrtime.bigint();
  c0 = cpu();
  do {
    const root = JSON.parse(text);
    if (!root.data) throw new Error('no data');
    itersParse++;
    elParse = Number(process.hrtime.bigint() - t0) / 1e9;
    celParse = cpu() - c0;
  } while (celParse < seconds / 2 || itersParse < 5);
  const r = (n, t) => +(len * n / t / 1e6).toFixed(1);
  return Object.assign({ client: 'js', workload: 'p3' }, s, {
    bytes: len, iters, mbps: r(iters, cel), mbps_parse: r(itersParse, celParse),
    mbps_wall: r(iters, el), mbps_parse_wall: r(itersParse, elParse),
  });
}

async function main() {
  const [mode, a1, a2, a3] = process.argv.slice(2);
  let out;
  if (mode === 'p1' && a1) out = await p1(a1);
  else if (mode === 'p2' && a1 && a3) out = await p2(a1, a3);
  else if (mode === 'p3' && a1) out = p3(a1, a2 ? parseFloat(a2) : 1.0);
  else {
    process.stderr.write('usage: js_bench.js p1 URL [CA] | p2 URL CA|"" TASKID | p3 FILE [SECONDS]\n');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
}

main().catch((e) => {
  process.stderr.write('js_bench: ' + (e && (e.stack || e.message || JSON.stringify(e))) + '\n');
  process.exit(1);
});
