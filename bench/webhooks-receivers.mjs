// The bench's webhook receivers, in a worker thread so their event loop is not the API's: plain HTTP
// servers that check each delivery's signature, answer 200 and note when each change of the run
// first arrived (a receiver de-duplicates by cursor, so a repeat does not count).
import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

const { count, secret, tag } = workerData;
const now = () => performance.timeOrigin + performance.now();

/** Per receiver: n → first arrival (ms since the epoch, as the writer's clock). */
const arrivals = Array.from({ length: count }, () => new Map());
let badSignatures = 0;
let requests = 0;

function isSigned(body, header) {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const servers = await Promise.all(
  arrivals.map(
    (seen) =>
      new Promise((resolve) => {
        const server = http.createServer((req, res) => {
          const chunks = [];
          req.on('data', (chunk) => chunks.push(chunk));
          req.on('end', () => {
            const at = now();
            const body = Buffer.concat(chunks).toString('utf8');
            requests++;
            if (!isSigned(body, req.headers['x-idgraph-signature'])) badSignatures++;
            for (const change of JSON.parse(body).changes) {
              const data = change.data;
              if (data?.tag === tag && !seen.has(data.n)) seen.set(data.n, at);
            }
            res.writeHead(200).end();
          });
        });
        server.listen(0, '127.0.0.1', () => resolve(server));
      }),
  ),
);

parentPort.postMessage({
  kind: 'started',
  urls: servers.map((server) => `http://127.0.0.1:${server.address().port}/hook`),
});

parentPort.on('message', async (message) => {
  if (message.kind === 'count') {
    // How many receivers hold every change numbered below n (warm-up changes are negative).
    const from = message.from;
    const complete = arrivals.filter((seen) => {
      for (let n = from; n < message.to; n++) if (!seen.has(n)) return false;
      return true;
    }).length;
    parentPort.postMessage({ kind: 'count', value: complete });
  } else if (message.kind === 'report') {
    parentPort.postMessage({
      kind: 'report',
      arrivals: arrivals.map((seen) => [...seen.entries()]),
      badSignatures,
      requests,
    });
  } else if (message.kind === 'close') {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    parentPort.postMessage({ kind: 'closed' });
  }
});
