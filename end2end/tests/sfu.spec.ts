// Meetings whose media goes through the server's forwarding unit (--media sfu): every page has
// one connection, to the server, whatever the meeting's size.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import puppeteer from 'puppeteer-core';
import { startConfab } from '../server';
import {
  allTogether,
  expect,
  expectVideoPlaying,
  framesDecoded,
  hangUp,
  join,
  joinBySignaling,
  leaveBySignaling,
  openChat,
  say,
  speakingStates,
  startMeeting,
  test,
  texts,
  tile,
} from './support';

/** Ada starts a meeting on the server at `url` and Bob joins it. */
async function adaAndBob(url: string, open: () => Promise<Page>) {
  const [ada, bob] = [await open(), await open()];
  const link = await startMeeting(ada, url);
  await join(ada, link, 'Ada');
  await join(bob, link, 'Bob');
  return { ada, bob, link };
}

/** A port of its own for the server these tests start. */
const SFU_PORT = Number(process.env.CONFAB_E2E_SFU_PORT ?? 3455);

/** Open peer connections of the page. */
function openConnections(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      ((window as any).__confabPeerConnections as RTCPeerConnection[]).filter((pc) => pc.connectionState !== 'closed')
        .length,
  );
}

/**
 * Runs `body` against a server of its own (started with `media`, its unit on `listen`), with a
 * way to open pages as `person` does. The pages close before the server stops: left open, they
 * would try to reconnect to it, and their failing to is an error.
 */
async function onOwnServer(
  person: () => Promise<Page>,
  body: (url: string, open: () => Promise<Page>) => Promise<void>,
  { media = ['--media', 'sfu'], listen = '127.0.0.1:0' } = {},
): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-sfu-'));
  const server = await startConfab({ port: SFU_PORT, dataDir, args: [...media, '--media-listen', listen] });
  const pages: Page[] = [];
  const open = async () => {
    const page = await person();
    pages.push(page);
    return page;
  };
  try {
    await body(server.url, open);
  } finally {
    await hangUp(...pages);
    await server.stop();
  }
}

/** Where each open connection of the page goes: 'server' (the forwarding unit, which is ICE-lite) or 'direct'. */
function routes(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    ((window as any).__confabPeerConnections as RTCPeerConnection[])
      .filter((pc) => pc.connectionState !== 'closed')
      .map((pc) => (pc.remoteDescription?.sdp.includes('a=ice-lite') ? 'server' : 'direct')),
  );
}

/**
 * Watches, in the page, the frames the named tile's video presents (requestVideoFrameCallback);
 * `stop()` returns the longest time between two, in milliseconds (a figure for the record, not a
 * pass mark).
 */
async function watchStalls(page: Page, name: string) {
  await tile(page, name)
    .locator('video')
    .evaluate((video: HTMLVideoElement) => {
      const w = window as any;
      const watch = { last: performance.now(), longest: 0, on: true };
      w.__stall = watch;
      const frame = () => {
        const now = performance.now();
        watch.longest = Math.max(watch.longest, now - watch.last);
        watch.last = now;
        if (watch.on) video.requestVideoFrameCallback(frame);
      };
      video.requestVideoFrameCallback(frame);
    });
  return {
    stop: () =>
      page.evaluate(() => {
        const w = window as any;
        w.__stall.on = false;
        return Math.round(Math.max(w.__stall.longest, performance.now() - w.__stall.last));
      }),
  };
}

test('four people meet through the server: each page has one connection and sees and hears the three others', async ({
  person,
}) => {
  test.setTimeout(120_000);
  await onOwnServer(person, async (url, open) => {
    const names = ['Ada', 'Bob', 'Cy', 'Di'];
    const pages: Page[] = [];
    for (const _ of names) pages.push(await open());
    const link = await startMeeting(pages[0], url);
    for (const [i, page] of pages.entries()) await join(page, link, names[i]);
    await allTogether(pages);

    for (const [i, page] of pages.entries()) {
      for (const other of names.filter((_, j) => j !== i)) await expectVideoPlaying(page, other);
      expect(await openConnections(page), `${names[i]}'s connections`).toBe(1);
      // Three others' video arrives over the one connection.
      await expect.poll(async () => (await framesDecoded(page))[0]).toBeGreaterThan(30);
    }
  });
});

