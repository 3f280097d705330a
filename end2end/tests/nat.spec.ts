// Calls between two people whose browsers sit behind symmetric NATs (a small Internet of network
// namespaces, see ../nat.ts): Confab's embedded TURN relay carries the call, and without a relay
// the same two browsers cannot reach each other, which shows the NATs are real.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Browser, Page } from '@playwright/test';
import {
  NatLab,
  PUBLIC_IP,
  PUBLIC_NET,
  commandExists,
  createNatLab,
  launchIn,
  natUnavailable,
  startStunServer,
} from '../nat';
import { startConfab } from '../server';
import {
  PersonOptions,
  expect,
  expectVideoPlaying,
  framesDecoded,
  join,
  selectedCandidates,
  startMeeting,
  test,
  tile,
} from './support';

/** Ports of our own (the shared server has 3443): Confab with TURN and its TURN listener, Confab without. */
const BASE_PORT = Number(process.env.CONFAB_E2E_NAT_PORT ?? 3461);
const TURN_CONFAB_PORT = BASE_PORT;
const TURN_PORT = BASE_PORT + 1;
const PLAIN_CONFAB_PORT = BASE_PORT + 2;
const STUN_PORT = BASE_PORT + 3;
/** The embedded relay's ports: a range of our own, so a relay candidate's port says whose it is. */
const RELAY_PORTS = { min: 50_461, max: 50_560 };

const unavailable = natUnavailable();
test.skip(unavailable !== undefined, `NAT tests skipped: ${unavailable}`);

let lab: NatLab | undefined;
test.beforeAll(() => {
  if (unavailable === undefined) lab = createNatLab();
});
test.afterAll(() => lab?.remove());

/** The states a peer connection has been through, in order. */
type StateHistory = { ice: string[]; connection: string[] };

/**
 * Records every peer connection's ICE and connection states as they change. The app answers
 * 'failed' with an ICE restart at once, so polling the state would almost never see it.
 */
const recordStates = () => {
  const Base = window.RTCPeerConnection;
  const histories: StateHistory[] = [];
  (window as any).__natStates = histories;
  window.RTCPeerConnection = class extends Base {
    constructor(config?: RTCConfiguration) {
      super(config);
      const history: StateHistory = { ice: [], connection: [] };
      histories.push(history);
      this.addEventListener('iceconnectionstatechange', () => history.ice.push(this.iceConnectionState));
      this.addEventListener('connectionstatechange', () => history.connection.push(this.connectionState));
    }
  } as typeof RTCPeerConnection;
};

/** Every state the page's peer connections have been through (all connections together). */
async function stateHistory(page: Page): Promise<StateHistory> {
  const all: StateHistory[] = await page.evaluate(() => (window as any).__natStates);
  return { ice: all.flatMap((h) => h.ice), connection: all.flatMap((h) => h.connection) };
}

/** ICE facts from getStats() of the page's open peer connections. */
type IceStats = {
  /** Type and address of every local candidate (host, srflx, relay). */
  local: { type: string; address: string }[];
  /** States of the candidate pairs (waiting, in-progress, succeeded, failed). */
  pairs: string[];
};

function iceStats(page: Page): Promise<IceStats> {
  return page.evaluate(async () => {
    const result: IceStats = { local: [], pairs: [] };
    for (const pc of (window as any).__confabPeerConnections as RTCPeerConnection[]) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r: any) => {
        if (r.type === 'local-candidate') result.local.push({ type: r.candidateType, address: r.address });
        if (r.type === 'candidate-pair') result.pairs.push(r.state);
      });
    }
    return result;
  });
}

/**
 * Starts Confab on the public address with `args`, and one browser in each home network.
 * Returns the server and the browsers; `close()` ends them all.
 */
async function setUp(port: number, args: string[]) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-nat-data-'));
  const browsers: Browser[] = [];
  let server: Awaited<ReturnType<typeof startConfab>> | undefined;
  const close = async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    server = await startConfab({ port, dataDir, host: PUBLIC_IP, args });
    browsers.push(...(await Promise.all([launchIn(lab!.a), launchIn(lab!.b)])));
  } catch (error) {
    await close();
    throw error;
  }
  return { url: server.url, a: browsers[0], b: browsers[1], close };
}

/** A person whose page records its connection states, in the given browser. */
async function personIn(
  person: (options?: PersonOptions) => Promise<Page>,
  browser: Browser,
): Promise<Page> {
  const page = await person({ browser });
  await page.addInitScript(recordStates);
  return page;
}

