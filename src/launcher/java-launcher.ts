// A Java launcher resolved from Maven Central (its folder's pom.xml) and run as a child process tied
// to this one: how the embedded Neo4j (src/graph/embedded.ts) and the embedded Kafka
// (src/streams/kafka-broker.ts) run. Below every layer: it knows neither of them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface JavaLauncher {
  /** What messages call it: 'Neo4j', 'Kafka'. */
  name: string;
  /** The Maven project: pom.xml, and target/ with the launcher jar and lib/. */
  dir: string;
  /** The launcher's jar, under dir/target. */
  jar: string;
  /** Files besides pom.xml whose change rebuilds the launcher. */
  sources: string[];
  /** Said after what to install when java or mvn is missing. */
  missingToolHint?: string;
  /** The error every failure of this launcher is thrown as. */
  error: new (message: string) => Error;
}

/** The launcher and every jar Maven resolved, as a Java class path. */
export const launcherClasspath = (launcher: JavaLauncher) =>
  [launcher.jar, path.join(launcher.dir, 'target', 'lib', '*')].join(path.delimiter);

function requireTool(launcher: JavaLauncher, command: string, args: string[], install: string): void {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    const hint = launcher.missingToolHint ? ` ${launcher.missingToolHint}` : '';
    throw new launcher.error(
      `The embedded ${launcher.name} needs ${command}, which was not found. ${install}${hint}`,
    );
  }
}

function preparedStamp(launcher: JavaLauncher): string {
  const hash = createHash('sha256');
  hash.update(fs.readFileSync(path.join(launcher.dir, 'pom.xml')));
  for (const file of launcher.sources) hash.update(fs.readFileSync(file));
  return hash.digest('hex');
}

/**
 * Fetches the jars and builds the launcher, once: later calls only compare a stamp of its pom and
 * sources. Maven's local repository (~/.m2) caches the download across clones. True when it built.
 */