test('through the server, someone who leaves disappears and the others carry on; a newcomer sees everyone', async ({
  person,
}) => {
  test.setTimeout(90_000);
  await onOwnServer(person, async (url, open) => {
    const [ada, bob, cy] = [await open(), await open(), await open()];
    const link = await startMeeting(ada, url);
    await join(ada, link, 'Ada');
    await join(bob, link, 'Bob');
    await expectVideoPlaying(ada, 'Bob');

    await bob.getByRole('button', { name: 'Leave' }).click();
    await expect(tile(ada, 'Bob')).toHaveCount(0);

    await join(cy, link, 'Cy');
    await expectVideoPlaying(cy, 'Ada');
    await expectVideoPlaying(ada, 'Cy');
    expect(await openConnections(ada)).toBe(1);

    // Chat, relayed by the server: to everyone, and privately.
    await say(ada, 'hello through the server');
    await openChat(cy);
    await expect.poll(() => texts(cy)).toEqual(['hello through the server']);
    await say(cy, 'just for Ada', 'Ada');
    await expect.poll(() => texts(ada)).toEqual(['hello through the server', 'just for Ada']);
  });
});

test('through the server, tiles show the connection quality, and the server says who speaks: the tile lights up with the beep, and muting puts it out', async ({
  person,
}) => {
  test.setTimeout(90_000);
  await onOwnServer(person, async (url, open) => {
    const { ada, bob } = await adaAndBob(url, open);
    await expectVideoPlaying(bob, 'Ada');
    // Measured from the one connection's statistics for Ada's tracks.
    await expect(tile(bob, 'Ada').getByRole('img', { name: 'Connection good' })).toBeVisible();
    // Only Ada is heard, so she is the one who spoke last.
    await bob.getByRole('button', { name: 'Mute microphone' }).click();
    // No direct connection carries Ada's audio: the outline comes from the server's judgement.
    expect(await routes(bob)).toEqual(['server']);
    // The server judges 200 ms at a time and lets one quiet stretch pass (a pause between
    // words), so the twice-a-second beep may light the tile without a break: only that it
    // lights is asserted here; muting shows it going out.
    await expect.poll(() => speakingStates(bob, 'Ada'), { timeout: 30_000 }).toContain('true');
    await expect(tile(bob, 'Ada')).toHaveClass(/active-speaker/);

    await ada.getByRole('button', { name: 'Mute microphone' }).click();
    await expect(tile(bob, 'Ada')).toHaveAttribute('data-speaking', 'false');
    await expect.poll(() => speakingStates(bob, 'Ada')).toEqual(new Set(['false']));
    // Still the last to have spoken.
    await expect(tile(bob, 'Ada')).toHaveClass(/active-speaker/);
  });
});

/** Pretends the page's tab is hidden (or shown again), as switching tabs does. */
async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hidden) => {
    Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** Frames of video the page's one connection has decoded so far. */
async function decoded(page: Page): Promise<number> {
  return (await framesDecoded(page)).reduce((a, b) => a + b, 0);
}

test('through the server, a hidden tab is sent no video until it is shown again; its sound goes on', async ({
  person,
}) => {
  test.setTimeout(90_000);
  await onOwnServer(person, async (url, open) => {
    const { ada, bob } = await adaAndBob(url, open);
    await expectVideoPlaying(bob, 'Ada');

    await setTabHidden(bob, true);
    // Frames already on their way are decoded; then nothing more comes.
    await bob.waitForTimeout(1000);
    const stopped = await decoded(bob);
    await bob.waitForTimeout(2000);
    expect(await decoded(bob)).toBeLessThanOrEqual(stopped + 2);
    // Ada's sound still arrives, so the outline still follows her beeps.
    await expect.poll(() => speakingStates(bob, 'Ada'), { timeout: 30_000 }).toContain('true');

    await setTabHidden(bob, false);
    await expect.poll(() => decoded(bob)).toBeGreaterThan(stopped + 30);
    await expectVideoPlaying(bob, 'Ada');
  });
});

test('through the server, sending a file says it cannot be done here yet', async ({ person }) => {
  await onOwnServer(person, async (url, open) => {
    const { ada, bob } = await adaAndBob(url, open);
    await expectVideoPlaying(ada, 'Bob');
    await ada.getByRole('button', { name: /^Files/ }).click();
    await ada.getByLabel('Choose files to send').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('hello'),
    });
    await expect(ada.getByRole('alert').filter({ hasText: 'sending files is not possible here yet' })).toBeVisible();
  });
});

