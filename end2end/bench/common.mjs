// What the benchmarks in this folder share: command-line options, where things are, the machine
// they run on, starting and waiting for the server, and summarising a list of measurements.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const args = process.argv.slice(2);
/** The value after `--name` on the command line, or `fallback`. */
export const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
/** Whether `--name` is on the command line. */
export const flag = (name) => args.includes(`--${name}`);

/** The repository, the release server in it, and the browser. */
export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
// The release build, or the binary CONFAB_BENCH_BIN (or CONFAB_E2E_BIN, as for the end-to-end
// tests) names, to measure two builds in one session.
const chosenBinary = process.env.CONFAB_BENCH_BIN || process.env.CONFAB_E2E_BIN;
export const binary = chosenBinary ? path.resolve(root, chosenBinary) : path.join(root, 'target/release/confab');
export const chromiumPath = process.env.CONFAB_CHROMIUM ?? '/usr/bin/chromium';

/** Progress to stderr, unless the result goes out as JSON (then stdout holds only that). */
export const log = (...words) => {
  if (!flag('json')) console.error(...words);
};

/** A free TCP port on loopback (or --port). */
export async function freePort() {
  if (option('port')) return Number(option('port'));
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once the server answers `probe` with 200; fails if the `server` process exits first. */
export async function serverUp(url, server, probe = '/healthz') {
  for (let i = 0; i < 300; i++) {
    if (server && server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    const ok = await new Promise((resolve) => {
      https
        .get(`${url}${probe}`, { rejectUnauthorized: false }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

/**
 * Starts the Confab server on a free loopback port (or --port) with its data in `dataDir`, and
 * stops it when this process exits. Its warnings go to our stderr as they come; its panics are
 * also counted in `panics` (a panicking response shows up only as a page that never loads).
 */
export async function startConfab(dataDir) {
  const url = `https://127.0.0.1:${await freePort()}`;
  const { port } = new URL(url);
  const server = spawn(
    binary,
    ['--host', '127.0.0.1', '--port', port, '--data-dir', dataDir, '--turn-listen', '127.0.0.1:0'],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } },
  );
  const confab = { url, server, panics: 0 };
  server.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    confab.panics += (String(chunk).match(/panicked at/g) ?? []).length;
  });
  // Also when this process dies of something a `finally` does not see.
  process.on('exit', () => server.kill('SIGTERM'));
  return confab;
}

/** Stops a server this process started and waits (at most 5 s) until it has exited. */
export async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
}

/** Share of all CPUs busy over the next `ms` milliseconds (from /proc/stat), 0..1. */
export async function cpuBusy(ms = 1000) {
  const read = () => {
    const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = fields[3] + fields[4];
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  const before = read();
  await new Promise((r) => setTimeout(r, ms));
  const after = read();
  return 1 - (after.idle - before.idle) / (after.total - before.total);
}

/** The machine, and what else was using it just before the run. */
export async function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? 'unknown',
    memory_gib: Math.round(os.totalmem() / 1024 ** 3),
    // Before anything of ours runs: what else is using the machine.
    cpu_busy_before: await cpuBusy(),
    load_average_at_start: os.loadavg()[0],
  };
}

/** The q-quantile (0..1) of a list, interpolating between ranks; NaN for an empty list. */
export function quantile(values, q) {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!xs.length) return NaN;
  const at = (xs.length - 1) * q;
  const low = Math.floor(at);
  return xs[low] + (xs[Math.min(low + 1, xs.length - 1)] - xs[low]) * (at - low);
}

/** Median, p90, min and max of a list of milliseconds. */
export function summary(values) {
  return { median: quantile(values, 0.5), p90: quantile(values, 0.9), min: quantile(values, 0), max: quantile(values, 1) };
}
