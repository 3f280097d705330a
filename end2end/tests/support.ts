// Helpers that act as a person would (by role and accessible name) and read what a person
// would see or hear: playing video, and the browser's own WebRTC statistics.
import { Browser, BrowserContext, Page, expect, test as base } from '@playwright/test';

/**
 * Records every RTCPeerConnection and camera/microphone stream the page makes, so tests can read
 * getStats() and check that devices were released, and counts the candidates each connection
 * gathers. Changes nothing else.
 */
const recordPeerConnections = () => {
  const Original = window.RTCPeerConnection;
  const all: RTCPeerConnection[] = [];
  (window as any).__confabPeerConnections = all;
  // Every control data channel, made or received: a test can speak on it as a modified browser
  // would.
  const controls: RTCDataChannel[] = [];
  (window as any).__confabControlChannels = controls;
  window.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      all.push(this);
      this.addEventListener('datachannel', ({ channel }) => {
        if (channel.label === 'control') controls.push(channel);
      });
      const gathered: { mid: string | null; candidate: string }[] = [];
      (this as any).__gathered = gathered;
      const create = this.createDataChannel.bind(this);
      this.createDataChannel = (label: string, init?: RTCDataChannelInit) => {
        const channel = create(label, init);
        if (label === 'control') controls.push(channel);
        return channel;
      };
      this.addEventListener('icecandidate', ({ candidate }) => {
        if (candidate) gathered.push({ mid: candidate.sdpMid, candidate: candidate.candidate });
      });
    }
  } as typeof RTCPeerConnection;
  // The type of every Blob the page hands out a URL for (received files), by URL.
  const blobTypes: Record<string, string> = {};
  (window as any).__confabBlobTypes = blobTypes;
  const createObjectURL = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (object: Blob | MediaSource) => {
    const url = createObjectURL(object);
    if (object instanceof Blob) blobTypes[url] = object.type;
    return url;
  };
  const streams: MediaStream[] = [];
  (window as any).__confabLocalStreams = streams;
  const screens: MediaStream[] = [];
  (window as any).__confabScreenStreams = screens;
  const devices = navigator.mediaDevices;
  if (devices) {
    const getUserMedia = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      const stream = await getUserMedia(constraints);
      streams.push(stream);
      return stream;
    };
    const getDisplayMedia = devices.getDisplayMedia.bind(devices);
    devices.getDisplayMedia = async (options?: DisplayMediaStreamOptions) => {
      const stream = await getDisplayMedia(options);
      screens.push(stream);
      return stream;
    };
  }
};

/** Kind and state of every camera/microphone track the page ever opened. */
export async function localTracks(page: Page): Promise<{ kind: string; readyState: string }[]> {
  return page.evaluate(() =>
    ((window as any).__confabLocalStreams as MediaStream[])
      .flatMap((s) => s.getTracks())
      .map((t) => ({ kind: t.kind, readyState: t.readyState })),
  );
}

/** Whether every camera/microphone track the page ever opened has been stopped. */
export async function allLocalTracksStopped(page: Page): Promise<boolean> {
  return page.evaluate(() =>
    ((window as any).__confabLocalStreams as MediaStream[])
      .flatMap((s) => s.getTracks())
      .every((t) => t.readyState === 'ended'),
  );
}

/** Options for a new person. */
export type PersonOptions = {
  camera?: boolean;
  browser?: Browser;
  /** Console errors this person's page may log (e.g. a refused connection while a server restarts). */
  tolerate?: RegExp;
  /** The browser's language (its Accept-Language), e.g. `de-DE`; English when not given. */
  locale?: string;
  /**
   * `false`: noise suppression starts off, as if turned off in Settings on an earlier visit (for
   * tests of something else that run many browsers at once: it saves each page an audio thread).
   */
  noiseSuppression?: boolean;
};

/**
 * The test fixture: `person()` gives a person with their own browser profile (context) and one
 * tab; every profile is closed when the test ends, so no call outlives its test.
 */
export const test = base.extend<{ person: (options?: PersonOptions) => Promise<Page> }>({
  person: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    // Uncaught exceptions and console errors (a panic, a hydration mismatch) fail the test.
    const errors: string[] = [];
    await use(async (options: PersonOptions = {}) => {
      const context = await (options.browser ?? browser).newContext({
        ...(options.camera === false ? { permissions: [] } : {}),
        ...(options.locale ? { locale: options.locale } : {}),
      });
      contexts.push(context);
      await context.addInitScript(recordPeerConnections);
      if (options.noiseSuppression === false) {
        await context.addInitScript(() => localStorage.setItem('confab.noise', 'off'));
      }
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        if (options.tolerate?.test(message.text())) return;
        errors.push(`${page.url()}: ${message.text()}`);
      });
      return page;
    });
    await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
    expect(errors, 'errors in the pages').toEqual([]);
  },
});
export { expect };

/**
 * Closes the pages, each hanging up as a closed tab does: before a test stops a server (or a
 * proxy) they still use, so that no page logs the refused reconnection that would follow.
 */
