// Files sent peer to peer: offered, accepted or declined, verified by SHA-256, cancelled from
// either side, and reported as failed when the sender goes away.
import { Page } from '@playwright/test';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { allTogether, expect, meeting, test } from './support';

type Upload = string | { name: string; mimeType: string; buffer: Buffer };

async function openFiles(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: /^Files/ });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await expect(page.getByRole('complementary', { name: 'Files' })).toBeVisible();
}

/** Picks files in the Files panel for `to` ("Everyone" or a name). */
async function sendFiles(page: Page, files: Upload[], to = 'Everyone'): Promise<void> {
  await openFiles(page);
  await page.getByLabel('Send files to').selectOption({ label: to });
  await page.getByLabel('Choose files to send').setInputFiles(files as any);
}

/** A transfer in the list, by its name: "FILE to PERSON" or "FILE from PERSON". */
function transfer(page: Page, title: string) {
  return page.getByRole('list', { name: 'Transfers' }).getByRole('listitem', { name: title, exact: true });
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Clicks Save on a received file and returns its suggested name and bytes. */
async function save(page: Page, title: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    transfer(page, title).getByRole('link', { name: 'Save' }).click(),
  ]);
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(await download.path()) };
}

/** A file of `bytes` zero bytes that takes no disk space, for transfers long enough to interrupt. */
function bigFile(name: string, bytes: number): string {
  const path = test.info().outputPath(name);
  fs.mkdirSync(test.info().outputDir, { recursive: true });
  const fd = fs.openSync(path, 'w');
  fs.ftruncateSync(fd, bytes);
  fs.closeSync(fd);
  return path;
}

const GB = 1024 * 1024 * 1024;

test('a 10 MB random file arrives intact: same SHA-256, verified on both sides', async ({ person }) => {
  const { pages } = await meeting(person, 'Ann', 'Bob');
  const [ann, bob] = pages;
  await allTogether(pages);
  const bytes = randomBytes(10 * 1024 * 1024);
  fs.mkdirSync(test.info().outputDir, { recursive: true });
  const path = test.info().outputPath('random.bin');
  fs.writeFileSync(path, bytes);

  await sendFiles(ann, [path], 'Bob');
  await expect(transfer(ann, 'random.bin to Bob')).toContainText('Waiting for Bob to accept');
  // The receiver's panel opens by itself with the offer: name, size and sender.
  const offer = transfer(bob, 'random.bin from Ann');
  await expect(offer).toContainText('10.5 MB');
  await expect(offer).toContainText('Ann wants to send you this file');
  await offer.getByRole('button', { name: 'Accept' }).click();

  await expect(offer).toContainText('Verified');
  await expect(transfer(ann, 'random.bin to Bob')).toContainText('Verified: delivered intact');
  await expect(offer.getByRole('progressbar')).toHaveAttribute('value', '100.0');
  const saved = await save(bob, 'random.bin from Ann');
  expect(saved.name).toBe('random.bin');
  expect(saved.bytes.length).toBe(bytes.length);
  expect(sha256(saved.bytes)).toBe(sha256(bytes));
});

/** The paths of the workers `page` starts from now on. */
function workersOf(page: Page): string[] {
  const paths: string[] = [];
  page.on('worker', (worker) => paths.push(new URL(worker.url()).pathname));
  return paths;
}

test('both sides hash the file in a worker, off the page\'s main thread', async ({ person }) => {
  const { pages } = await meeting(person, 'Ann', 'Bob');
  const [ann, bob] = pages;
  await allTogether(pages);
  const [annWorkers, bobWorkers] = [workersOf(ann), workersOf(bob)];
  await sendFiles(ann, [{ name: 'data.bin', mimeType: 'application/octet-stream', buffer: randomBytes(3_000_000) }]);
  await transfer(bob, 'data.bin from Ann').getByRole('button', { name: 'Accept' }).click();
  await expect(transfer(bob, 'data.bin from Ann')).toContainText('Verified');
  await expect(transfer(ann, 'data.bin to Bob')).toContainText('Verified: delivered intact');
  expect(annWorkers).toEqual(['/hash-worker.js']);
  expect(bobWorkers).toEqual(['/hash-worker.js']);
});

