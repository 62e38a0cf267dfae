// A real HTTP receiver for webhook deliveries (a local server on port 0), as an integrator runs one:
// it keeps every request's raw body and signature and answers as the test tells it to.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isValidSignature, type DeliveredChange } from '../../src/changes/webhooks.model.js';

export interface ReceivedRequest {
  /** 1 for the first request this receiver got. */
  n: number;
  body: string;
  signature: string | undefined;
  webhookId: string | undefined;
  changes: DeliveredChange[];
  /** The status it was answered with. */
  status: number;
}

/** Decides the answer to the n-th request (1-based): a status, after an optional delay. */
export type Responder = (n: number) => number | { status: number; delayMs: number };

export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    public respond: Responder,
  ) {}

  static async start(respond: Responder = () => 200): Promise<TestReceiver> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const receiver = new TestReceiver(server, `http://127.0.0.1:${port}/hook`, respond);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => void receiver.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    return receiver;
  }

  private async handle(req: http.IncomingMessage, body: string, res: http.ServerResponse) {
    const n = this.requests.length + 1;
    const answer = this.respond(n);
    const { status, delayMs } = typeof answer === 'number' ? { status: answer, delayMs: 0 } : answer;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const request: ReceivedRequest = {
      n,
      body,
      signature: req.headers['x-idgraph-signature'] as string | undefined,
      webhookId: req.headers['x-idgraph-webhook'] as string | undefined,
      changes: (JSON.parse(body) as { changes: DeliveredChange[] }).changes,
      status,
    };
    this.requests.push(request);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    for (const listener of [...this.listeners]) listener();
  }

  /** Changes of acknowledged (2xx) requests, in the order they arrived, with this tag in their data. */
  acknowledged(tag: string): DeliveredChange[] {
    return this.requests
      .filter((r) => r.status >= 200 && r.status < 300)
      .flatMap((r) => r.changes)
      .filter((c) => (c.data as { tag?: string } | null)?.tag === tag);
  }

  /** Every request's changes with this tag, acknowledged or not. */
  received(tag: string): DeliveredChange[] {
    return this.requests
      .flatMap((r) => r.changes)
      .filter((c) => (c.data as { tag?: string } | null)?.tag === tag);
  }

  allSignedWith(secret: string): boolean {
    return this.requests.every((r) => isValidSignature(r.body, secret, r.signature));
  }

  /** Resolves once the predicate holds; fails with what arrived if it does not in time. */
  waitUntil(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}; ${this.requests.length} request(s) arrived`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  waitForAcknowledged(tag: string, count: number, timeoutMs?: number): Promise<void> {
    return this.waitUntil(
      () => this.acknowledged(tag).length >= count,
      `${count} acknowledged change(s) tagged ${tag}`,
      timeoutMs,
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
