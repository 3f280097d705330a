// Getting into a meeting: the start page, broken links, a blocked camera, a full room.
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumArgs } from '../playwright.config';
import { startConfab } from '../server';
import { turnedAwayFromFullMeeting } from './call_states';
import {
  clickJoin,
  expect,
  expectFramesRising,
  expectVideoPlaying,
  hangUp,
  join,
  meeting,
  openLobby,
  setMeetingPassword,
  startMeeting,
  test,
  tile,
} from './support';

test('a pasted meeting link or code on the start page opens that meeting', async ({ person }) => {
  const ada = await person();
  const link = await startMeeting(ada);
  const code = link.split('/').pop()!;

  const bob = await person();
  await bob.goto('/');
  await bob.getByRole('textbox', { name: 'Meeting link or code' }).fill(`  ${link}  `);
  await bob.getByRole('button', { name: 'Join meeting' }).click();
  await expect(bob).toHaveURL(link);

  await bob.goto('/');
  await bob.getByRole('textbox', { name: 'Meeting link or code' }).fill(code.toUpperCase());
  await bob.getByRole('button', { name: 'Join meeting' }).click();
  await expect(bob).toHaveURL(link);
  await expect(bob.getByRole('textbox', { name: 'Meeting link' })).toHaveValue(link);
});

test('the join form works before the page is interactive (without JavaScript)', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto('/');
    const code = 'abcdefghijklmnopqrstuvwxyz';
    await page.getByRole('textbox', { name: 'Meeting link or code' }).fill(code);
    await page.getByRole('button', { name: 'Join meeting' }).click();
    await expect(page).toHaveURL(`/room/${code}`);

    await page.goto('/');
    await page.getByRole('textbox', { name: 'Meeting link or code' }).fill('not a code');
    await page.getByRole('button', { name: 'Join meeting' }).click();
    await expect(page).toHaveURL('/?code=not+a+code');
    await expect(page.getByRole('textbox', { name: 'Meeting link or code' })).toHaveValue('not a code');
    await expect(page.getByRole('alert').filter({ hasText: 'That is not a meeting link' })).toBeVisible();
  } finally {
    await context.close();
  }
});

test('Start a meeting works before the page is interactive (without JavaScript)', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('button', { name: 'Start a meeting' }).click();
    await expect(page).toHaveURL(/\/room\/[a-z2-7]{26}$/);
    await expect(page.getByRole('textbox', { name: 'Your name' })).toBeVisible();
  } finally {
    await context.close();
  }
});

test('a mistyped code gets a clear error and stays on the start page', async ({ person }) => {
  const page = await person();
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Meeting link or code' }).fill('hello');
  await page.getByRole('button', { name: 'Join meeting' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'not a meeting link' })).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
});

test('a broken meeting link says so', async ({ person }) => {
  const page = await person();
  await page.goto('/room/not-a-room');
  await expect(page.getByRole('heading', { name: 'This meeting link is not valid' })).toBeVisible();
});

test('with the camera blocked, a person is told why and can still join to see and hear others', async ({ person, playwright }) => {
  const ada = await person();
  const link = await startMeeting(ada);
  await join(ada, link, 'Ada');

  // A browser that never grants the camera: no fake-UI flag, no permission.
  const strict = await playwright.chromium.launch({
    executablePath: process.env.CONFAB_CHROMIUM ?? '/usr/bin/chromium',
    args: chromiumArgs,
  });
  try {
    const dee = await person({ browser: strict, camera: false });
    await openLobby(dee, link, 'Dee');
    await expect(dee.getByRole('status').filter({ hasText: 'Camera and microphone are blocked' })).toBeVisible();
    await dee.getByRole('button', { name: 'Join', exact: true }).click();
    await expectVideoPlaying(dee, 'Ada');
    await expectFramesRising(dee, 1);
    await expect(tile(ada, 'Dee')).toBeVisible();
  } finally {
    await strict.close();
  }
});

test('a refused Join leaves the lobby as it was: the same preview video, still playing', async ({ person }) => {
  const { link, pages } = await meeting(person, 'Host');
  const [host] = pages;
  await setMeetingPassword(host, 'tea at five');

  const guest = await person();
  await openLobby(guest, link, 'Guest');
  // Counts what would restart the preview: a new element, or its stream handed to it again.
  const preview = tile(guest, 'You (preview)').locator('video');
  await preview.evaluate((video) => {
    const own = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject')!;
    (video as any).confabAssignments = 0;
    Object.defineProperty(video, 'srcObject', {
      get: () => own.get!.call(video),
      set: (stream) => {
        (video as any).confabAssignments++;
        own.set!.call(video, stream);
      },
    });
  });
  await guest.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(guest.getByRole('alert')).toHaveText('This meeting needs a password.');
  expect(await preview.evaluate((video) => (video as any).confabAssignments)).toBe(0);
  await expectVideoPlaying(guest, 'You (preview)');
  await expect(guest.getByRole('textbox', { name: 'Your name' })).toHaveValue('Guest');
});

test('the seventh person is told the room is full', async ({ person }) => {
  const late = await turnedAwayFromFullMeeting(person);
  await late.getByRole('button', { name: 'Try again' }).click();
  await expect(late.getByRole('button', { name: 'Join', exact: true })).toBeEnabled();
});