test('a page that cannot load the hashing module hashes in the page, and both ends still agree', async ({ person }) => {
  // Bob's page reports the missing module's 404 (and nothing else may go wrong).
  const { pages } = await meeting((options) => person({ ...options, tolerate: /status of 404/ }), 'Ann', 'Bob');
  const [ann, bob] = pages;
  await allTogether(pages);
  // Bob's module is missing (an old cache, a proxy that blocks it): his page hashes itself.
  await bob.route('**/confab_hash.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  const [annWorkers, bobWorkers] = [workersOf(ann), workersOf(bob)];
  const bytes = randomBytes(3_000_000);
  await sendFiles(ann, [{ name: 'data.bin', mimeType: 'application/octet-stream', buffer: bytes }]);
  await transfer(bob, 'data.bin from Ann').getByRole('button', { name: 'Accept' }).click();
  await expect(transfer(bob, 'data.bin from Ann')).toContainText('Verified');
  await expect(transfer(ann, 'data.bin to Bob')).toContainText('Verified: delivered intact');
  expect(annWorkers).toEqual(['/hash-worker.js']);
  expect(bobWorkers).toEqual([]);
  // And the other way round: Bob's page-made digest is what Ann's worker checks against.
  await sendFiles(bob, [{ name: 'back.bin', mimeType: 'application/octet-stream', buffer: bytes }]);
  await transfer(ann, 'back.bin from Bob').getByRole('button', { name: 'Accept' }).click();
  await expect(transfer(ann, 'back.bin from Bob')).toContainText('Verified');
  expect(bobWorkers).toEqual([]);
});

test('a byte changed on the way is caught: failed on both sides, nothing to save', async ({ person }) => {
  const { pages } = await meeting(person, 'Ann', 'Bob');
  const [ann, bob] = pages;
  await allTogether(pages);
  // Flip the first byte of the first chunk Ann's browser puts on a file channel.
  await ann.evaluate(() => {
    const send = RTCDataChannel.prototype.send;
    let flipped = false;
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: any) {
      if (!flipped && this.label.startsWith('file:') && typeof data !== 'string') {
        flipped = true;
        const copy = new Uint8Array(data);
        copy[0] ^= 0xff;
        return send.call(this, copy);
      }
      return send.call(this, data);
    };
  });
  await sendFiles(ann, [{ name: 'data.bin', mimeType: 'application/octet-stream', buffer: randomBytes(300_000) }]);
  await transfer(bob, 'data.bin from Ann').getByRole('button', { name: 'Accept' }).click();
  await expect(transfer(bob, 'data.bin from Ann')).toContainText('Failed: the file arrived damaged (SHA-256 differs)');
  await expect(transfer(ann, 'data.bin to Bob')).toContainText('Failed: the file arrived damaged');
  await expect(transfer(bob, 'data.bin from Ann').getByRole('link', { name: 'Save' })).toHaveCount(0);
});

test('declining tells the sender; nothing is sent', async ({ person }) => {
  const { pages } = await meeting(person, 'Ann', 'Bob');
  const [ann, bob] = pages;
  await allTogether(pages);
  await sendFiles(ann, [{ name: 'offer.txt', mimeType: 'text/plain', buffer: Buffer.from('no thanks') }]);
  await expect(bob.getByRole('button', { name: 'Files, 1 waiting' })).toBeVisible();
  await transfer(bob, 'offer.txt from Ann').getByRole('button', { name: 'Decline' }).click();
  await expect(transfer(bob, 'offer.txt from Ann')).toContainText('You declined');
  await expect(transfer(ann, 'offer.txt to Bob')).toContainText('Bob declined');
  await expect(transfer(bob, 'offer.txt from Ann').getByRole('link', { name: 'Save' })).toHaveCount(0);
  await expect(bob.getByRole('button', { name: 'Files', exact: true })).toBeVisible();
});

/** Starts a long transfer Ann → Bob and waits until both sides show progress, speed and time left. */
async function longTransfer(ann: Page, bob: Page): Promise<void> {
  await sendFiles(ann, [bigFile('big.bin', GB)], 'Bob');
  await transfer(bob, 'big.bin from Ann').getByRole('button', { name: 'Accept' }).click();
  const moving = /\d+% · [\d.]+ [kMG]?B\/s · .+ left/;
  await expect(transfer(bob, 'big.bin from Ann')).toContainText(moving);
  await expect(transfer(ann, 'big.bin to Bob')).toContainText(moving);
}

test('the sender cancels mid-way: both sides show cancelled', async ({ person }) => {
  const { pages } = await meeting(person, 'Ann', 'Bob');
  const [ann, bob] = pages;
  await allTogether(pages);
  await longTransfer(ann, bob);
  await transfer(ann, 'big.bin to Bob').getByRole('button', { name: 'Cancel' }).click();
  await expect(transfer(ann, 'big.bin to Bob')).toContainText('Cancelled');
  await expect(transfer(bob, 'big.bin from Ann')).toContainText('Cancelled by Ann');
  await expect(transfer(bob, 'big.bin from Ann').getByRole('link', { name: 'Save' })).toHaveCount(0);
  await expect(transfer(bob, 'big.bin from Ann').getByRole('button')).toHaveCount(0);
});

