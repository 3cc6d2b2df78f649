// One of two small services instrumented with the OpenTelemetry JS SDK (Node.js), exporting over OTLP.
//   node two_services.cjs payments EXPORTER ENDPOINT          listens on a free port, prints "port N"
//   node two_services.cjs frontend EXPORTER ENDPOINT CALL PAYMENTS_PORT
// frontend answers GET /checkout by calling payments' GET /charge: with CALL=http through the instrumented
// http module (traceparent sent: one trace), with CALL=socket over a bare TCP socket (no context: two traces).
// EXPORTER is http (OTLP/HTTP JSON), proto (OTLP/HTTP protobuf) or grpc (OTLP/gRPC). On "stop" from the parent
// process the SDK flushes its spans and the process exits.
'use strict';

const [role, exporterName, endpoint, call, paymentsPort] = process.argv.slice(2);

const { NodeSDK } = require('@opentelemetry/sdk-node');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');

function makeExporter() {
  if (exporterName === 'http') {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter({ url: `${endpoint}/v1/traces` });
  }
  if (exporterName === 'proto') {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
    return new OTLPTraceExporter({ url: `${endpoint}/v1/traces` });
  }
  if (exporterName === 'grpc') {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
    return new OTLPTraceExporter({ url: endpoint });
  }
  throw new Error(`unknown exporter ${exporterName}`);
}

const sdk = new NodeSDK({
  serviceName: role,
  traceExporter: makeExporter(),  // behind a batch span processor, flushed by sdk.shutdown()
  instrumentations: [new HttpInstrumentation()],
});
sdk.start();

// Required after sdk.start() so the instrumentation wraps the module.
const http = require('http');
const net = require('net');

function callPayments(done) {
  if (call === 'http') {
    http.get({ host: '127.0.0.1', port: Number(paymentsPort), path: '/charge' }, (res) => {
      res.resume();
      res.on('end', done);
    }).on('error', done);
    return;
  }
  // A hand-written request on a raw socket: no client span, no traceparent header.
  const socket = net.connect(Number(paymentsPort), '127.0.0.1', () => {
    socket.write('GET /charge HTTP/1.1\r\nHost: payments\r\nConnection: close\r\n\r\n');
  });
  socket.on('data', () => {});
  socket.on('end', done);
  socket.on('error', done);
}

const server = http.createServer((req, res) => {
  if (role === 'payments') {
    setTimeout(() => res.end('charged'), 5);
    return;
  }
  callPayments(() => res.end('ok'));
});

server.listen(0, '127.0.0.1', () => {
  process.send({ port: server.address().port });
});

// Never outlive the test.
process.on('disconnect', () => process.exit(1));

process.on('message', async (msg) => {
  if (msg !== 'stop') return;
  server.close();
  await sdk.shutdown();
  process.exit(0);
});
