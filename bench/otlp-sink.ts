/**
 * Bench OTLP receiver: accepts OTLP/HTTP trace exports (protobuf or JSON) on 127.0.0.1 and answers 200, as
 * a collector would, so the gateway's exporter does its whole work. Counts requests and bytes (IPC
 * `stats`). Prints one JSON line: { url }.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let requests = 0;
let bytes = 0;
const server = createServer((request, response) => {
  request.on('data', (chunk: Buffer) => (bytes += chunk.length));
  request.on('end', () => {
    requests++;
    response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/x-protobuf' });
    response.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.on('message', (message) => {
  if (message === 'stats') process.send?.({ requests, bytes });
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
