// Calls through a TURN relay: the embedded one, and an external coturn that accepts the
// credentials Confab issues (same REST-API secret). Both servers are told to relay every call
// (--ice-transport-policy relay), so the browsers cannot take a direct path.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Page } from '@playwright/test';
import { startConfab } from '../server';
import { expect, expectVideoPlaying, hangUp, join, selectedCandidates, startMeeting, test } from './support';

/** Ports of their own, apart from the shared server's. */
const PORT = Number(process.env.CONFAB_E2E_TURN_PORT ?? 3452);
const COTURN_PORT = 3479;
const COTURN_RELAY_PORTS = [51000, 51999];

function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `confab-${name}-`));
}

/** Ada and Bo in one meeting on the server at `url`. */
async function twoJoined(person: (o?: any) => Promise<Page>, url: string): Promise<Page[]> {
  const ada = await person();
  const bo = await person();
  const link = await startMeeting(ada, url);
  await join(ada, link, 'Ada');
  await join(bo, link, 'Bo');
  return [ada, bo];
}

/** Two people in one meeting on the server at `url`, each seeing the other's video. */
async function relayedCall(person: (o?: any) => Promise<Page>, url: string): Promise<Page[]> {
  const [ada, bo] = await twoJoined(person, url);
  await expectVideoPlaying(ada, 'Bo');
  await expectVideoPlaying(bo, 'Ada');
  return [ada, bo];
}

/** Waits until each page's one connection has selected a pair, and returns the pairs. */
async function selectedPairs(pages: Page[]) {
  const pairs = [];
  for (const page of pages) {
    await expect.poll(async () => (await selectedCandidates(page)).length).toBe(1);
    pairs.push((await selectedCandidates(page))[0]);
  }
  return pairs;
}

test('a call forced through the embedded TURN relay plays video over a relayed pair', async ({ person }) => {
  const server = await startConfab({
    port: PORT,
    dataDir: tempDir('turn'),
    // Loopback is refused as a relay peer by default; this test's browsers are on loopback.
    args: ['--turn-listen', '127.0.0.1:0', '--turn-allow-peer', '127.0.0.0/8', '--ice-transport-policy', 'relay'],
  });
  try {
    const pages = await relayedCall(person, server.url);
    for (const pair of await selectedPairs(pages)) {
      expect(pair.local.type).toBe('relay');
      expect(pair.remote.type).toBe('relay');
    }
    await hangUp(...pages);
  } finally {
    await server.stop();
  }
});

/** Starts coturn with REST-API credentials under `secret`; resolves once it listens. */
async function startCoturn(secret: string): Promise<ChildProcess> {
  const dir = tempDir('coturn-state');
  const coturn = spawn(
    'turnserver',
    [
      '-n', // no configuration file
      '--listening-ip', '127.0.0.1',
      '--listening-port', String(COTURN_PORT),
      '--relay-ip', '127.0.0.1',
      '--min-port', String(COTURN_RELAY_PORTS[0]),
      '--max-port', String(COTURN_RELAY_PORTS[1]),
      '--use-auth-secret',
      '--static-auth-secret', secret,
      '--realm', 'confab',
      '--allow-loopback-peers',
      '--no-tls', '--no-dtls', '--no-cli',
      '--log-file', 'stdout',
      // Its own database and pid file, not the system's.
      '--db', path.join(dir, 'turndb'),
      '--pidfile', path.join(dir, 'turnserver.pid'),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  coturn.stdout!.on('data', (chunk) => (log += chunk));
  coturn.stderr!.on('data', (chunk) => (log += chunk));
  await expect
    .poll(() => coturn.exitCode === null && /Total General servers/.test(log), { timeout: 10_000, message: () => log })
    .toBe(true);
  return coturn;
}

/** Confab without a relay of its own, handing out the coturn above with credentials under `secret`, relay only. */
function startConfabForCoturn(secret: string) {
  return startConfab({
    port: PORT,
    dataDir: tempDir('coturn'),
    args: [
      '--no-turn',
      '--turn-url', `turn:127.0.0.1:${COTURN_PORT}?transport=udp`,
      '--turn-secret', secret,
      '--ice-transport-policy', 'relay',
    ],
  });
}

test('a call through an external coturn uses the credentials Confab issues', async ({ person }) => {
  test.skip(!fs.existsSync('/usr/bin/turnserver'), 'coturn is not installed (scripts/setup.sh installs it)');
  const secret = `e2e-${process.pid}`;
  const coturn = await startCoturn(secret);
  const server = await startConfabForCoturn(secret);
  try {
    const pages = await relayedCall(person, server.url);
    for (const pair of await selectedPairs(pages)) {
      expect(pair.local.type).toBe('relay');
      // The relayed address is coturn's: Confab's own relay is off.
      expect(pair.local.port).toBeGreaterThanOrEqual(COTURN_RELAY_PORTS[0]);
      expect(pair.local.port).toBeLessThanOrEqual(COTURN_RELAY_PORTS[1]);
    }
    await hangUp(...pages);
  } finally {
    await server.stop();
    coturn.kill('SIGTERM');
  }
});

test('with a wrong shared secret coturn refuses the credentials and no relayed call connects', async ({ person }) => {
  test.skip(!fs.existsSync('/usr/bin/turnserver'), 'coturn is not installed (scripts/setup.sh installs it)');
  const coturn = await startCoturn(`right-${process.pid}`);
  const server = await startConfabForCoturn(`wrong-${process.pid}`);
  try {
    const [ada, bo] = await twoJoined(person, server.url);
    // coturn refuses the allocation, so neither browser gathers a single candidate (relay only)
    // and the call never connects.
    for (const page of [ada, bo]) {
      await expect
        .poll(() => page.evaluate(() => (window as any).__confabPeerConnections[0]?.iceGatheringState), {
          timeout: 30_000,
        })
        .toBe('complete');
      const local = await page.evaluate(async () => {
        let count = 0;
        (await (window as any).__confabPeerConnections[0].getStats()).forEach((r: any) => {
          if (r.type === 'local-candidate') count += 1;
        });
        return count;
      });
      expect(local).toBe(0);
      expect(await page.evaluate(() => (window as any).__confabPeerConnections[0].connectionState)).not.toBe('connected');
    }
    await hangUp(ada, bo);
  } finally {
    await server.stop();
    coturn.kill('SIGTERM');
  }
});
