// Meetings whose media goes through the server's forwarding unit (--media sfu): every page has
// one connection, to the server, whatever the meeting's size.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import { startConfab } from '../server';
import { allTogether, expect, expectVideoPlaying, framesDecoded, join, startMeeting, test, tile } from './support';

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

async function forwardingServer() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-sfu-'));
  return startConfab({ port: SFU_PORT, dataDir, args: ['--media', 'sfu', '--media-listen', '127.0.0.1:0'] });
}

test('four people meet through the server: each page has one connection and sees and hears the three others', async ({
  person,
}) => {
  test.setTimeout(120_000);
  const server = await forwardingServer();
  try {
    const names = ['Ada', 'Bob', 'Cy', 'Di'];
    const pages: Page[] = [];
    for (const _ of names) pages.push(await person());
    const link = await startMeeting(pages[0], server.url);
    for (const [i, page] of pages.entries()) await join(page, link, names[i]);
    await allTogether(pages);

    for (const [i, page] of pages.entries()) {
      for (const other of names.filter((_, j) => j !== i)) await expectVideoPlaying(page, other);
      expect(await openConnections(page), `${names[i]}'s connections`).toBe(1);
      // Three others' video arrives over the one connection.
      await expect.poll(async () => (await framesDecoded(page))[0]).toBeGreaterThan(30);
    }
  } finally {
    await server.stop();
  }
});

test('through the server, someone who leaves disappears and the others carry on; a newcomer sees everyone', async ({
  person,
}) => {
  test.setTimeout(90_000);
  const server = await forwardingServer();
  try {
    const [ada, bob, cy] = [await person(), await person(), await person()];
    const link = await startMeeting(ada, server.url);
    await join(ada, link, 'Ada');
    await join(bob, link, 'Bob');
    await expectVideoPlaying(ada, 'Bob');

    await bob.getByRole('button', { name: 'Leave' }).click();
    await expect(tile(ada, 'Bob')).toHaveCount(0);

    await join(cy, link, 'Cy');
    await expectVideoPlaying(cy, 'Ada');
    await expectVideoPlaying(ada, 'Cy');
    expect(await openConnections(ada)).toBe(1);
  } finally {
    await server.stop();
  }
});
