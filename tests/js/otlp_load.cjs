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

// One request: 1000 spans of one service in 50 traces of 20 spans (a root and its children), five attributes each.
function body(round) {
  const start = BigInt(Date.now()) * 1000000n;
  const spans = [];
  for (let i = 0; i < kSpans; ++i) {
    const trace = hex(round * 64 + Math.floor(i / 20) + 1, 32);
    const root = i % 20 === 0;
    spans.push({
      traceId: trace,
      spanId: hex(round * 4096 + i + 1, 16),
      parentSpanId: root ? '' : hex(round * 4096 + (i - (i % 20)) + 1, 16),
      name: root ? 'GET /checkout' : `db.SELECT ${i % 7}`,
      kind: root ? 2 : 3,
      startTimeUnixNano: String(start + BigInt(i % 20) * 1000000n),
      endTimeUnixNano: String(start + BigInt(i % 20) * 1000000n + 500000n),
      attributes: [
        { key: 'http.request.method', value: { stringValue: 'GET' } },
        { key: 'http.route', value: { stringValue: '/checkout' } },
        { key: 'server.address', value: { stringValue: 'orders' } },
        { key: 'server.port', value: { intValue: '8080' } },
        { key: 'http.response.status_code', value: { intValue: '200' } },
      ],
      status: {},
    });
  }
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'load' } }] },
      scopeSpans: [{ scope: { name: 'otlp_load' }, spans }],
    }],
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: senders });
const bodies = Array.from({ length: 16 }, (_, r) => Buffer.from(body(r)));
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

async function sender(k) {
  for (let n = k; Date.now() < deadline; n += senders) {
    const status = await post(bodies[n % bodies.length]);
    if (status === 200) accepted += kSpans; else if (status === 0) ++unanswered; else ++failed;
  }
}

// Until the receiver answers (it may still be starting), one request every 50 ms; refusals are not counted.
async function first_answer() {
  for (let tries = 0; tries < 600; ++tries) {
    const status = await post(bodies[0]);
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
  await Promise.all(Array.from({ length: senders }, (_, k) => sender(k)));
  agent.destroy();
  report();
})();