test('with --media auto, a meeting goes through the server when a third person joins and back when they leave, video flowing throughout', async ({
  person,
}) => {
  test.setTimeout(90_000);
  await onOwnServer(person, async (url, open) => {
    const { ada, bob, link } = await adaAndBob(url, open);
    await expectVideoPlaying(ada, 'Bob');
    expect(await routes(ada)).toEqual(['direct']);

    // The third joins by signaling only: a third browser starting up on this machine stalls
    // everyone's video for most of a second by itself, which would hide the switch's own gap.
    const toServer = await watchStalls(ada, 'Bob');
    await joinBySignaling(bob, link, ['Cy']);
    for (const page of [ada, bob]) await expect.poll(() => routes(page)).toEqual(['server']);
    await expectVideoPlaying(ada, 'Bob');
    await expectVideoPlaying(bob, 'Ada');
    const gapUp = await toServer.stop();

    const toDirect = await watchStalls(ada, 'Bob');
    await leaveBySignaling(bob);
    for (const page of [ada, bob]) await expect.poll(() => routes(page)).toEqual(['direct']);
    await expectVideoPlaying(ada, 'Bob');
    await expectVideoPlaying(bob, 'Ada');
    const gapDown = await toDirect.stop();
    console.log(`longest stall of Bob's video at Ada: mesh to server ${gapUp} ms, server to mesh ${gapDown} ms`);
  }, { media: ['--media', 'auto', '--mesh-max', '2'] });
});

/** A Firefox page (Debian's firefox-esr, driven over WebDriver BiDi) with a fake camera and microphone. */
async function firefoxPage() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.CONFAB_FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    acceptInsecureCerts: true,
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
    },
  });
  return { browser, page: await browser.newPage() };
}

test('a Firefox page meets Chromium pages through the server: everyone sees everyone', async ({ person }) => {
  test.setTimeout(120_000);
  // Firefox leaves loopback out of ICE: the unit listens on every address and gives browsers
  // this machine's own, as on a real server.
  await onOwnServer(
    person,
    async (url, open) => {
      const firefox = await firefoxPage();
      try {
        const { ada, bob, link } = await adaAndBob(url, open);

        const fox = firefox.page;
        await fox.goto(link);
        await fox.locator('::-p-aria([name="Your name"][role="textbox"])').fill('Fox');
        await fox.locator('::-p-aria([name="Join"][role="button"])').click();
        await fox.locator('::-p-aria([name="Leave"][role="button"])').wait();

        for (const page of [ada, bob]) {
          await expectVideoPlaying(page, 'Fox');
          expect(await routes(page)).toEqual(['server']);
        }
        await expectVideoPlaying(ada, 'Bob');
        // In Firefox: Ada's and Bob's pictures have a size and their clocks run.
        await fox.waitForFunction(
          () =>
            ['Ada', 'Bob'].every((name) => {
              const video = document.querySelector<HTMLVideoElement>(`figure[aria-label="${name}"] video`);
              return video !== null && video.videoWidth > 0 && video.currentTime > 1;
            }),
          { timeout: 30_000, polling: 200 },
        );
      } finally {
        await firefox.browser.close();
      }
    },
    { listen: '0.0.0.0:0' },
  );
});
