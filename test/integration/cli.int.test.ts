// The idgraph command as an operator runs it: its own embedded Neo4j, a clean stop on SIGTERM (also to
// `npm start` alone) and on Ctrl-C with no Java process left, the same store reused on the next start,
// and --reset to empty it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/config.js';

const store = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-cli-store-'));
const cli = path.join(projectRoot, 'dist/cli/idgraph.js');

/**
 * Starts the service and resolves once it is ready. By default the built command itself, in a process
 * group of its own (so a test can signal the group, as a terminal's Ctrl-C does); `npm` runs a package
 * script instead, in `cwd`, as the README tells a newcomer to.
 */
function serve(
  options: { args?: string[]; npm?: string; cwd?: string } = {},
): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  // Without NEO4J_URI the command starts its own Neo4j, as on a fresh machine.
  const { NEO4J_URI: _external, ...inherited } = process.env;
  const env = { ...inherited, NEO4J_HOME: store, PORT: '0', NODE_ENV: 'production' };
  const [command, args] = options.npm
    ? ['npm', ['run', '--silent', options.npm]]
    : [process.execPath, [cli, 'serve', ...(options.args ?? [])]];
  const child = spawn(command, args, {
    env,
    cwd: options.cwd,
    detached: !options.npm,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 170 s:\n${output}`)), 170_000);
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

/**
 * A copy of the project to run `npm start` in: its build writes its own dist/, never the one the
 * other test files run from. node_modules and the Neo4j launcher are shared (only read).
 */
function projectCopy(): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'idgraph-cli-project-'));
  for (const entry of [
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'schema.graphql',
    'src',
    'cypher',
    'explorer',
  ]) {
    fs.cpSync(path.join(projectRoot, entry), path.join(copy, entry), { recursive: true });
  }
  for (const entry of ['node_modules', 'neo4j'])
    fs.symlinkSync(path.join(projectRoot, entry), path.join(copy, entry));
  return copy;
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

/** Signals the process (or, with `group`, its whole process group) and waits for it to exit. */
function stop(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  group = false,
): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    if (group) process.kill(-child.pid!, signal);
    else child.kill(signal);
  });
}

/** Whether anything still answers at the service's address. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url.replace(/\/graphql$/, '/health'), { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

afterAll(() => {
  fs.rmSync(store, { recursive: true, force: true });
});

describe('idgraph serve', () => {
  it('stops everything when `npm start` alone gets SIGTERM or the terminal sends Ctrl-C, reuses the store, and empties it with --reset', async () => {
    const copy = projectCopy();
    try {
      // As a process manager does: SIGTERM to the npm process only, not to its children.
      const first = await serve({ npm: 'start', cwd: copy });
      expect(javaOnStore()).not.toBe('');
      const ingest = await post(
        first.url,
        `mutation { ingest(events: [{ id: "cli-1", type: "signup", occurredAt: "2026-01-01T00:00:00Z", source: "cli",
          actor: { persona: { key: "cli:persona" }, identifiers: [{ type: "email", value: "cli@example.org" }] } }]) { accepted } }`,
      );
      expect(ingest.data).toEqual({ ingest: { accepted: 1 } });
      expect(first.log()).toMatch(/applied migration 001-node-keys/);
      await stop(first.child);
      await waitFor(
        async () => javaOnStore() === '' && !(await answers(first.url)),
        'the service and its Neo4j to stop',
      );
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }

    const second = await serve();
    try {
      expect(second.log()).not.toMatch(/applied migration/);
      const found = await post(second.url, `{ persona(key: "cli:persona") { identifiers { value } } }`);
      expect(found.data).toEqual({ persona: { identifiers: [{ value: 'cli@example.org' }] } });
      // --reset never empties a store a running service uses.
      const { NEO4J_URI: _external, ...inherited } = process.env;
      const refused = spawnSync(process.execPath, [cli, 'serve', '--reset'], {
        encoding: 'utf8',
        env: { ...inherited, NEO4J_HOME: store, PORT: '0', NODE_ENV: 'production' },
        timeout: 60_000,
      });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(
        /A running service uses the store .*: stop it, then start again with --reset/,
      );
    } finally {
      // Ctrl-C: SIGINT to the whole foreground process group. Neo4j is stopped by the service, not
      // killed under it, so nothing reports it as a crash.
      expect(await stop(second.child, 'SIGINT', true)).toBe(0);
    }
    expect(second.log()).toMatch(/SIGINT: stopping…/);
    expect(second.log()).not.toMatch(/unexpectedly|retrying/);
    expect(javaOnStore()).toBe('');

    const third = await serve({ args: ['--reset'] });
    try {
      expect(third.log()).toMatch(/--reset: emptied the store/);
      expect(third.log()).toMatch(/applied migration 001-node-keys/);
      const gone = await post(third.url, `{ persona(key: "cli:persona") { id } }`);
      expect(gone.data).toEqual({ persona: null });
    } finally {
      expect(await stop(third.child)).toBe(0);
    }
    expect(javaOnStore()).toBe('');
  }, 420_000);

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
