// A call survives its server restarting and its network path failing: media between the
// browsers never depends on the server, signaling comes back by itself, and a broken path is
// replaced by an ICE restart.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Page } from '@playwright/test';
import { startConfab } from '../server';
import {
  clickJoin,
  expect,
  expectFramesRising,
  framesDecoded,
  join,
  meeting,
  openLobby,
  setMeetingPassword,
  startMeeting,
  test,
  tile,
} from './support';

/** A port of its own for the server these tests restart (the shared one stays up). */
const RESTART_PORT = Number(process.env.CONFAB_E2E_RESTART_PORT ?? 3451);

/** What a browser logs while its server is away: refused WebSocket connections. */
const SERVER_AWAY = /WebSocket connection to .* failed/;

function reconnecting(page: Page) {
  return page.getByRole('status').filter({ hasText: 'Reconnecting to the server' });
}

/**
 * Samples every page's decoded remote video frames every `everyMs` until `stop()`, which returns
 * the samples (one array of per-connection counts per sample, per page).
 */
function watchFrames(pages: Page[], everyMs = 400) {
  const samples: number[][][] = pages.map(() => []);
  let running = true;
  const loop = (async () => {
    while (running) {
      const now = await Promise.all(pages.map((page) => framesDecoded(page)));
      now.forEach((frames, i) => samples[i].push(frames));
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** Whether every connection's decoded frames rose between every two consecutive samples. */
function roseThroughout(samples: number[][]): boolean {
  return samples.every(
    (now, i) => i === 0 || now.every((frames, c) => frames > (samples[i - 1][c] ?? Infinity)),
  );
}

test('a server restart mid-call: video never stops, signaling resumes, no duplicate tiles, the password is kept, chat and mute work after', async ({
  person,
}) => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-restart-'));
  let server = await startConfab({ port: RESTART_PORT, dataDir });
  try {
    const ann = await person({ tolerate: SERVER_AWAY });
    const bob = await person({ tolerate: SERVER_AWAY });
    const link = await startMeeting(ann, server.url);
    await join(ann, link, 'Ann');
    await join(bob, link, 'Bob');
    await expectFramesRising(ann, 1);
    await expectFramesRising(bob, 1);
    // Ann hosts and protects the meeting with a password, which the restarted server must not forget.
    await setMeetingPassword(ann, 'kept across restarts');
    await expect(bob.getByRole('status').filter({ hasText: 'protected by a password' })).toBeVisible();

    const watch = watchFrames([ann, bob]);
    const stopped = await server.stop();
    expect(stopped.code, 'the server exits cleanly on SIGTERM').toBe(0);
    await expect(reconnecting(ann)).toBeVisible();
    await expect(reconnecting(bob)).toBeVisible();
    // Let the browsers fail to reconnect a few times, as they would during a real restart.
    await ann.waitForTimeout(1500);

    server = await startConfab({ port: RESTART_PORT, dataDir });
    await expect(reconnecting(ann)).toBeHidden({ timeout: 5_000 });
    await expect(reconnecting(bob)).toBeHidden({ timeout: 5_000 });
    const [annFrames, bobFrames] = await watch.stop();
    expect(annFrames.length).toBeGreaterThanOrEqual(3);
    expect(roseThroughout(annFrames), `Ann's frames: ${JSON.stringify(annFrames)}`).toBe(true);
    expect(roseThroughout(bobFrames), `Bob's frames: ${JSON.stringify(bobFrames)}`).toBe(true);

    // One tile each, the same connection as before.
    for (const page of [ann, bob]) {
      await expect(page.getByRole('figure')).toHaveCount(2);
      await expect.poll(async () => (await framesDecoded(page)).length).toBe(1);
    }
    // Signaling works again: a mute reaches Bob through the server, and a newcomer meets both.
    await ann.getByRole('button', { name: 'Mute microphone' }).click();
    await expect(tile(bob, 'Ann').getByRole('img', { name: 'Microphone off' })).toBeVisible();
    // The server stops at the end while Cat is still in the call: her page may log a refused
    // reconnection too.
    const cat = await person({ tolerate: SERVER_AWAY });
    await openLobby(cat, link, 'Cat');
    await cat.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(cat.getByRole('alert')).toHaveText('This meeting needs a password.');
    await cat.getByLabel('Meeting password').fill('kept across restarts');
    await clickJoin(cat);
    await expectFramesRising(cat, 2);
    await expect(ann.getByRole('figure')).toHaveCount(3);
    // Chat, peer to peer, still goes both ways.
    await bob.getByRole('button', { name: /^Chat/ }).click();
    await bob.getByRole('textbox', { name: 'Message' }).fill('still here');
    await bob.getByRole('button', { name: 'Send', exact: true }).click();
    await ann.getByRole('button', { name: /^Chat/ }).click();
    await expect(ann.getByRole('log', { name: 'Chat messages' })).toContainText('still here');
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

/** Waits until nothing reaches the page any more: its decoded frames stop rising. */
async function expectFramesStopped(page: Page): Promise<void> {
  await expect
    .poll(async () => {
      const before = (await framesDecoded(page))[0];
      await page.waitForTimeout(700);
      return (await framesDecoded(page))[0] - before;
    })
    .toBe(0);
}

/** Ports of every ICE candidate a page's peer connections gathered (UDP and TCP). */
async function candidatePorts(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const ports = new Set<number>();
    for (const pc of (window as any).__confabPeerConnections as RTCPeerConnection[]) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r: any) => {
        if (r.type === 'local-candidate' && r.port) ports.add(r.port);
      });
    }
    return [...ports];
  });
}

/** The local port of the candidate pair each of the page's connections uses now. */
async function selectedPorts(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const ports: number[] = [];
    for (const pc of (window as any).__confabPeerConnections as RTCPeerConnection[]) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((r: any) => {
        if (r.type === 'transport' && r.selectedCandidatePairId) {
          const pair = stats.get(r.selectedCandidatePairId);
          const local = pair && stats.get(pair.localCandidateId);
          if (local) ports.push(local.port);
        }
      });
    }
    return ports;
  });
}