export async function hangUp(...pages: Page[]): Promise<void> {
  await Promise.all(pages.map((page) => page.close()));
}

/** Starts a meeting from the home page (of the server at `base`, default the one under test) and returns its link. */
export async function startMeeting(page: Page, base = ''): Promise<string> {
  await page.goto(`${base}/`);
  await page.getByRole('button', { name: 'Start a meeting' }).click();
  await expect(page).toHaveURL(/\/room\/[a-z2-7]{26}$/);
  return page.url();
}

/**
 * Starts a meeting from the first person's page and has everyone join it under the given names,
 * in order. Returns the link and the pages, in the same order.
 */
export async function meeting(
  person: (options?: PersonOptions) => Promise<Page>,
  ...names: string[]
): Promise<{ link: string; pages: Page[] }> {
  const pages: Page[] = [];
  for (const _ of names) pages.push(await person());
  const link = await startMeeting(pages[0]);
  for (const [i, name] of names.entries()) await join(pages[i], link, name);
  return { link, pages };
}

/** The host protects the meeting with a password from the People panel (the page says so). */
export async function setMeetingPassword(host: Page, password: string): Promise<void> {
  await host.getByRole('button', { name: 'People', exact: true }).click();
  await host.getByLabel('New meeting password').fill(password);
  await host.getByRole('button', { name: 'Set password' }).click();
  await host.getByRole('button', { name: 'Close people' }).click();
  await expect(host.getByRole('status').filter({ hasText: 'protected by a password' })).toBeVisible();
}

/** Opens the meeting link and waits in the lobby with a name typed. */
export async function openLobby(page: Page, link: string, name: string): Promise<void> {
  await page.goto(link);
  const nameField = page.getByRole('textbox', { name: 'Your name' });
  await expect(page.getByRole('button', { name: 'Join', exact: true })).toBeEnabled();
  await nameField.fill(name);
}

/** Clicks Join in the lobby and waits until the call view shows. */
export async function clickJoin(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Leave' })).toBeVisible();
}

/** Opens the link and joins under a name. */
export async function join(page: Page, link: string, name: string): Promise<void> {
  await openLobby(page, link, name);
  await clickJoin(page);
}

/** The tile of a participant, by the name shown on it. */
export function tile(page: Page, name: string) {
  return page.getByRole('figure', { name, exact: true });
}

/**
 * Participants who only speak the signaling protocol, from `page` (far cheaper than browsers):
 * each joins the meeting at `link` under its name and sends nothing more.
 */
export async function joinBySignaling(page: Page, link: string, names: string[]): Promise<void> {
  const room = link.split('/').pop()!;
  const joined = await page.evaluate(
    async ({ room, names }) => {
      const url = `wss://${location.host}/signal`;
      const welcomes = names.map(
        (name) =>
          new Promise<string>((resolve, reject) => {
            const socket = new WebSocket(url);
            (window as any).__keep = [...((window as any).__keep ?? []), socket];
            socket.onopen = () => socket.send(JSON.stringify({ type: 'join', room, name }));
            socket.onmessage = (event) => resolve(JSON.parse(event.data).type);
            socket.onerror = () => reject(new Error('socket failed'));
          }),
      );
      return Promise.all(welcomes);
    },
    { room, names },
  );
  expect(joined).toEqual(names.map(() => 'welcome'));
}

/** Those who joined from `page` by [`joinBySignaling`] leave. */
export async function leaveBySignaling(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const socket of ((window as any).__keep ?? []) as WebSocket[]) {
      socket.send(JSON.stringify({ type: 'leave' }));
      socket.close();
    }
    (window as any).__keep = [];
  });
}

/** Watches a tile for a few seconds and returns every speaking state it showed. */
export async function speakingStates(page: Page, name: string, seconds = 4): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < seconds * 10; i++) {
    seen.add((await tile(page, name).getAttribute('data-speaking')) ?? 'missing');
    await page.waitForTimeout(100);
  }
  return seen;
}

/** Asserts the named participant's video is playing: it has frames and its clock advances. */
export async function expectVideoPlaying(page: Page, name: string): Promise<void> {
  const video = tile(page, name).locator('video');
  await expect(video).toBeVisible();
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
  const before = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime))
    .toBeGreaterThan(before);
}

/** framesDecoded of the inbound video of every open peer connection of the page. */
export async function framesDecoded(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const all: RTCPeerConnection[] = (window as any).__confabPeerConnections ?? [];
    const open = all.filter((pc) => pc.connectionState !== 'closed');
    return Promise.all(
      open.map(async (pc) => {
        let frames = 0;
        (await pc.getStats()).forEach((report: any) => {
          if (report.type === 'inbound-rtp' && report.kind === 'video') frames += report.framesDecoded ?? 0;
        });
        return frames;
      }),
    );
  });
}

/** One ICE candidate a peer connection gathered, and the media section it was gathered for. */
export type Gathered = { mid: string | null; candidate: string };

