// The idgraph command as an operator runs it: its own embedded Neo4j, a clean stop on SIGTERM with no
// Java process left, and the same store reused on the next start.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/config.js';

const store = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-cli-store-'));
const cli = path.join(projectRoot, 'dist/cli/idgraph.js');

function serve(): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  // Without NEO4J_URI the command starts its own Neo4j, as on a fresh machine.
  const { NEO4J_URI: _external, ...inherited } = process.env;
  const env = { ...inherited, NEO4J_HOME: store, PORT: '0', NODE_ENV: 'production' };
  const child = spawn(process.execPath, [cli, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 120 s:\n${output}`)), 120_000);
    child.stderr!.on('data', (chunk) => {
      output += chunk;
      const ready = /GraphQL ready at (\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, url: ready[1]!, log: () => output });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} during start:\n${output}`)));
  });
}

const javaOnStore = () =>
  spawnSync('pgrep', ['-f', `EmbeddedNeo4j ${store}`], { encoding: 'utf8' }).stdout.trim();

async function post(url: string, query: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

afterAll(() => {
  fs.rmSync(store, { recursive: true, force: true });
});

describe('idgraph serve', () => {
  it('stops its Neo4j on SIGTERM and reuses the store on the next start', async () => {
    const first = await serve();
    expect(javaOnStore()).not.toBe('');
    const ingest = await post(
      first.url,
      `mutation { ingest(events: [{ id: "cli-1", type: "signup", occurredAt: "2026-01-01T00:00:00Z", source: "cli",
        actor: { persona: { key: "cli:persona" }, identifiers: [{ type: "email", value: "cli@example.org" }] } }]) { accepted } }`,
    );
    expect(ingest.data).toEqual({ ingest: { accepted: 1 } });
    expect(first.log()).toMatch(/applied migration 001-node-keys/);

    expect(await stop(first.child)).toBe(0);
    expect(javaOnStore()).toBe('');

    const second = await serve();
    try {
      expect(second.log()).not.toMatch(/applied migration/);
      const found = await post(second.url, `{ persona(key: "cli:persona") { identifiers { value } } }`);
      expect(found.data).toEqual({ persona: { identifiers: [{ value: 'cli@example.org' }] } });
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
    expect(javaOnStore()).toBe('');
  }, 240_000);

  it('fails with a clear message, before starting its Neo4j, when the port is taken', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const { NEO4J_URI: _external, ...inherited } = process.env;
      const result = spawnSync(process.execPath, [cli, 'serve'], {
        encoding: 'utf8',
        env: { ...inherited, NEO4J_HOME: store, PORT: String(port), NODE_ENV: 'production' },
        timeout: 120_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/EADDRINUSE.*set PORT/);
      expect(javaOnStore()).toBe('');
    } finally {
      blocker.close();
    }
  }, 180_000);

  it('says exactly what to install when Java is missing', () => {
    const emptyPath = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-no-java-'));
    try {
      const { NEO4J_URI: _external, ...inherited } = process.env;
      const result = spawnSync(process.execPath, [cli, 'migrate'], {
        encoding: 'utf8',
        env: { ...inherited, PATH: emptyPath, NEO4J_HOME: store },
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(
        /needs java, which was not found\. Install a Java 17\+ JDK .*Or set NEO4J_URI/,
      );
    } finally {
      fs.rmSync(emptyPath, { recursive: true, force: true });
    }
  });
});