/**
 * Drops every packet to or from the given local ports (IPv4 and IPv6, UDP and TCP) until the
 * returned function is called. The browsers run on this machine, so their traffic passes these
 * filters in both directions.
 */
function blackhole(ports: number[]): () => void {
  const rules = ports.flatMap((port) =>
    ['udp', 'tcp'].flatMap((proto) => [
      ['INPUT', '-p', proto, '--dport', String(port), '-j', 'DROP'],
      ['OUTPUT', '-p', proto, '--sport', String(port), '-j', 'DROP'],
    ]),
  );
  const apply = (action: string) => {
    for (const tool of ['iptables', 'ip6tables']) {
      for (const rule of rules) {
        try {
          execFileSync(tool, ['-w', action, ...rule], { stdio: 'pipe' });
        } catch (error) {
          if (action === '-I') throw error;
        }
      }
    }
  };
  apply('-I');
  return () => apply('-D');
}

test('a three-second network blackhole for one person: the call recovers by itself', async ({ person }) => {
  const { pages } = await meeting(person, 'Ann', 'Bob');
  const [ann, bob] = pages;
  await expectFramesRising(ann, 1);
  await expectFramesRising(bob, 1);
  const restore = blackhole(await candidatePorts(bob));
  try {
    await expectFramesStopped(ann);
    await ann.waitForTimeout(3_000);
  } finally {
    restore();
  }
  await expectFramesRising(ann, 1);
  await expectFramesRising(bob, 1);
  await expect(ann.getByRole('figure')).toHaveCount(2);
});

test('when the path between two people breaks for good, an ICE restart finds a new one', async ({ person }) => {
  test.setTimeout(120_000);
  const { pages } = await meeting(person, 'Ann', 'Bob');
  const [ann, bob] = pages;
  await expectFramesRising(ann, 1);
  await expectFramesRising(bob, 1);
  // Every candidate either side has gathered is cut off, for the rest of the test: only new
  // candidates, which only an ICE restart gathers, can carry the call again.
  const blocked = [...(await candidatePorts(ann)), ...(await candidatePorts(bob))];
  const restore = blackhole(blocked);
  try {
    await expectFramesStopped(ann);
    await expectFramesRising(ann, 1);
    await expectFramesRising(bob, 1);
    for (const page of [ann, bob]) {
      const now = await selectedPorts(page);
      expect(now.length).toBe(1);
      expect(blocked).not.toContain(now[0]);
    }
  } finally {
    restore();
  }
});