export function prepareLauncher(launcher: JavaLauncher, announce: () => void): boolean {
  requireTool(
    launcher,
    'java',
    ['-version'],
    'Install a Java 17+ JDK (Debian: apt-get install openjdk-17-jdk).',
  );
  const stampFile = path.join(launcher.dir, 'target', '.prepared');
  const stamp = preparedStamp(launcher);
  if (
    fs.existsSync(launcher.jar) &&
    fs.existsSync(stampFile) &&
    fs.readFileSync(stampFile, 'utf8') === stamp
  ) {
    return false;
  }
  requireTool(launcher, 'mvn', ['-v'], 'Install Apache Maven 3.8+ (Debian: apt-get install maven).');
  announce();
  const build = spawnSync(
    'mvn',
    ['-B', '-q', '-DskipTests', '-f', path.join(launcher.dir, 'pom.xml'), 'package'],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (build.status !== 0) {
    const output = `${build.stdout ?? ''}${build.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new launcher.error(`Maven could not resolve or build the embedded ${launcher.name}:\n${output}`);
  }
  fs.writeFileSync(stampFile, stamp);
  return true;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `java` with these arguments (JVM options, class path, main class and its own). */
function spawnJava(args: string[]): ChildProcess {
  // stdin stays open as a lifeline: when this process dies, Java sees end of input and stops.
  // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and the child
  // must be stopped by this process (stop()), not die under it as if it had crashed.
  return spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
}

/**
 * The last 30 lines Java wrote to stderr, kept to explain a failure. `keep` drops noise lines;
 * `onLine` sees each line kept.
 */
function stderrTail(
  child: ChildProcess,
  keep: (line: string) => boolean = () => true,
  onLine?: (line: string) => void,
): string[] {
  const tail: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = chunk.split('\n').filter((line) => line && keep(line));
    if (onLine) for (const line of lines) onLine(line);
    tail.push(...lines);
    tail.splice(0, Math.max(0, tail.length - 30));
  });
  return tail;
}

export interface ReadyWait {
  /** What the launcher prints on stdout once it serves. */
  pattern: RegExp;
  timeoutMs: number;
  /** Why it exited during start, from its last stderr lines; the default names the exit code and them. */
  exitMessage?: (code: number | null, signal: NodeJS.Signals | null, tail: string[]) => string | undefined;
}

/**
 * Resolves with the match of `pattern` on the launcher's stdout; rejects with why not, if it exits,
 * cannot start or takes too long (then it is killed). Leaves its exit listener: remove it once ready.
 */
function waitForReady(
  launcher: JavaLauncher,
  child: ChildProcess,
  tail: string[],
  wait: ReadyWait,
): Promise<RegExpExecArray> {
  return new Promise<RegExpExecArray>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new launcher.error(
          `${launcher.name} did not start within ${wait.timeoutMs / 1000} s:\n${tail.join('\n')}`,
        ),
      );
    }, wait.timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const ready = wait.pattern.exec(buffered);
      if (ready) {
        clearTimeout(timer);
        resolve(ready);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const message =
        wait.exitMessage?.(code, signal, tail) ??
        `${launcher.name} exited during start (code ${code ?? signal}):\n${tail.join('\n')}`;
      reject(new launcher.error(message));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new launcher.error(`Could not start java: ${error.message}`));
    });
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export interface RunningJava {
  pid: number;
  /** Called once if the process exits without stop() having been asked (killed, crashed). */
  onUnexpectedExit(listener: (description: string) => void): void;
  /** SIGTERM, then SIGKILL after `stopTimeoutMs`; the same promise on every call. */
  stop(): Promise<void>;
}

/**
 * Watches a started launcher for the rest of its life: one that dies must be noticed, not waited for.
 * `beforeStop` runs once, first thing in stop().
 */
function watchRunning(
  launcher: JavaLauncher,
  child: ChildProcess,
  tail: string[],
  options: { stopTimeoutMs: number; beforeStop?: () => void },
): RunningJava {
  let stopping: Promise<void> | undefined;
  const exitListeners: ((description: string) => void)[] = [];
  child.once('exit', (code, signal) => {
    if (stopping) return;
    const description =
      `the embedded ${launcher.name} (pid ${child.pid}) exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`})` +
      (tail.length > 0 ? `; its last output:\n${tail.slice(-5).join('\n')}` : '');
    for (const listener of exitListeners) listener(description);
  });
  return {
    pid: child.pid ?? -1,
    onUnexpectedExit(listener) {
      exitListeners.push(listener);
    },
    stop() {
      stopping ??= (async () => {
        options.beforeStop?.();
        child.kill('SIGTERM');
        if (!(await waitForExit(child, options.stopTimeoutMs))) {
          child.kill('SIGKILL');
          await waitForExit(child, 5_000);
        }
      })();
      return stopping;
    },
  };
}

export interface StartOptions extends ReadyWait {
  /** Which stderr lines to keep (the rest is noise); all by default. */
  keep?: (line: string) => boolean;
  /** Sees each stderr line kept. */
  onLine?: (line: string) => void;
  stopTimeoutMs: number;
  /** Runs first thing in stop(), given what the launcher printed when ready. */
  beforeStop?: (ready: RegExpExecArray) => void;
}

/**
 * Starts the launcher (after prepareLauncher) and resolves once it printed `pattern`, with the match;
 * from then on it is watched, and stop() ends it.
 */
export async function startJava(
  launcher: JavaLauncher,
  args: string[],
  options: StartOptions,
): Promise<RunningJava & { ready: RegExpExecArray }> {
  const child = spawnJava(args);
  const tail = stderrTail(child, options.keep, options.onLine);
  const ready = await waitForReady(launcher, child, tail, options);
  child.removeAllListeners('exit');
  const { beforeStop } = options;
  const running = watchRunning(launcher, child, tail, {
    stopTimeoutMs: options.stopTimeoutMs,
    beforeStop: beforeStop && (() => beforeStop(ready)),
  });
  return { ready, ...running };
}
