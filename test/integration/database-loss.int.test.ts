// The embedded Neo4j killed under a running `idgraph serve`: the service notices within seconds,
// fails requests fast with SERVICE_UNAVAILABLE, says 503 on /health, and exits non-zero with a clear
// message so a supervisor restarts it (docs/operations.md, "When the embedded database dies").
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/config.js';

const store = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-loss-store-'));
const cli = path.join(projectRoot, 'dist/cli/idgraph.js');

let child: ChildProcess | undefined;

afterAll(async () => {
  // Only when the test failed before the service exited: its SIGTERM stops its own Neo4j.
  if (child && child.exitCode === null) {
    await new Promise((resolve) => {
      child!.once('exit', resolve);
      child!.kill('SIGTERM');
    });
  }
  fs.rmSync(store, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
});

describe('the embedded database dies under the service', () => {
  it('fails requests with SERVICE_UNAVAILABLE within seconds and exits with code 1', async () => {
    const { NEO4J_URI: _external, ...inherited } = process.env;
    const env = { ...inherited, NEO4J_HOME: store, PORT: '0', NODE_ENV: 'production' };
    const service = spawn(process.execPath, [cli, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = service;
    let output = '';
    service.stdout.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => service.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 300 s:\n${output}`)), 300_000);
      service.stderr.on('data', (chunk) => {
        output += chunk;
        const ready = /GraphQL ready at (\S+)/.exec(output);
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1]!);
        }
      });
    });
    const java = spawnSync('pgrep', ['-f', `EmbeddedNeo4j ${store}`], { encoding: 'utf8' }).stdout.trim();
    expect(java).toMatch(/^\d+$/);

    const killedAt = Date.now();
    process.kill(Number(java), 'SIGKILL');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ identifierTypes { name } }' }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    const answeredAfterMs = Date.now() - killedAt;
    const health = await fetch(url.replace(/\/graphql$/, '/health'));

    expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    // The bound (the driver alone would take 30 s); measured here: well under a second.
    expect(answeredAfterMs).toBeLessThan(5000);
    expect(health.status).toBe(503);
    expect(await exited).toBe(1);
    // The probe says only 503; the log says why, for the operator.
    expect(output).toMatch(/^health: not ok \(\S.*\)$/m);
    expect(output).toMatch(/FATAL: the embedded Neo4j \(pid \d+\) exited unexpectedly \(signal SIGKILL\)/);
    console.log(`first SERVICE_UNAVAILABLE ${answeredAfterMs} ms after the kill`);
  }, 400_000);
});