test("the call's code is a chunk of its own: the lobby works without it, and Join says so and tries again", async ({ person }) => {
  const ada = await person();
  const link = await startMeeting(ada);
  // The failed fetches are logged, as the page should.
  const bob = await person({ tolerate: /ERR_INTERNET_DISCONNECTED|Failed to fetch/ });
  // Bob's network drops the call's chunk until told otherwise.
  let blocked = true;
  const asked: string[] = [];
  await bob.route('**/pkg/split_*.wasm', (route) => {
    asked.push(new URL(route.request().url()).pathname);
    return blocked ? route.abort('internetdisconnected') : route.continue();
  });
  await openLobby(bob, link, 'Bob');
  await expectVideoPlaying(bob, 'You (preview)');
  // The lobby asked for the call's code on its own, before anyone pressed Join.
  await expect.poll(() => asked.length).toBeGreaterThan(0);
  await bob.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(bob.getByRole('alert')).toHaveText('Could not load the call. Check the connection and press Join again.');
  await expect(bob.getByRole('button', { name: 'Join', exact: true })).toBeEnabled();
  await expect(bob.getByRole('textbox', { name: 'Your name' })).toHaveValue('Bob');
  // Not in the room: Ada is alone.
  await join(ada, link, 'Ada');
  await expect(tile(ada, 'Bob')).toHaveCount(0);

  blocked = false;
  await clickJoin(bob);
  await expect(tile(ada, 'Bob')).toBeVisible();
  await expectVideoPlaying(ada, 'Bob');
  await expectVideoPlaying(bob, 'Ada');
});

test('the app arrives compressed', async ({ person }) => {
  const page = await person();
  await page.goto('/');
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
  const bundle = await page.evaluate(() => {
    const entry = performance
      .getEntriesByType('resource')
      .find((e) => new URL(e.name).pathname.endsWith('.wasm')) as PerformanceResourceTiming;
    return { encoded: entry.encodedBodySize, decoded: entry.decodedBodySize };
  });
  // Brotli or gzip from the release build: under half the bundle's size crosses the network.
  expect(bundle.encoded).toBeGreaterThan(0);
  expect(bundle.encoded).toBeLessThan(bundle.decoded / 2);
  // The start page needs none of the call's code.
  const chunks = await page.evaluate(() =>
    performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.includes('/split_')).length,
  );
  expect(chunks).toBe(0);
});

test('a repeat visit downloads none of the app again: each file is revalidated, nothing more', async () => {
  // Chromium caches nothing from an origin whose certificate it had to be told to ignore, so this
  // browser trusts the server's certificate by its key, as it would trust a real one.
  const port = Number(process.env.CONFAB_E2E_CACHE_PORT ?? 3454);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-cache-'));
  const server = await startConfab({ port, dataDir });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-profile-'));
  const pem = fs.readFileSync(path.join(dataDir, 'tls', 'self-signed-cert.pem'), 'utf8');
  const key = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  const spki = createHash('sha256').update(key).digest('base64');
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CONFAB_CHROMIUM ?? '/usr/bin/chromium',
    args: [...chromiumArgs, `--ignore-certificate-errors-spki-list=${spki}`],
  });
  try {
    /** Opens the meeting link in a new tab: the bytes each file of the app took off the network. */
    const visit = async () => {
      const page = await browser.newPage();
      const network = await browser.newCDPSession(page);
      await network.send('Network.enable');
      const urls = new Map<string, string>();
      const bytes = new Map<string, number>();
      network.on('Network.responseReceived', (e) => urls.set(e.requestId, new URL(e.response.url).pathname));
      network.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
      await page.goto(`https://localhost:${port}/room/abcdefghijklmnopqrstuvwxyz`);
      await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
      // The page's files, then the call's chunk (fetched once the lobby runs).
      await expect.poll(() => [...urls.values()].filter((u) => u.startsWith('/pkg/')).length).toBe(5);
      await expect.poll(() => [...urls.keys()].every((id) => bytes.has(id))).toBe(true);
      await page.close();
      const app: Record<string, number> = {};
      for (const [id, url] of urls) if (url.startsWith('/pkg/')) app[url] = bytes.get(id)!;
      return app;
    };
    const first = await visit();
    expect(first['/pkg/confab.wasm']).toBeGreaterThan(100_000);
    expect(first['/pkg/split_confab_call.wasm']).toBeGreaterThan(50_000);
    const again = await visit();
    // A 304's headers, a few dozen bytes, for each of the WASM (the page's and the call's), the JS
    // (the page's and the chunk loader) and the CSS.
    expect(Object.keys(again).sort()).toEqual([
      '/pkg/__wasm_split.______________________.js',
      '/pkg/confab.css',
      '/pkg/confab.js',
      '/pkg/confab.wasm',
      '/pkg/split_confab_call.wasm',
    ]);
    for (const [url, size] of Object.entries(again)) expect(size, url).toBeLessThan(500);
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

test('in a call, the browser holds one connection to the server: signaling rides on the page\'s HTTP/2 connection', async ({ person }) => {
  const port = Number(process.env.CONFAB_E2E_H2_PORT ?? 3453);
  const server = await startConfab({ port, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'confab-h2-')) });
  try {
    const page = await person();
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Start a meeting' }).click();
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Leave' })).toBeVisible();
    // The browser's TCP connections to this server (the test's own health checks are node's).
    const browserConnections = () =>
      execFileSync('ss', ['-Htnp', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes('chrom'));
    await expect.poll(() => browserConnections().length).toBe(1);
    await hangUp(page);
  } finally {
    await server.stop();
  }
});
