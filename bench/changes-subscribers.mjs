// The bench's subscribers, in a worker thread of their own so that receiving does not share the
// server's event loop: N graphql-ws clients each subscribe to the feed after a cursor and note, for
// every change of the run, when it arrived (a clock comparable across threads).
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const { wsUrl, count, after, tag } = workerData;
const now = () => performance.timeOrigin + performance.now();
const query = /* GraphQL */ `
  subscription Bench($after: String) {
    changes(after: $after) {
      cursor
      data
    }
  }
`;

/** arrivals[client] = [[n, at], …] */
const arrivals = Array.from({ length: count }, () => []);
const clients = [];
let connected = 0;

for (let i = 0; i < count; i++) {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    on: {
      connected: () => {
        if (++connected === count) parentPort.postMessage({ kind: 'connected' });
      },
    },
    onNonLazyError: (error) => parentPort.postMessage({ kind: 'error', message: String(error) }),
  });
  clients.push(client);
  client.subscribe(
    { query, variables: { after } },
    {
      next: (result) => {
        const data = result.data?.changes?.data;
        if (data?.tag === tag) arrivals[i].push([data.n, now()]);
      },
      error: (error) => parentPort.postMessage({ kind: 'error', message: JSON.stringify(error) }),
      complete: () => {},
    },
  );
}

parentPort.on('message', async (message) => {
  if (message.kind === 'count') {
    // How many clients have received every change up to n.
    parentPort.postMessage({ kind: 'count', value: arrivals.filter((a) => a.length >= message.n).length });
  } else if (message.kind === 'report') {
    parentPort.postMessage({ kind: 'report', arrivals });
  } else if (message.kind === 'close') {
    await Promise.all(clients.map((c) => c.dispose()));
    parentPort.postMessage({ kind: 'closed' });
    parentPort.close();
  }
});