/** Ann behind NAT A and Bob behind NAT B, both joined to one meeting. */
async function annAndBob(person: Parameters<typeof personIn>[0], call: Awaited<ReturnType<typeof setUp>>): Promise<Page[]> {
  const ann = await personIn(person, call.a);
  const bob = await personIn(person, call.b);
  const link = await startMeeting(ann, call.url);
  await join(ann, link, 'Ann');
  await join(bob, link, 'Bob');
  return [ann, bob];
}

test('a call between two browsers behind symmetric NATs connects through the embedded TURN', async ({ person }) => {
  const call = await setUp(TURN_CONFAB_PORT, [
    '--turn-listen', `${PUBLIC_IP}:${TURN_PORT}`,
    '--turn-external-ip', PUBLIC_IP,
    // The relay refuses private addresses unless told; the NATs' public side is one.
    '--turn-allow-peer', PUBLIC_NET,
    '--turn-relay-ports', `${RELAY_PORTS.min}-${RELAY_PORTS.max}`,
  ]);
  try {
    const [ann, bob] = await annAndBob(person, call);
    await expectVideoPlaying(ann, 'Bob');
    await expectVideoPlaying(bob, 'Ann');
    // Each side's path has Confab's relay at one end: a relay candidate on its address and ports.
    for (const page of [ann, bob]) {
      const selected = await selectedCandidates(page);
      expect(selected, 'one connection, with a selected candidate pair').toHaveLength(1);
      const relayEnd = [selected[0].local, selected[0].remote].find((end) => end.type === 'relay');
      expect(relayEnd, `a relay candidate in ${JSON.stringify(selected[0])}`).toBeDefined();
      expect(relayEnd!.address).toBe(PUBLIC_IP);
      expect(relayEnd!.port).toBeGreaterThanOrEqual(RELAY_PORTS.min);
      expect(relayEnd!.port).toBeLessThanOrEqual(RELAY_PORTS.max);
    }
  } finally {
    await call.close();
  }
});

test('without TURN, the same two browsers cannot connect (the NATs are real)', async ({ person }) => {
  test.skip(!commandExists('turnserver'), 'coturn is not installed (apt-get install -y coturn)');
  // Chrome gives up on ICE about 15 s after its checks start; allow three times that, and setup.
  test.setTimeout(90_000);
  // A STUN server on the public side lets each browser learn its NAT's address, so the only thing
  // missing is a relay.
  const stun = await startStunServer(PUBLIC_IP, STUN_PORT);
  const call = await setUp(PLAIN_CONFAB_PORT, [
    '--no-turn',
    '--ice-server', `stun:${PUBLIC_IP}:${STUN_PORT}`,
  ]);
  try {
    const [ann, bob] = await annAndBob(person, call);
    // Signaling goes through the server, so each sees the other's tile.
    await expect(tile(ann, 'Bob')).toBeVisible();
    await expect(tile(bob, 'Ann')).toBeVisible();

    // STUN worked through each NAT: both have a server-reflexive candidate on their NAT's address.
    for (const [page, nat] of [[ann, lab!.a], [bob, lab!.b]] as const) {
      const reflexive = async () =>
        (await iceStats(page)).local.filter((c) => c.type === 'srflx').map((c) => c.address);
      await expect.poll(reflexive).toContain(nat.publicIp);
    }
    // Yet no path works. Chrome gives up about 15 s after its checks start (connectionState
    // 'failed', while iceConnectionState says 'disconnected'), and the app restarts ICE at once,
    // which also restarts the other side's checks: wait until either side gives up.
    const outcome = async () => {
      const histories = await Promise.all([ann, bob].map((page) => stateHistory(page)));
      return histories.flatMap((h) => h.connection).find((s) => s === 'failed' || s === 'connected');
    };
    await expect.poll(outcome, { timeout: 45_000, message: 'the call settles' }).toBeDefined();
    expect(await outcome(), 'the call fails').toBe('failed');
    for (const page of [ann, bob]) {
      const { ice, connection } = await stateHistory(page);
      expect(ice, 'ICE never connects').not.toContain('connected');
      expect(ice, 'ICE never connects').not.toContain('completed');
      expect(connection, 'the connection never connects').not.toContain('connected');
      expect((await iceStats(page)).pairs, 'no candidate pair works').not.toContain('succeeded');
      expect(await framesDecoded(page), 'no video arrives').toEqual([0]);
    }
    // What the person sees: the other's tile says it is not connected, and shows no picture.
    for (const [page, name] of [[ann, 'Bob'], [bob, 'Ann']] as const) {
      await expect(tile(page, name)).toContainText(/\((connecting|failed)\)/);
      const video = tile(page, name).locator('video');
      expect(await video.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBe(0);
    }
  } finally {
    await call.close();
    await stun.stop();
  }
});