test('the receiver cancels mid-way: both sides show cancelled', async ({ person }) => {
  const { pages } = await meeting(person, 'Ann', 'Bob');
  const [ann, bob] = pages;
  await allTogether(pages);
  await longTransfer(ann, bob);
  await transfer(bob, 'big.bin from Ann').getByRole('button', { name: 'Cancel' }).click();
  await expect(transfer(bob, 'big.bin from Ann')).toContainText('Cancelled');
  await expect(transfer(ann, 'big.bin to Bob')).toContainText('Cancelled by Bob');
  await expect(transfer(ann, 'big.bin to Bob').getByRole('button')).toHaveCount(0);
});

test('the sender leaves mid-transfer: the receiver shows failed, never done', async ({ person }) => {
  const { pages } = await meeting(person, 'Ann', 'Bob');
  const [ann, bob] = pages;
  await allTogether(pages);
  await longTransfer(ann, bob);
  await ann.getByRole('button', { name: 'Leave' }).click();
  const item = transfer(bob, 'big.bin from Ann');
  await expect(item).toContainText('Failed: Ann left the call before it finished.');
  await expect(item).not.toContainText('Verified');
  await expect(item.getByRole('link', { name: 'Save' })).toHaveCount(0);
});

test('an empty file and a name with spaces and non-ASCII letters arrive intact', async ({ person }) => {
  const { pages } = await meeting(person, 'Ann', 'Bob');
  const [ann, bob] = pages;
  await allTogether(pages);
  const fancy = 'Überraschung für Zoë – 日本語 ✓.txt';
  const content = Buffer.from('grüße, 👋\n');
  await sendFiles(ann, [
    { name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) },
    { name: fancy, mimeType: 'text/plain', buffer: content },
  ]);
  await expect(bob.getByRole('button', { name: 'Files, 2 waiting' })).toBeVisible();
  for (const title of ['empty.txt from Ann', `${fancy} from Ann`]) {
    await transfer(bob, title).getByRole('button', { name: 'Accept' }).click();
    await expect(transfer(bob, title)).toContainText('Verified');
  }
  await expect(transfer(bob, 'empty.txt from Ann')).toContainText('0 B');
  const empty = await save(bob, 'empty.txt from Ann');
  expect(empty).toEqual({ name: 'empty.txt', bytes: Buffer.alloc(0) });
  const named = await save(bob, `${fancy} from Ann`);
  expect(named.name).toBe(fancy);
  expect(named.bytes.equals(content)).toBe(true);
  await expect(transfer(ann, `${fancy} to Bob`)).toContainText('Verified');
});

test('files dropped on the panel go to everyone; picked for one person, only to them', async ({ person }) => {
  const { pages } = await meeting(person, 'Ann', 'Bob', 'Cat');
  const [ann, bob, cat] = pages;
  await allTogether(pages);
  await openFiles(ann);
  // Dropped on the panel's text, as a person would drop them on the panel.
  const panel = ann.getByRole('complementary', { name: 'Files' });
  await panel.getByText('or drop files here', { exact: false }).evaluate((zone) => {
    const data = new DataTransfer();
    data.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }));
    const init = { dataTransfer: data, bubbles: true, cancelable: true };
    zone.dispatchEvent(new DragEvent('dragover', init));
    zone.dispatchEvent(new DragEvent('drop', init));
  });
  for (const [page, name] of [
    [bob, 'Bob'],
    [cat, 'Cat'],
  ] as const) {
    await expect(transfer(ann, `dropped.txt to ${name}`)).toBeVisible();
    await transfer(page, 'dropped.txt from Ann').getByRole('button', { name: 'Accept' }).click();
    await expect(transfer(page, 'dropped.txt from Ann')).toContainText('Verified');
  }

  await sendFiles(ann, [{ name: 'only-cat.txt', mimeType: 'text/plain', buffer: Buffer.from('hi Cat') }], 'Cat');
  await expect(transfer(cat, 'only-cat.txt from Ann')).toBeVisible();
  await expect(transfer(ann, 'only-cat.txt to Cat')).toBeVisible();
  await expect(ann.getByRole('listitem', { name: /^only-cat.txt to/ })).toHaveCount(1);
  // A chat message sent after the offer reaches Bob: had the offer gone to him, it would be there too.
  await ann.getByRole('button', { name: /^Chat/ }).click();
  await ann.getByRole('textbox', { name: 'Message' }).fill('sent after the offer');
  await ann.getByRole('button', { name: 'Send', exact: true }).click();
  await bob.getByRole('button', { name: /^Chat/ }).click();
  await expect(bob.getByRole('log', { name: 'Chat messages' })).toContainText('sent after the offer');
  await expect(transfer(bob, 'only-cat.txt from Ann')).toHaveCount(0);
});
