/**
 * The AWS emulator for the local runtime and the integration tests: a moto server on a free
 * loopback port, owned by this process. When python3 or moto is missing, or the server does not
 * come up, starting it throws with the reason and the install hint: a test run without moto fails
 * loudly instead of passing with nothing tested.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { MOTO_PATCHES } from './moto-patches';

export const MOTO_INSTALL_HINT = 'install it with: pip install "moto[server]"';

export interface Moto {
  /** `http://127.0.0.1:<port>`, for an SDK client's `endpoint`. */
  endpoint: string;
  /** Drops every resource in every service (moto's `POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** Stops the server and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** The Python interpreter; `BATON_PYTHON` or `python3` by default. */
  python?: string;
  /** How long to wait for the server to answer (ms). */
  startTimeoutMs?: number;
}

export const DEFAULT_START_TIMEOUT_MS = 15_000;
const STDERR_TAIL_CHARS = 4_000;

/**
 * Runs `moto.server` the way `python3 -m moto.server -H 127.0.0.1 -p <port>` does, plus a watchdog
 * thread that exits when the parent process is gone: a test run killed with SIGKILL (no exit
 * hooks run) must not leave servers behind holding ports.
 */
const launcher = (port: number): string[] => [
  '-c',
  [
    'import os, sys, threading, time',
    'parent = os.getppid()',
    'def watch():',
    '    while os.getppid() == parent:',
    '        time.sleep(0.5)',
    '    os._exit(0)',
    'threading.Thread(target=watch, daemon=True).start()',
    MOTO_PATCHES,
    'from moto.server import main',
    `main(["-H", "127.0.0.1", "-p", "${port}"])`,
  ].join('\n'),
];

/** A port nobody listens on right now (the OS picks it); the server binds it a moment later. */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every live server, so the exit hook can kill whatever a crashed test left running. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
const installExitHook = (): void => {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; kill() is.
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
};

class MotoStartError extends Error {
  constructor(reason: string, detail?: string) {
    super(
      `moto server did not start: ${reason}. Baton needs moto to run locally and for its integration tests; ${MOTO_INSTALL_HINT}` +
        (detail ? `\n--- moto output ---\n${detail}` : ''),
    );
    this.name = 'MotoStartError';
  }
}

const explain = (output: string, code: number | null, signal: NodeJS.Signals | null): string => {
  if (/No module named ['"]?moto/.test(output)) return 'the moto Python package is not installed';
  if (/No module named/.test(output)) return 'a module moto server needs is missing (flask?)';
  if (/Address already in use/i.test(output)) return 'its port was taken';
  return `the process exited (code ${code}, signal ${signal})`;
};

/** The picked port was bound by someone else before moto could; worth another pick. */
class PortTaken extends Error {}

const startOnce = async (python: string, timeoutMs: number): Promise<Moto> => {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(python, launcher(port), { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  installExitHook();

  // moto logs every request; the pipes are drained so it never blocks, and the tail is kept for errors.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      resolve();
    });
    child.once('error', (error) => {
      spawnError = error;
      running.delete(child);
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (exited || spawnError) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([exit.then(() => true), sleep(3_000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await exit;
    }
  };

  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError) {
      const missing = (spawnError as NodeJS.ErrnoException).code === 'ENOENT';
      throw new MotoStartError(missing ? `${python} was not found on PATH` : spawnError.message);
    }
    if (exited) {
      const reason = explain(output, exited.code, exited.signal);
      if (reason === 'its port was taken') throw new PortTaken();
      throw new MotoStartError(reason, output.trim());
    }
    try {
      const answer = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await answer.arrayBuffer();
      if (answer.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > giveUpAt) {
      await stop();
      throw new MotoStartError(`no answer on ${endpoint} within ${timeoutMs} ms`, output.trim());
    }
    await sleep(100);
  }

  return {
    endpoint,
    stop,
    reset: async () => {
      const answer = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      await answer.arrayBuffer();
      if (!answer.ok) throw new Error(`moto reset failed: HTTP ${answer.status}`);
    },
  };
};

/**
 * Starts a moto server on a free loopback port and waits until it answers. Throws (never skips)
 * with the reason and the install hint when it cannot.
 */
export const startMoto = async (options: MotoOptions = {}): Promise<Moto> => {
  const python = options.python ?? process.env.BATON_PYTHON ?? 'python3';
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  // Another process may grab the port between picking it and moto binding it; pick again then.
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce(python, timeoutMs);
    } catch (error) {
      if (!(error instanceof PortTaken)) throw error;
      if (attempt >= 2) throw new MotoStartError('its port was taken three times in a row');
    }
  }
};