/** The ICE candidates each open peer connection of the page gathered, once all have finished. */
export async function gatheredCandidates(page: Page): Promise<Gathered[][]> {
  const read = () =>
    page.evaluate(() => {
      const all: RTCPeerConnection[] = (window as any).__confabPeerConnections ?? [];
      const open = all.filter((pc) => pc.connectionState !== 'closed');
      return {
        complete: open.every((pc) => pc.iceGatheringState === 'complete'),
        gathered: open.map((pc) => (pc as any).__gathered as Gathered[]),
      };
    });
  await expect.poll(async () => (await read()).complete).toBe(true);
  return (await read()).gathered;
}

/** Asserts the page has `count` open peer connections and each one's decoded frames keep rising. */
export async function expectFramesRising(page: Page, count: number): Promise<void> {
  await expect.poll(async () => (await framesDecoded(page)).length).toBe(count);
  const before = await framesDecoded(page);
  await expect
    .poll(async () => {
      const now = await framesDecoded(page);
      return now.length === before.length && now.every((frames, i) => frames > before[i] && frames > 0);
    })
    .toBe(true);
}

/** Audio energy the page received over `ms` (about a second unless told), from every peer (WebRTC totalAudioEnergy). */
export async function receivedAudioEnergy(page: Page, ms = 1200): Promise<number> {
  const energy = () =>
    page.evaluate(async () => {
      let total = 0;
      for (const pc of (window as any).__confabPeerConnections as RTCPeerConnection[]) {
        if (pc.connectionState === 'closed') continue;
        (await pc.getStats()).forEach((r: any) => {
          if (r.type === 'inbound-rtp' && r.kind === 'audio') total += r.totalAudioEnergy ?? 0;
        });
      }
      return total;
    });
  const before = await energy();
  await page.waitForTimeout(ms);
  return (await energy()) - before;
}

/** Size of the video the page receives, per open peer connection (inbound-rtp frame size). */
export async function receivedFrameSizes(page: Page): Promise<{ width: number; height: number }[]> {
  return page.evaluate(async () => {
    const all: RTCPeerConnection[] = (window as any).__confabPeerConnections ?? [];
    const open = all.filter((pc) => pc.connectionState !== 'closed');
    return Promise.all(
      open.map(async (pc) => {
        let size = { width: 0, height: 0 };
        (await pc.getStats()).forEach((report: any) => {
          if (report.type === 'inbound-rtp' && report.kind === 'video')
            size = { width: report.frameWidth ?? 0, height: report.frameHeight ?? 0 };
        });
        return size;
      }),
    );
  });
}

/** The names on the remote tiles of a page (every tile but your own). */
export async function remoteNames(page: Page): Promise<string[]> {
  const labels = await page.getByRole('figure').evaluateAll((figures) =>
    figures.map((f) => f.getAttribute('aria-label') ?? ''),
  );
  return labels.filter((label) => label !== 'You').sort();
}

/** Waits until every page shows a tile for everyone in the call. */
export async function allTogether(pages: Page[]): Promise<void> {
  for (const page of pages) await expect(page.getByRole('figure')).toHaveCount(pages.length);
}

/** A candidate of the pair a peer connection is using: its type and address. */
export type SelectedCandidate = { type: string; address: string; port: number };

/**
 * The local and remote candidates of the pair each open peer connection of the page has
 * selected (none yet: an empty list for that connection).
 */
export async function selectedCandidates(
  page: Page,
): Promise<{ local: SelectedCandidate; remote: SelectedCandidate }[]> {
  return page.evaluate(async () => {
    const all: RTCPeerConnection[] = (window as any).__confabPeerConnections ?? [];
    const open = all.filter((pc) => pc.connectionState !== 'closed');
    const pairs = await Promise.all(
      open.map(async (pc) => {
        const reports = new Map<string, any>();
        (await pc.getStats()).forEach((r: any) => reports.set(r.id, r));
        const transport = [...reports.values()].find((r) => r.type === 'transport');
        const pair = transport && reports.get(transport.selectedCandidatePairId);
        if (!pair) return null;
        const describe = (c: any) => ({ type: c.candidateType, address: c.address, port: c.port });
        return { local: describe(reports.get(pair.localCandidateId)), remote: describe(reports.get(pair.remoteCandidateId)) };
      }),
    );
    return pairs.filter((p) => p !== null);
  });
}

/** Opens the chat panel (if closed) and sends a message to `to` ("Everyone" or a name). */
export async function say(page: Page, text: string, to = 'Everyone'): Promise<void> {
  await openChat(page);
  await page.getByLabel('Send message to').selectOption({ label: to });
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('');
}

export async function openChat(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: /^Chat/ });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await expect(page.getByRole('log', { name: 'Chat messages' })).toBeVisible();
}

/** The texts of the chat messages a page shows, in order. */
export async function texts(page: Page): Promise<string[]> {
  return page
    .getByRole('log', { name: 'Chat messages' })
    .getByRole('listitem')
    .locator('.chat-text')
    .allInnerTexts();
}
