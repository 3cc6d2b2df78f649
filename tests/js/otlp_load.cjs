// A load generator for an OTLP/HTTP receiver (the app with --listen, or `tracelab receive`): SENDERS keep-alive
// connections each POST 1000-span OTLP/JSON requests (the JS exporter's encoding: hex ids, int64 as strings)
// back to back for SECONDS, then print the spans the receiver accepted per second. It waits for the receiver to
// answer its first request before the clock starts (so it can be started first), and SIGINT/SIGTERM end it early
// with the same summary.
//   node otlp_load.cjs URL [SECONDS=10] [SENDERS=4]      e.g. http://127.0.0.1:4318/v1/traces
'use strict';

const http = require('http');

const url = new URL(process.argv[2] || 'http://127.0.0.1:4318/v1/traces');
const seconds = Number(process.argv[3] || 10);
const senders = Number(process.argv[4] || 4);
const kSpans = 1000;

const hex = (n, width) => n.toString(16).padStart(width, '0');

// One request: 1000 spans of one service in 50 traces of 20 spans, five attributes each: an HTTP server span
// (GET /checkout) and 19 database client spans under it. The first eight hex digits of every trace and span id
// are left zero here and written per request by next_body(), so no two requests share an id.
function template() {
  const start = BigInt(Date.now()) * 1000000n;
  const spans = [];
  for (let i = 0; i < kSpans; ++i) {
    const root = i % 20 === 0;
    const at = start + BigInt(i % 20) * 1000000n;
    const table = `items${i % 7}`;
    spans.push({
      traceId: hex(Math.floor(i / 20) + 1, 32),
      spanId: hex(i + 1, 16),
      parentSpanId: root ? '' : hex(i - (i % 20) + 1, 16),
      name: root ? 'GET /checkout' : `SELECT ${table}`,
      kind: root ? 2 : 3,  // SERVER, CLIENT
      startTimeUnixNano: String(at),
      endTimeUnixNano: String(at + (root ? 19500000n : 500000n)),
      attributes: root ? [
        { key: 'http.request.method', value: { stringValue: 'GET' } },
        { key: 'http.route', value: { stringValue: '/checkout' } },
        { key: 'url.path', value: { stringValue: '/checkout' } },
        { key: 'url.scheme', value: { stringValue: 'http' } },
        { key: 'http.response.status_code', value: { intValue: '200' } },
      ] : [
        { key: 'db.system.name', value: { stringValue: 'postgresql' } },
        { key: 'db.operation.name', value: { stringValue: 'SELECT' } },
        { key: 'db.collection.name', value: { stringValue: table } },
        { key: 'server.address', value: { stringValue: 'orders-db' } },
        { key: 'server.port', value: { intValue: '5432' } },
      ],
      status: {},
    });
  }
  return Buffer.from(JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'load' } }] },
      scopeSpans: [{ scope: { name: 'otlp_load' }, spans }],
    }],
  }));
}

const tpl = template();
// Where each non-empty id's text starts in the template.
const idOffsets = [];
for (const key of ['"traceId":"', '"spanId":"', '"parentSpanId":"']) {
  for (let at = tpl.indexOf(key); at >= 0; at = tpl.indexOf(key, at + 1)) {
    const v = at + key.length;
    if (tpl[v] !== 0x22) idOffsets.push(v);
  }
}
let requests = 0;
// The template with this request's number in the first eight hex digits of every id.
function next_body() {
  const buf = Buffer.from(tpl);
  const tag = hex(++requests % 0x100000000 || 1, 8);
  for (const at of idOffsets) buf.write(tag, at, 'latin1');
  return buf;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: senders });
let accepted = 0;
let failed = 0;  // answered, but not with 200
let unanswered = 0;  // connection refused or closed (e.g. the receiver has gone)
let deadline = 0;

function post(buf) {
  return new Promise((resolve) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': buf.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end(buf);
  });
}

async function sender() {
  while (Date.now() < deadline) {
    const status = await post(next_body());
    if (status === 200) accepted += kSpans; else if (status === 0) ++unanswered; else ++failed;
  }
}

// Until the receiver answers (it may still be starting), one request every 50 ms; refusals are not counted.
async function first_answer() {
  for (let tries = 0; tries < 600; ++tries) {
    const status = await post(next_body());
    if (status !== 0) return status;
    await new Promise((r) => setTimeout(r, 50));
  }
  return 0;
}

(async () => {
  if (await first_answer() === 0) {
    console.log(`no answer from ${url} within 30 s`);
    process.exit(1);
  }
  const t0 = process.hrtime.bigint();
  deadline = Date.now() + seconds * 1000;
  const report = () => {
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`${accepted} spans in ${s.toFixed(1)} s: ${Math.round(accepted / s)} spans/s, ${failed} failed requests, ${unanswered} unanswered`);
  };
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { report(); process.exit(0); });
  await Promise.all(Array.from({ length: senders }, () => sender()));
  agent.destroy();
  report();
})();
