// Starting and stopping Confab servers of their own, for tests that restart one mid-call.
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');

// The server binary under test: built by `cargo leptos build` (release unless told otherwise).
export const confabBinary = process.env.CONFAB_E2E_BIN ?? 'target/release/confab';

/** Whether the server answers its health check. */
function healthy(url: string): Promise<boolean> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve) => {
    const request = client.get(`${url}/healthz`, { rejectUnauthorized: false, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => {
      request.destroy();
      resolve(false);
    });
  });
}

/** Unless told otherwise, TURN listens on a free loopback port, so test servers never compete for 3478. */
function turnOfItsOwn(args: string[]): string[] {
  return args.some((a) => a === '--turn-listen' || a === '--no-turn') ? [] : ['--turn-listen', '127.0.0.1:0'];
}

/**
 * Starts Confab on `host` (default 127.0.0.1) port `port` with `dataDir` (keep the same directory
 * across a restart so the server keeps its certificate and resume key), plus any extra flags in
 * `args`, and waits until it answers.
 * Returns its URL and `stop()`, which sends SIGTERM and resolves with the exit code and how long
 * the server took to exit, in milliseconds.
 */
export async function startConfab({
  port,
  dataDir,
  host = '127.0.0.1',
  args = [],
  binary = path.resolve(root, confabBinary),
  cwd = root,
}: {
  port: number;
  dataDir: string;
  host?: string;
  args?: string[];
  /** Another copy of the binary. */
  binary?: string;
  /** The folder it runs in. */
  cwd?: string;
}) {
  const child = spawn(
    binary,
    ['--host', host, '--port', String(port), '--data-dir', dataDir, ...turnOfItsOwn(args), ...args],
    { cwd, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const scheme = args.includes('--behind-proxy') ? 'http' : 'https';
  const url = `${scheme}://${host}:${port}`;
  const deadline = Date.now() + 30_000;
  while (!(await healthy(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Confab did not start on port ${port}:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    log: () => log,
    async stop(): Promise<{ code: number | null; ms: number }> {
      if (child.exitCode !== null) return { code: child.exitCode, ms: 0 };
      const started = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
  };
}
