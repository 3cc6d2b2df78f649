// The receiving test with a real client: for each OTLP exporter of the OpenTelemetry JS SDK (http JSON, proto,
// grpc) two Node.js services (two processes, HTTP on loopback) export to `tracelab receive`; the --out file it
// writes on SIGINT must hold one trace with the right parents when the call is instrumented, and two traces
// when the call goes over a bare socket.
//   node otlp_exporters_test.cjs TRACELAB_EXE
'use strict';

const { spawn, fork, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const readline = require('readline');

const tracelab = process.argv[2];
const servicePath = path.join(__dirname, 'two_services.cjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelab-js-'));

const children = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
setTimeout(() => { fail('timed out after 600 s'); process.exit(1); }, 600000).unref();

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exitCode = 1;
}

function startReceiver(out) {
  const child = spawn(tracelab, ['receive', '--http', '127.0.0.1:0', '--grpc', '127.0.0.1:0', '--out', out]);
  children.push(child);
  const lines = [];
  const rl = readline.createInterface({ input: child.stdout });
  const ports = new Promise((resolve, reject) => {
    const found = {};
    rl.on('line', (line) => {
      lines.push(line);
      const m = /^listening: (http|grpc) 127\.0\.0\.1:(\d+)$/.exec(line);
      if (m) found[m[1]] = Number(m[2]);
      if (found.http && found.grpc) resolve(found);
    });
    child.on('exit', () => reject(new Error(`tracelab receive exited early: ${lines.join('\n')}`)));
  });
  child.stderr.on('data', (d) => process.stderr.write(d));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ports, lines, exited };
}

function startService(args) {
  const child = fork(servicePath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  const port = new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  const stopped = new Promise((resolve) => child.on('exit', resolve));
  return { child, port, stop: () => { child.send('stop'); return stopped; } };
}

function get(port, p) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
  });
}

function spansOf(file) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const spans = [];
  for (const rs of doc.resourceSpans || []) {
    const service = (rs.resource.attributes.find((a) => a.key === 'service.name') || {}).value.stringValue;
    for (const ss of rs.scopeSpans || []) for (const s of ss.spans || []) spans.push({ ...s, service });
  }
  return spans;
}

async function scenario(exporter, call) {
  const name = `${exporter}/${call}`;
  const out = path.join(tmp, `${exporter}-${call}.json`);
  const receiver = startReceiver(out);
  const ports = await receiver.ports;
  const endpoint = exporter === 'grpc' ? `http://127.0.0.1:${ports.grpc}` : `http://127.0.0.1:${ports.http}`;
  const payments = startService(['payments', exporter, endpoint]);
  const paymentsPort = await payments.port;
  const frontend = startService(['frontend', exporter, endpoint, call, String(paymentsPort)]);
  await get(await frontend.port, '/checkout');
  await frontend.stop();
  await payments.stop();
  receiver.child.kill('SIGINT');
  const code = await receiver.exited;
  if (code !== 0) return fail(`${name}: tracelab receive exited with ${code}`);
  const last = receiver.lines[receiver.lines.length - 1];
  if (!/^received: \d+ spans, \d+ requests, 0 rejected$/.test(last)) fail(`${name}: last line "${last}"`);

  const spans = spansOf(out);
  const traces = new Map();
  for (const s of spans) traces.set(s.traceId, [...(traces.get(s.traceId) || []), s]);
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const frontServer = spans.find((s) => s.service === 'frontend' && s.kind === 2);
  const payServer = spans.find((s) => s.service === 'payments' && s.kind === 2);
  if (!frontServer || !payServer) return fail(`${name}: missing server spans in ${JSON.stringify(spans)}`);
  if (call === 'http') {
    if (traces.size !== 1) fail(`${name}: expected one trace, found ${traces.size}`);
    const client = spans.find((s) => s.service === 'frontend' && s.kind === 3);
    if (!client) return fail(`${name}: no CLIENT span`);
    if (frontServer.parentSpanId) fail(`${name}: frontend's server span should be the root`);
    if (client.parentSpanId !== frontServer.spanId) fail(`${name}: the CLIENT span's parent is not frontend's server span`);
    if (payServer.parentSpanId !== client.spanId) fail(`${name}: payments' server span's parent is not the CLIENT span`);
    if (byId.size !== 3) fail(`${name}: expected 3 spans, found ${byId.size}`);
  } else {
    if (traces.size !== 2) fail(`${name}: expected two traces, found ${traces.size}`);
    if (payServer.parentSpanId) fail(`${name}: payments' server span should be a new root`);
    if (spans.some((s) => s.kind === 3)) fail(`${name}: a bare socket makes no CLIENT span`);
    if (payServer.traceId === frontServer.traceId) fail(`${name}: payments joined frontend's trace`);
  }
  // What tracelab makes of it: a split request is one broken hop from frontend to payments, a whole one none.
  const analysis = JSON.parse(execFileSync(tracelab, ['analyze', out, '--json'], { encoding: 'utf8' }));
  const hops = analysis.broken_hops || [];
  if (call === 'http') {
    if (hops.length !== 0) fail(`${name}: a whole request has broken hops: ${JSON.stringify(hops)}`);
  } else if (hops.length !== 1) {
    fail(`${name}: expected one broken hop, found ${JSON.stringify(hops)}`);
  } else {
    const hop = hops[0];
    if (hop.from_service !== 'frontend' || hop.to_service !== 'payments')
      fail(`${name}: the broken hop names ${hop.from_service} -> ${hop.to_service}`);
    if (hop.caller_trace_id !== frontServer.traceId || hop.callee_trace_id !== payServer.traceId)
      fail(`${name}: the broken hop's trace ids are not frontend's and payments' traces`);
    if (hop.callee_span_id !== payServer.spanId) fail(`${name}: the broken hop's callee is not payments' server span`);
    if (!/uninstrumented|without tracing|no CLIENT span/i.test(hop.reason))
      fail(`${name}: the reason does not say the client was uninstrumented: "${hop.reason}"`);
  }
  console.log(`ok ${name}: ${spans.length} spans in ${traces.size} trace(s), ${hops.length} broken hop(s)`);
}

(async () => {
  for (const exporter of ['http', 'proto', 'grpc'])
    for (const call of ['http', 'socket']) await scenario(exporter, call);
  fs.rmSync(tmp, { recursive: true, force: true });
})().catch((e) => { fail(e.stack || String(e)); process.exit(1); });
