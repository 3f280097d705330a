// The guide's app (the express + Socket.IO video chat Confab grew from, kept in
// ../shared/baselines/seed): setting it up as its README says, and its steps for measureCall, so
// ../setup-vs-guide.mjs times its call set-up exactly as Confab's.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { root, serverUp } from '../common.mjs';
import { until } from './pages.mjs';

/** Where the guide's app is kept, and where its server listens (its port is fixed). */
export const GUIDE_SEED = path.resolve(root, '../shared/baselines/seed');
export const GUIDE_PORT = 3000;
export const GUIDE_URL = `https://localhost:${GUIDE_PORT}`;

/** Runs `command` in `cwd`; fails if it fails, with what it printed. */
function run(cwd, command, ...args) {
  const done = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (done.status !== 0) {
    process.stderr.write(`${done.stdout ?? ''}${done.stderr ?? ''}`);
    throw new Error(`${command} ${args.join(' ')} failed (${done.error?.message ?? `exit ${done.status}`})`);
  }
}

/**
 * Copies the guide's app from `seed` into the new folder `dir`, installs its packages from its
 * lock file and makes the self-signed certificate its server reads, as its README says.
 */
export function prepareGuide(seed, dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (const name of fs.readdirSync(seed)) {
    if (name === 'node_modules') continue;
    fs.copyFileSync(path.join(seed, name), path.join(dir, name));
    // The kept copy is read-only.
    fs.chmodSync(path.join(dir, name), 0o644);
  }
  run(dir, 'npm', 'ci', '--no-audit', '--no-fund', '--loglevel=error');
  run(dir, 'openssl', 'req', '-nodes', '-new', '-x509', '-keyout', 'cert.key', '-out', 'cert.crt', '-subj', '/CN=localhost', '-days', '30');
}

/** Whether something already listens on `port`. */
const portTaken = (port) =>
  new Promise((resolve) => {
    const probe = net.createServer().once('error', () => resolve(true));
    probe.listen(port, () => probe.close(() => resolve(false)));
  });

/**
 * Starts `node server.js` in `dir` and waits until it serves its page; stops it when this process
 * exits. Returns the child process.
 */
export async function startGuide(dir) {
  // Otherwise the page measured might be another server's.
  if (await portTaken(GUIDE_PORT)) throw new Error(`port ${GUIDE_PORT} is taken: the guide's app needs it`);
  const server = spawn(process.execPath, ['server.js'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  process.on('exit', () => server.kill('SIGTERM'));
  await serverUp(GUIDE_URL, server, '/');
  return server;
}

/**
 * The guide's steps for measureCall. A opens the page and clicks Start Call (camera opened, offer
 * made and sent to nobody yet); B opens the page once A's offer is out and B's Socket.IO
 * connection is up (open before A's click, B's page would get A's offer with no camera and fail),
 * and clicks Start Call: B's camera opens and B's offer goes to A, who answers. Closing the pages
 * ends the call.
 */
export const guideCall = (url = GUIDE_URL) => ({
  async open(a, b) {
    const start = (page) => page.getByRole('button', { name: 'Start Call' });
    await a.goto(url);
    await start(a).click();
    await until(a, () => document.getElementById('startButton').disabled);
    await b.goto(url);
    // `socket` is the page script's own top-level binding.
    await until(b, () => typeof socket !== 'undefined' && socket.connected);
    return start(b);
  },
});
