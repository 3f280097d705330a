// What the benchmarks in this folder share: command-line options, where things are, waiting
// for the server, and summarising a list of measurements.
import * as https from 'node:https';
import * as net from 'node:net';
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
// The release build, or the binary CONFAB_E2E_BIN names (to measure two builds in one session).
export const binary = process.env.CONFAB_E2E_BIN
  ? path.resolve(root, process.env.CONFAB_E2E_BIN)
  : path.join(root, 'target/release/confab');
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

/** Resolves once the server answers /healthz; fails if the `server` process exits first. */
export async function serverUp(url, server) {
  for (let i = 0; i < 300; i++) {
    if (server && server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    const ok = await new Promise((resolve) => {
      https
        .get(`${url}/healthz`, { rejectUnauthorized: false }, (res) => {
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
